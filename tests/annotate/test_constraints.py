"""The database itself refuses what must never be stored, whoever writes."""
import pytest
from django.db import IntegrityError, transaction

from annotate import services
from annotate.models import Relation, Span
from corpus.models import Document


def test_document_text_cannot_change(document):
    with pytest.raises(Exception, match="document_text_immutable|Cannot update"):
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(text="نص آخر")


def test_span_past_end_of_text_is_refused_by_the_database(document, annotator):
    own = services.own_set(document, annotator)
    etype = document.project.entity_types.get(key="PER")
    with pytest.raises(IntegrityError, match="outside the document text"):
        with transaction.atomic():
            Span.objects.create(set=own, entity_type=etype, start=0, end=len(document.text) + 1)


def test_relation_across_sets_is_refused_by_the_database(document, annotator, other_annotator):
    mine, theirs = services.own_set(document, annotator), services.own_set(document, other_annotator)
    per = document.project.entity_types.get(key="PER")
    a = Span.objects.create(set=mine, entity_type=per, start=0, end=5)
    b = Span.objects.create(set=theirs, entity_type=per, start=6, end=10)
    rtype = document.project.relation_types.get(key="AFFILIATION")
    with pytest.raises(IntegrityError, match="own set"):
        with transaction.atomic():
            Relation.objects.create(set=mine, relation_type=rtype, source=a, target=b)
