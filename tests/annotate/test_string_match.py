"""What one annotator marked, everyone is offered: the string matcher in a pre-tagging run
(gold names for everyone, an annotator's own names for them alone, with type and KB link,
its lookup built in a fixed number of queries), and in the editor right after a mark
(the other occurrences in the document become that annotator's suggestions, never where
the set already marks something or the annotator rejected the place)."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate import pretagging, services
from annotate.models import KBEntity, Span, Suggestion
from annotate.pretagging import PretagSettings, save_settings
from annotate.services.suggestions import (
    accept_all_suggestions,
    accept_suggestion,
    pending_suggestions,
    reject_suggestion,
)
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.test_pretagging import gold

# Made up for these tests.
FIRST = "افتتحت بلدية الزرقاء حديقة جديدة، وحضر الافتتاح رئيس بلدية الزرقاء سليم العتوم."
SECOND = "وقال سليم العتوم إن لبلدية الزرقاء خطة أخرى، وإن بلديه الزرقاء ستعلنها قريبا."
REPEATED = "زار سليم العتوم المدرسة، ثم عاد سليم العتوم إلى مكتبه، وغادر سليمٌ العتوم مساء."


def add(project, texts):
    add_documents(project, [DocumentRecord(external_id=f"sm{i}", text=t) for i, t in enumerate(texts)])
    return list(project.documents.filter(external_id__startswith="sm").order_by("order"))


def mark(annotation_set, user, text, kind, occurrence=0, kb=None):
    annotation_set.refresh_from_db()
    document = annotation_set.document
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(text, start + 1)
    span = services.create_span(annotation_set, user, entity_type=kind, start=start, end=start + len(text),
                                version=annotation_set.version)
    if kb:
        Span.objects.filter(pk=span.pk).update(kb_entity=kb)
        span.kb_entity = kb
    return span


def offered(document, **filters):
    rows = Suggestion.objects.filter(document=document, tagger="string_match", **filters).order_by("start")
    return [(document.text[r.start:r.end], r.entity_type.key, r.kb_entity_id, r.user_id) for r in rows]


def test_gold_names_are_offered_to_everyone_with_their_type_and_kb_link(project, reviewer, annotator,
                                                                         other_annotator):
    first, second = add(project, [FIRST, SECOND])
    council = KBEntity.objects.create(project=project, entity_type=project.entity_types.get(key="ORG"),
                                      name="بلدية الزرقاء")
    at = FIRST.index("بلدية الزرقاء")
    gold_set = gold(first, reviewer, [(at, at + len("بلدية الزرقاء"), "ORG")])
    Span.objects.filter(set=gold_set).update(kb_entity=council)
    # ann1 has marked the mayor in their own set of the first document: for ann1 only.
    mark(services.own_set(first, annotator), annotator, "سليم العتوم", "PER")

    report = pretagging.pretag_documents(project, [second.pk], taggers=["string_match"])
    assert report.errors == [] and report.skipped == {}
    assert offered(second) == [
        ("سليم العتوم", "PER", None, annotator.pk),
        ("بلدية الزرقاء", "ORG", council.pk, None),  # «لـ» left outside
        ("بلديه الزرقاء", "ORG", council.pk, None),  # ه for ة
    ]
    mine = pending_suggestions(services.own_set(second, annotator))
    theirs = pending_suggestions(services.own_set(second, other_annotator))
    assert len(mine) == 3 and [second.text[s.start:s.end] for s in theirs] == ["بلدية الزرقاء", "بلديه الزرقاء"]

    # Accepting carries the link into the span.
    own = services.own_set(second, other_annotator)
    span = accept_suggestion(theirs[0], other_annotator, own, version=own.version)
    assert Span.objects.get(pk=span.pk).kb_entity_id == council.pk
    assert accept_all_suggestions(own, other_annotator, entity_type="ORG", version=own.version) == 1
    assert set(Span.objects.filter(set=own).values_list("kb_entity_id", flat=True)) == {council.pk}


def test_another_annotator_cannot_reach_a_suggestion_meant_for_someone_else(project, annotator, other_annotator,
                                                                            client):
    first, second = add(project, [FIRST, SECOND])
    mark(services.own_set(first, annotator), annotator, "سليم العتوم", "PER")
    pretagging.pretag_documents(project, [second.pk], taggers=["string_match"])
    private = Suggestion.objects.get(document=second, tagger="string_match")
    own = services.own_set(second, other_annotator)
    client.force_login(other_annotator)
    url = reverse("api:suggestion-accept", args=[own.pk, private.pk])
    assert client.post(url, {"version": own.version}, content_type="application/json").status_code == 404


def test_the_lookup_is_built_in_three_queries_whatever_the_number_of_names_and_annotators(
        project, reviewer, annotator, other_annotator):
    first, second = add(project, [FIRST, SECOND])
    gold(first, reviewer, [(FIRST.index("سليم"), FIRST.index("سليم") + len("سليم العتوم"), "PER")])
    for user in (annotator, other_annotator):
        own = services.own_set(second, user)
        mark(own, user, "بلدية الزرقاء", "ORG")
        mark(own, user, "سليم العتوم", "PER")
    with CaptureQueriesContext(connection) as queries:
        shared, own = pretagging.names_marked(project)
    assert len(queries) == 3
    assert [n.text for n in shared] == ["سليم العتوم"]
    assert {user: sorted(n.text for n in names) for user, names in own.items()} == {
        annotator.pk: ["بلدية الزرقاء", "سليم العتوم"], other_annotator.pk: ["بلدية الزرقاء", "سليم العتوم"]}


def test_a_project_with_no_marked_names_skips_the_tagger_with_the_reason(project):
    add(project, [FIRST])
    report = pretagging.pretag_documents(project, taggers=["string_match"])
    assert report.skipped == {"string_match": "no names are marked in this project yet."}


def test_marking_a_name_offers_its_other_occurrences_in_the_document_to_the_annotator(project, annotator,
                                                                                        other_annotator):
    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    span = mark(own, annotator, "سليم العتوم", "PER")
    assert services.offer_other_occurrences(own, span) == 2
    assert offered(document) == [("سليم العتوم", "PER", None, annotator.pk),
                                 ("سليمٌ العتوم", "PER", None, annotator.pk)]
    # Not again, and not for anyone else.
    assert services.offer_other_occurrences(own, span) == 0
    assert pending_suggestions(services.own_set(document, other_annotator)) == []


def test_a_mark_in_gold_offers_nothing_at_once_to_the_documents_annotators(project, reviewer, annotator):
    [document] = add(project, [REPEATED])
    gold_set = services.gold_set(document)
    span = mark(gold_set, reviewer, "سليم العتوم", "PER")
    assert services.offer_other_occurrences(gold_set, span) == 0
    assert offered(document) == [] and pending_suggestions(services.own_set(document, annotator)) == []


def test_no_offer_where_the_set_already_marks_the_place_or_the_annotator_rejected_it(project, annotator):
    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    mark(own, annotator, "سليم", "ORG", occurrence=1)  # inside the second occurrence
    first = mark(own, annotator, "سليم العتوم", "PER")
    assert offered(document) == []
    assert services.offer_other_occurrences(own, first) == 1  # only the third
    suggestion = Suggestion.objects.get(document=document, tagger="string_match")
    own.refresh_from_db()
    reject_suggestion(suggestion, annotator, own, version=own.version)
    Suggestion.objects.filter(pk=suggestion.pk).update(tagger="crf")  # the rejected place, whoever proposed it
    assert services.offer_other_occurrences(own, first) == 0


def test_a_string_match_suggestion_is_hidden_where_the_set_marks_the_extent_with_another_type(project,
                                                                                              annotator):
    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    first = mark(own, annotator, "سليم العتوم", "PER")
    services.offer_other_occurrences(own, first)
    assert len(pending_suggestions(own)) == 2
    mark(own, annotator, "سليم العتوم", "ORG", occurrence=1)
    assert [document.text[s.start:s.end] for s in pending_suggestions(own)] == ["سليمٌ العتوم"]


def test_nothing_is_offered_when_the_project_does_not_run_the_string_matcher(project, annotator):
    [document] = add(project, [REPEATED])
    save_settings(project, PretagSettings(taggers=["dates", "gazetteer"]))
    own = services.own_set(document, annotator)
    assert services.offer_other_occurrences(own, mark(own, annotator, "سليم العتوم", "PER")) == 0


@pytest.mark.parametrize("htmx", [True, False])
def test_the_editor_answers_a_new_span_with_its_other_occurrences_as_suggestions(project, annotator, client, htmx):
    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    client.force_login(annotator)
    start = REPEATED.index("سليم العتوم")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("span_create", args=[own.pk]),
                           {"type": "PER", "start": start, "end": start + 11, "version": own.version}, **headers)
    assert len(offered(document)) == 2
    if htmx:
        html = response.content.decode()
        ids = {str(pk) for pk in Suggestion.objects.filter(document=document).values_list("pk", flat=True)}
        assert set(re.findall(r'<mark class="sug[^"]*" data-sug="(\d+)"', html)) == ids
        # The message says how many, in the page's language.
        assert "Suggested at 2 other occurrences in this document." in html or "اقتُرح في موضعين آخرين" in html


def test_retyping_a_mark_retypes_its_undecided_offers_in_the_document(project, annotator, client):
    """GPE then LOC: the name's other occurrences follow the correction; a decided offer
    and an offer of another name keep their type."""
    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    first = mark(own, annotator, "سليم العتوم", "GPE")
    services.offer_other_occurrences(own, first)
    [second, third] = Suggestion.objects.filter(document=document, tagger="string_match").order_by("start")
    own.refresh_from_db()
    reject_suggestion(third, annotator, own, version=own.version)
    own.refresh_from_db()
    client.force_login(annotator)
    response = client.post(reverse("span_change_type", args=[first.pk]), {"type": "LOC", "version": own.version},
                           HTTP_HX_REQUEST="true")

    assert Span.objects.get(pk=first.pk).entity_type.key == "LOC"
    # The whole editor is redrawn, so the page shows the offer with its new type.
    assert re.search(rf'<mark class="sug[^"]*" data-sug="{second.pk}"[^>]*data-t="LOC"', response.content.decode())
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.entity_type.key, third.entity_type.key) == ("LOC", "GPE")


def test_a_one_word_name_is_not_offered_where_it_only_folds_onto_a_common_word(project, annotator):
    """«علي» and «على» fold alike (ى/ي): the name is offered where it is written as marked,
    not at the preposition."""
    [document] = add(project, ["وقف علي أمام المبنى ثم جلس على الكرسي، وعاد علي مساء."])
    own = services.own_set(document, annotator)
    first = mark(own, annotator, "علي", "PER")
    assert services.offer_other_occurrences(own, first) == 1
    [(text, kind, _kb, _user)] = offered(document)
    [suggestion] = Suggestion.objects.filter(document=document, tagger="string_match")
    assert (text, kind) == ("علي", "PER") and suggestion.start == document.text.rindex("علي")


@pytest.mark.django_db(transaction=True)  # undo orders actions by their transaction's time
def test_undo_and_redo_of_a_retype_take_the_offers_with_the_mark(project, annotator, api_client):
    """Retyped through the API (the service moves the offers, whichever client asks),
    undone, redone: the name's undecided offers keep the mark's type at every step."""
    from annotate.services import history

    [document] = add(project, [REPEATED])
    own = services.own_set(document, annotator)
    first = mark(own, annotator, "سليم العتوم", "GPE")
    services.offer_other_occurrences(own, first)
    own.refresh_from_db()
    api_client.force_authenticate(annotator)
    response = api_client.patch(f"/api/spans/{first.pk}/", {"entity_type": "LOC", "version": own.version},
                                  format="json")
    assert response.status_code == 200, response.content

    def offer_types():
        return sorted(key for _text, key, _kb, _user in offered(document))

    assert offer_types() == ["LOC", "LOC"]
    own.refresh_from_db()
    history.undo(own, annotator, version=own.version)
    assert Span.objects.get(pk=first.pk).entity_type.key == "GPE" and offer_types() == ["GPE", "GPE"]
    own.refresh_from_db()
    history.redo(own, annotator, version=own.version)
    assert Span.objects.get(pk=first.pk).entity_type.key == "LOC" and offer_types() == ["LOC", "LOC"]
