"""Accepting and rejecting suggestions: pending list, origin, decisions, versions, accept-all."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate import pretagging, services
from annotate.models import AnnotationSet, Event, Span, Suggestion, SuggestionDecision
from annotate.services.suggestions import (
    accept_all_suggestions,
    accept_suggestion,
    pending_suggestions,
    reject_suggestion,
)
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents


def suggest(document, tagger, kind, text, score=0.8, occurrence=0):
    start = document.text.index(text)
    for _ in range(occurrence):
        start = document.text.index(text, start + 1)
    return Suggestion.objects.create(document=document, tagger=tagger, score=score, start=start,
                                     end=start + len(text), entity_type=document.project.entity_types.get(key=kind))


def shown(document, suggestions):
    return [(s.tagger, (s.entity_type or s.event_type).key, document.text[s.start:s.end]) for s in suggestions]


def test_crossing_suggestions_are_merged_by_priority_then_score(document, own):
    suggest(document, "crf", "ORG", "وزير الخارجية سمير", score=0.99)
    suggest(document, "gazetteer", "PER", "سمير داود", score=0.9)
    suggest(document, "crf", "GPE", "القاهرة", score=0.4)
    suggest(document, "camel_ner", "GPE", "القاهرة", score=0.8)
    assert shown(document, pending_suggestions(own)) == [
        ("gazetteer", "PER", "سمير داود"), ("camel_ner", "GPE", "القاهرة"),
    ]


def test_where_suggestions_nest_the_longer_one_is_shown_whatever_its_tagger(document, own):
    suggest(document, "gazetteer", "ORG", "وزير الخارجية", score=0.9)
    suggest(document, "crf", "PER", "وزير الخارجية سمير داود", score=0.5)
    suggest(document, "dates", "PER", "سمير", score=1.0)
    assert shown(document, pending_suggestions(own)) == [("crf", "PER", "وزير الخارجية سمير داود")]


def test_pending_leaves_out_what_the_set_has_and_what_the_owner_decided(document, own, annotator, other_annotator):
    place = suggest(document, "gazetteer", "GPE", "القاهرة")
    same_place = suggest(document, "crf", "GPE", "القاهرة")
    person = suggest(document, "gazetteer", "PER", "سمير داود")
    services.create_span(own, annotator, entity_type="PER", start=person.start, end=person.end, version=own.version)
    reject_suggestion(place, annotator, own, version=own.version)
    assert pending_suggestions(own) == []  # the CRF's identical place is hidden by the rejection too
    theirs = services.own_set(document, other_annotator)
    assert {s.pk for s in pending_suggestions(theirs)} == {place.pk, person.pk} or \
        {s.pk for s in pending_suggestions(theirs)} == {same_place.pk, person.pk}


def test_pending_needs_a_constant_number_of_queries(document, own, django_assert_num_queries):
    for word in ("سمير", "داود", "القاهرة", "الخارجية", "الطرفان"):
        suggest(document, "gazetteer", "PER", word)
    with django_assert_num_queries(2):
        assert len(pending_suggestions(own)) == 5


def test_accept_copies_the_suggestion_with_its_origin_and_records_the_decision(document, own, annotator):
    suggestion = suggest(document, "gazetteer", "GPE", "القاهرة", score=0.85)
    span = accept_suggestion(suggestion, annotator, own, version=0)
    assert (span.set_id, span.entity_type.key, span.start, span.end) == (
        own.pk, "GPE", suggestion.start, suggestion.end)
    assert span.origin == {"suggestion": suggestion.pk, "tagger": "gazetteer", "score": 0.85}
    decision = SuggestionDecision.objects.get(suggestion=suggestion, user=annotator)
    assert decision.decision == "accepted" and decision.span_id == span.pk
    own.refresh_from_db()
    assert own.version == 1 and own.status == "in_progress"
    assert span.history.filter(pgh_label="insert").get().pgh_context.metadata["action"] == "accept_suggestion"
    assert pending_suggestions(own) == []


def test_accept_twice_is_refused(document, own, annotator):
    suggestion = suggest(document, "gazetteer", "GPE", "القاهرة")
    accept_suggestion(suggestion, annotator, own, version=0)
    with pytest.raises(services.Invalid, match="already"):
        accept_suggestion(suggestion, annotator, own, version=1)


def test_reject_records_the_decision_and_changes_no_annotation(document, own, annotator):
    suggestion = suggest(document, "crf", "PER", "سمير داود")
    reject_suggestion(suggestion, annotator, own, version=0)
    assert SuggestionDecision.objects.get(suggestion=suggestion).decision == "rejected"
    assert not Span.objects.exists()
    own.refresh_from_db()
    assert own.version == 1


def test_a_stale_version_is_refused_and_nothing_changes(document, own, annotator):
    suggestion = suggest(document, "gazetteer", "GPE", "القاهرة")
    services.create_span(own, annotator, entity_type="PER", start=6, end=10, version=0)
    with pytest.raises(services.StaleVersion):
        accept_suggestion(suggestion, annotator, own, version=0)
    with pytest.raises(services.StaleVersion):
        reject_suggestion(suggestion, annotator, own, version=0)
    assert not SuggestionDecision.objects.exists() and Span.objects.count() == 1


def test_a_suggestion_of_another_document_is_refused(document, own, annotator, project):
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents

    add_documents(project, [DocumentRecord(external_id="other", text="وصل الوفد إلى القاهرة.")])
    elsewhere = suggest(project.documents.get(external_id="other"), "gazetteer", "GPE", "القاهرة")
    with pytest.raises(services.Invalid, match="another document"):
        accept_suggestion(elsewhere, annotator, own, version=0)


def test_a_submitted_set_refuses_decisions(document, own, annotator):
    suggestion = suggest(document, "gazetteer", "GPE", "القاهرة")
    services.submit_set(own, annotator, version=0)
    with pytest.raises(services.Invalid, match="reopen"):
        accept_suggestion(suggestion, annotator, own, version=1)


def test_accept_all_of_a_type_is_one_action_and_one_version(document, own, annotator):
    suggest(document, "gazetteer", "GPE", "القاهرة")
    suggest(document, "crf", "PER", "سمير داود")
    suggest(document, "crf", "PER", "الطرفان")
    suggest(document, "gazetteer", "PER", "الطرفان", score=0.5)  # merged away: one span, one decision
    accepted = accept_all_suggestions(own, annotator, entity_type="PER", version=0)
    assert accepted == 2
    own.refresh_from_db()
    assert own.version == 1
    spans = {(document.text[s.start:s.end], s.origin["tagger"]) for s in own.spans.all()}
    assert spans == {("سمير داود", "crf"), ("الطرفان", "gazetteer")}
    assert SuggestionDecision.objects.filter(decision="accepted").count() == 2
    assert shown(document, pending_suggestions(own)) == [("gazetteer", "GPE", "القاهرة")]
    assert accept_all_suggestions(own, annotator, entity_type="PER", version=1) == 0


def test_accepting_an_event_suggestion_creates_the_event_and_its_arguments(document, own, annotator):
    pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer", "triggers"])
    meeting = Suggestion.objects.get(document=document, kind="event")
    event = accept_suggestion(meeting, annotator, own, version=0)
    assert isinstance(event, Event) and event.event_type.key == "MEET"
    assert event.origin["suggestion"] == meeting.pk and event.origin["tagger"] == "triggers"
    arguments = {(a.role.key, document.text[a.span.start:a.span.end]) for a in event.arguments.all()}
    assert ("Place", "القاهرة") in arguments and ("Time", "١٢ آذار 2021") in arguments
    own.refresh_from_db()
    assert own.version >= 1
    assert SuggestionDecision.objects.get(suggestion=meeting).event_id == event.pk
    assert [s.kind for s in pending_suggestions(own)].count("event") == 0


def cairo_set(project, user, count):
    """A fresh set on a document naming Cairo `count` times, each with a suggestion."""
    add_documents(project, [DocumentRecord(external_id=f"cairo-{count}", text="وصل الوفد إلى القاهرة. " * count)])
    document = project.documents.get(external_id=f"cairo-{count}")
    gpe = project.entity_types.get(key="GPE")
    Suggestion.objects.bulk_create(
        Suggestion(document=document, tagger="gazetteer", start=m.start(), end=m.end(), entity_type=gpe)
        for m in re.finditer("القاهرة", document.text)
    )
    return AnnotationSet.objects.get(pk=services.own_set(document, user).pk)  # as a view loads it


def test_accept_all_takes_as_many_queries_for_30_suggestions_as_for_3(project, annotator):
    queries = {}
    for count in (3, 30):
        own = cairo_set(project, annotator, count)
        with CaptureQueriesContext(connection) as captured:
            assert accept_all_suggestions(own, annotator, entity_type="GPE", version=0) == count
        queries[count] = len(captured)
        assert own.spans.count() == count
        assert SuggestionDecision.objects.filter(span__set=own, decision="accepted").count() == count
    assert queries[30] == queries[3]


def test_accept_all_reuses_an_identical_span_and_snaps_like_one_accept(document, own, annotator):
    cairo = suggest(document, "gazetteer", "GPE", "القاهرة")
    glued = Suggestion.objects.create(  # «الطرفان» selected from inside the word: snapped to the whole word
        document=document, tagger="crf", start=document.text.index("الطرفان") + 2,
        end=document.text.index("الطرفان") + 5, entity_type=cairo.entity_type)
    mine = services.create_span(own, annotator, entity_type="GPE", start=glued.start - 2, end=glued.start + 5,
                                version=0)
    assert accept_all_suggestions(own, annotator, entity_type="GPE", version=1) == 2
    decisions = dict(SuggestionDecision.objects.values_list("suggestion_id", "span_id"))
    assert decisions[glued.pk] == mine.pk and own.spans.count() == 2
    accepted = own.spans.get(pk=decisions[cairo.pk])
    assert accepted.history.get().pgh_context.metadata["action"] == "accept_all_suggestions"
