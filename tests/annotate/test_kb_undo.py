"""Undoing a knowledge-base link takes back the spelling the link taught its entry
(services.kb.link_span adds the mention's text to the aliases); redo puts it back. An
alias the entry had before, or was given since, stays. Actions are ordered by their
transaction's time, so these tests commit each action (transaction=True)."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import AnnotationSet, KBEntity, Span
from annotate.services import kb

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def document(kb_doc):
    return kb_doc


def mark(annotation_set, user, text: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = annotation_set.document.text.index(text, start + 1)
    return services.create_span(annotation_set, user, entity_type="PER", start=start, end=start + len(text),
                                version=version_of(annotation_set))


def version_of(annotation_set) -> int:
    return AnnotationSet.objects.get(pk=annotation_set.pk).version


def test_undo_takes_back_the_spelling_the_link_taught_and_redo_puts_it_back(project, reviewer, own, annotator):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان", aliases=["ه. فيدان"])
    span = mark(own, annotator, "حقان فيدان")
    kb.link_span(span, annotator, entity=entity, version=version_of(own))
    assert KBEntity.objects.get(pk=entity.pk).aliases == ["ه. فيدان", "حقان فيدان"]  # the link taught it
    services.undo(own, annotator, version=version_of(own))
    assert Span.objects.get(pk=span.pk).kb_entity_id is None
    assert KBEntity.objects.get(pk=entity.pk).aliases == ["ه. فيدان"]  # the earlier alias stays
    services.redo(own, annotator, version=version_of(own))
    assert Span.objects.get(pk=span.pk).kb_entity_id == entity.pk
    assert KBEntity.objects.get(pk=entity.pk).aliases == ["ه. فيدان", "حقان فيدان"]
    services.undo(own, annotator, version=version_of(own))  # and again: the redo is undone as well
    assert KBEntity.objects.get(pk=entity.pk).aliases == ["ه. فيدان"]


def test_undo_keeps_an_alias_the_entry_had_before_or_was_given_since(project, reviewer, own, annotator):
    known = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان", aliases=["حقان فيدان"])
    span = mark(own, annotator, "حقان فيدان")
    kb.link_span(span, annotator, entity=known, version=version_of(own))
    services.undo(own, annotator, version=version_of(own))
    assert KBEntity.objects.get(pk=known.pk).aliases == ["حقان فيدان"]  # it did not add it: it keeps it
    other = kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي")
    span = mark(own, annotator, "سامي", occurrence=0)
    kb.link_span(span, annotator, entity=other, version=version_of(own))
    kb.update_entity(KBEntity.objects.get(pk=other.pk), reviewer, aliases=["سامي", "أ. سامي"])  # given since
    services.undo(own, annotator, version=version_of(own))
    assert KBEntity.objects.get(pk=other.pk).aliases == ["أ. سامي"]
