"""Suggestions in the editor: dashed marks with their tooltip and data, who sees which,
accept / reject / accept all through the endpoints the editor calls, the span's origin,
the set version for the side panels, and a constant number of queries."""
from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Span, Suggestion, SuggestionDecision
from annotate.services.suggestions import reject_suggestion
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

HTMX = {"HTTP_HX_REQUEST": "true"}


def editor_url(document):
    return reverse("editor", args=[document.project.slug, document.pk])


def suggest(document, kind, text, tagger="gazetteer", score=0.8, value="", occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(text, start + 1)
    return Suggestion.objects.create(
        document=document, tagger=tagger, score=score, start=start, end=start + len(text), value=value,
        entity_type=document.project.entity_types.get(key=kind),
    )


def suggest_event(document, trigger, arguments):
    start = document.text.index(trigger)
    proposed = []
    for role, kind, text in arguments:
        at = document.text.index(text)
        proposed.append({"role": role, "type": kind, "start": at, "end": at + len(text)})
    return Suggestion.objects.create(
        document=document, tagger="triggers", score=0.7, kind=Suggestion.Kind.EVENT, start=start,
        end=start + len(trigger), event_type=document.project.event_types.get(key="MEET"), arguments=proposed,
    )


def page_data(html: str) -> dict:
    """The JSON editor.js reads (events, relations, suggestions)."""
    raw = re.search(r'id="ann-data" hidden data-json="([^"]*)"', html).group(1)
    return json.loads(html_lib.unescape(raw))


def sug_marks(html: str) -> list[str]:
    return re.findall(r'<mark class="sug[^"]*" data-sug="(\d+)"', html)


def test_pending_suggestions_are_dashed_marks_with_their_tagger_and_score(ann_client, document, own):
    place = suggest(document, "GPE", "القاهرة", tagger="camel_ner", score=0.876)
    date = suggest(document, "DATE", "١٢ آذار 2021", tagger="dates", value="2021-03-12")
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(place.pk), str(date.pk)]
    mark = re.search(rf'<mark class="sug[^"]*" data-sug="{place.pk}"[^>]*>', html).group(0)
    gpe = document.project.entity_types.get(key="GPE")
    assert 'data-t="GPE"' in mark and f'data-colour="{gpe.colour}"' in mark
    assert "0.88" in re.search(r'title="([^"]*)"', mark).group(1)
    data = {s["id"]: s for s in page_data(html)["suggestions"]}
    assert data[date.pk]["value"] == "2021-03-12" and data[date.pk]["tagger"] == "dates"
    assert data[place.pk]["text"] == "القاهرة" and data[place.pk]["kind"] == "entity"
    assert re.search(r'id="sug-count">2<', html)
    # The type key and the three endpoints the editor posts to.
    assert reverse("suggestions_accept_all", args=[own.pk]) in html
    assert reverse("suggestion_accept", args=[own.pk, 0]) in html


def test_no_suggestion_panel_without_suggestions(ann_client, document, own):
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [] and page_data(html)["suggestions"] == []
    assert re.search(r'<section id="suggestions-panel"[^>]* hidden', html)


def test_a_suggestion_overlapping_a_human_mark_still_shows_unless_identical(ann_client, document, own, annotator):
    person = suggest(document, "PER", "سمير داود")
    wider = suggest(document, "ORG", "وزير الخارجية", tagger="crf")
    start = document.text.index("سمير داود")
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + len("سمير داود"), version=0)
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + len("سمير"), version=1)
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(wider.pk)]  # the identical PER is not offered again
    assert str(person.pk) not in [str(s["id"]) for s in page_data(html)["suggestions"]]


def test_other_annotators_decisions_do_not_hide_my_suggestions(ann_client, document, own, other_annotator):
    place = suggest(document, "GPE", "القاهرة")
    theirs = services.own_set(document, other_annotator)
    reject_suggestion(place, other_annotator, theirs, version=0)
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(place.pk)]


def test_accept_through_the_endpoint_creates_the_span_with_its_origin(ann_client, document, own, annotator):
    place = suggest(document, "GPE", "القاهرة", tagger="camel_ner", score=0.9)
    response = ann_client.post(reverse("suggestion_accept", args=[own.pk, place.pk]), {"version": 0}, **HTMX)
    assert response.status_code == 204 and json.loads(response["HX-Trigger"]) == {"tawsim:refresh": {}}
    span = Span.objects.get(set=own)
    assert (span.entity_type.key, span.start, span.end) == ("GPE", place.start, place.end)
    assert span.origin == {"suggestion": place.pk, "tagger": "camel_ner", "score": 0.9}
    assert SuggestionDecision.objects.get(suggestion=place, user=annotator).span_id == span.pk

    # The refresh the editor then makes: the span is listed, the suggestion gone, version 1.
    html = ann_client.get(editor_url(document), **HTMX).content.decode()
    assert html.startswith('<div id="doc-text"')
    assert f'data-id="{span.pk}"' in html and sug_marks(html) == []
    assert 'data-set-version="1"' in html and 'id="suggestions-panel"' in html
    # The mark's side panel names where it came from.
    panel = ann_client.get(reverse("span_panel", args=[span.pk])).content.decode()
    assert f'data-suggestion="{place.pk}"' in panel and "camel_ner" in panel


def test_reject_hides_the_suggestion_and_records_the_decision(ann_client, document, own, annotator):
    place = suggest(document, "GPE", "القاهرة")
    person = suggest(document, "PER", "سمير داود")
    response = ann_client.post(reverse("suggestion_reject", args=[own.pk, place.pk]), {"version": 0}, **HTMX)
    assert response.status_code == 204
    assert SuggestionDecision.objects.get(suggestion=place, user=annotator).decision == "rejected"
    assert not Span.objects.filter(set=own).exists()
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(person.pk)]


def test_accept_all_of_a_type_accepts_only_that_type(ann_client, document, own, annotator):
    capital = suggest(document, "GPE", "القاهرة")
    suggest(document, "GPE", "الخارجية", tagger="crf")
    person = suggest(document, "PER", "سمير داود")
    response = ann_client.post(reverse("suggestions_accept_all", args=[own.pk]), {"version": 0, "type": "GPE"}, **HTMX)
    assert response.status_code == 204 and json.loads(response["HX-Trigger"]) == {"tawsim:refresh": {}}
    accepted = Span.objects.filter(set=own).order_by("start")
    assert [(s.entity_type.key, s.origin["tagger"]) for s in accepted] == [("GPE", "crf"), ("GPE", "gazetteer")]
    assert SuggestionDecision.objects.filter(user=annotator, decision="accepted").count() == 2
    assert accepted.get(start=capital.start).origin["suggestion"] == capital.pk
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(person.pk)] and re.search(r'id="sug-count">1<', html)


def test_a_stale_decision_is_refused_with_the_reason(ann_client, document, own, annotator):
    place = suggest(document, "GPE", "القاهرة")
    start = document.text.index("سمير")
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + 4, version=0)
    response = ann_client.post(reverse("suggestion_accept", args=[own.pk, place.pk]), {"version": 0}, **HTMX)
    assert response.status_code == 409
    assert json.loads(response["HX-Trigger"])["tawsim:refused"]["status"] == 409
    assert not SuggestionDecision.objects.exists()


def test_event_trigger_suggestions_carry_their_proposed_arguments(ann_client, document, own):
    meeting = suggest_event(document, "التقى", [("Participant", "PER", "سمير داود"), ("Place", "GPE", "القاهرة")])
    html = ann_client.get(editor_url(document)).content.decode()
    assert re.search(rf'<mark class="sug ev[^"]*" data-sug="{meeting.pk}" data-t="MEET"', html)
    [data] = page_data(html)["suggestions"]
    roles = {r.key: r.name_ar for r in document.project.event_types.get(key="MEET").roles.all()}
    assert data["kind"] == "event"
    assert [(a["role"], a["roleLabel"], a["text"]) for a in data["args"]] == [
        ("Participant", roles["Participant"], "سمير داود"), ("Place", roles["Place"], "القاهرة")]


def test_a_submitted_set_shows_no_suggestions(ann_client, document, own, annotator):
    suggest(document, "GPE", "القاهرة")
    start = document.text.index("سمير")
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + 4, version=0)
    own.refresh_from_db()
    services.submit_set(own, annotator, version=own.version)
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [] and page_data(html)["suggestions"] == []


def test_the_page_exposes_the_set_version_and_loads_the_panels_css(ann_client, document, own, annotator):
    start = document.text.index("سمير")
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + 4, version=0)
    html = ann_client.get(editor_url(document)).content.decode()
    assert 'data-set-version="1"' in html and "kb.css" in html


def fill_suggestions(document, count):
    types = {t.key: t for t in document.project.entity_types.all()}
    meet = document.project.event_types.get(key="MEET")
    rows = []
    for i, match in enumerate(re.finditer("القاهرة", document.text)):
        if i == count:
            break
        rows.append(Suggestion(document=document, tagger="gazetteer", start=match.start(), end=match.end(),
                               entity_type=types["GPE"]))
    for i, match in enumerate(re.finditer("التقى", document.text)):
        if i == count:
            break
        place = document.text.index("القاهرة", match.end())
        rows.append(Suggestion(
            document=document, tagger="triggers", kind=Suggestion.Kind.EVENT, start=match.start(), end=match.end(),
            event_type=meet, arguments=[{"role": "Place", "type": "GPE", "start": place, "end": place + 7}]))
    Suggestion.objects.bulk_create(rows)


@pytest.mark.parametrize("count", [2, 250])
def test_editor_queries_stay_constant_with_suggestions(ann_client, long_document, annotator, count,
                                                       django_assert_max_num_queries):
    services.own_set(long_document, annotator)
    fill_suggestions(long_document, count)
    # The bound without suggestions (see test_editor_views), plus: is there any
    # suggestion, the pending ones, the names of the roles their events propose.
    with django_assert_max_num_queries(20):
        response = ann_client.get(editor_url(long_document))
    assert len(sug_marks(response.content.decode())) == 2 * count


def test_previous_and_next_documents_are_linked(ann_client, project, document):
    """The neighbours come from one query now (room for the suggestions' query)."""
    add_documents(project, [DocumentRecord(external_id=f"doc-{n}", title=str(n), text=f"نص رقم {n}") for n in (2, 3)])
    middle, last = project.documents.get(external_id="doc-2"), project.documents.get(external_id="doc-3")
    html = ann_client.get(editor_url(middle)).content.decode()
    assert f'id="doc-prev" rel="prev" href="{editor_url(document)}"' in html
    assert f'id="doc-next" rel="next" href="{editor_url(last)}"' in html
    html = ann_client.get(editor_url(document)).content.decode()
    assert 'id="doc-prev"' not in html and f'href="{editor_url(middle)}"' in html


# --- submitting with suggestions still undecided ------------------------------------------

def submit(client, own, **extra):
    own.refresh_from_db()
    return client.post(reverse("set_submit", args=[own.pk]), {"version": own.version, **extra}, **HTMX)


def refusal(response) -> dict:
    return json.loads(response["HX-Trigger"])["tawsim:refused"]


def test_submit_with_undecided_suggestions_asks_first_and_changes_nothing(ann_client, document, own):
    suggest(document, "GPE", "القاهرة")
    suggest(document, "PER", "سمير داود")
    response = submit(ann_client, own)
    assert response.status_code == 422
    detail = refusal(response)
    assert detail["field"] == "undecided" and detail["message"] == "اقتراحان لم يُحسما بعد."  # the Arabic dual
    own.refresh_from_db()
    assert own.status != "submitted" and own.version == 0 and not SuggestionDecision.objects.exists()


def test_the_count_uses_arabic_plural_forms(ann_client, document, own):
    for word in ("التقى", "وزير", "الخارجية"):
        suggest(document, "ORG", word)
    assert refusal(submit(ann_client, own))["message"] == "3 اقتراحات لم تُحسم بعد."


def test_submit_anyway_keeps_the_suggestions_undecided(ann_client, document, own):
    suggest(document, "GPE", "القاهرة")
    response = submit(ann_client, own, undecided="keep")
    assert response.status_code == 200 and 'id="reopen-button"' in response.content.decode()
    assert not SuggestionDecision.objects.exists()


def test_reject_them_all_and_submit_is_one_change(ann_client, document, own, annotator):
    cairo = suggest(document, "GPE", "القاهرة")
    behind = suggest(document, "LOC", "القاهرة", score=0.2)  # merged away behind the first: rejected too
    start = document.text.index("سمير")
    services.create_span(own, annotator, entity_type="PER", start=start, end=start + 9, version=0)
    already = suggest(document, "PER", "سمير داود")  # already in the set: no decision needed
    response = submit(ann_client, own, undecided="reject")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "submitted" and own.version == 2  # one version for the rejections and the submit
    decided = dict(SuggestionDecision.objects.values_list("suggestion_id", "decision"))
    assert decided == {cairo.pk: "rejected", behind.pk: "rejected"} and already.pk not in decided


def test_a_refused_submit_rejects_nothing(ann_client, document, own):
    suggest(document, "GPE", "القاهرة")
    response = ann_client.post(reverse("set_submit", args=[own.pk]), {"version": 7, "undecided": "reject"}, **HTMX)
    assert response.status_code == 409 and not SuggestionDecision.objects.exists()
    own.refresh_from_db()
    assert own.status != "submitted"


def test_an_unknown_answer_is_a_bad_request(ann_client, document, own):
    suggest(document, "GPE", "القاهرة")
    response = submit(ann_client, own, undecided="maybe")
    assert response.status_code == 400 and refusal(response)["field"] == "undecided"


def test_a_submitted_document_offers_the_next_one_from_the_queue(ann_client, document, own):
    response = submit(ann_client, own)
    html = response.content.decode()
    assert 'id="next-document-button"' in html
    assert f'action="{reverse("pull_next", args=[document.project.slug])}"' in html


# --- a suggestion where the annotator marked the same text with another type ---------------

def test_a_suggestion_for_everyone_is_hidden_where_the_annotator_marked_the_text_with_another_type(
        ann_client, api_client, document, own, annotator):
    """The annotator has said what that text is: the offer of another type is gone from the
    editor (marks, count, navigation), the API's list, accept-all and the undecided count."""
    place = suggest(document, "GPE", "القاهرة", tagger="gazetteer")
    person = suggest(document, "PER", "سمير داود", tagger="crf")
    start = document.text.index("القاهرة")
    response = ann_client.post(reverse("span_create", args=[own.pk]),
                               {"type": "ORG", "start": start, "end": start + 7, "version": 0}, **HTMX)
    assert response.status_code == 200
    assert str(place.pk) not in sug_marks(response.content.decode())  # the answer redraws what the mark hid
    html = ann_client.get(editor_url(document)).content.decode()
    assert sug_marks(html) == [str(person.pk)] and re.search(r'id="sug-count">1<', html)
    assert [s["id"] for s in page_data(html)["suggestions"]] == [person.pk]
    listed = api_client.get(reverse("api:set-suggestions", args=[own.pk])).json()
    assert [s["id"] for s in listed] == [person.pk]
    own.refresh_from_db()
    refused = api_client.post(reverse("api:set-submit", args=[own.pk]), {"version": own.version}, format="json")
    assert refused.status_code == 422 and refused.json()["undecided"] == 1
    accepted = api_client.post(reverse("api:suggestions-accept-all", args=[own.pk]),
                               {"entity_type": "GPE", "version": own.version}, format="json")
    assert accepted.json()["accepted"] == 0 and not Span.objects.filter(set=own, entity_type__key="GPE").exists()
    # Taking the mark away offers the suggestion again.
    span = Span.objects.get(set=own, start=start)
    services.delete_span(span, annotator, version=own.version)
    assert sorted(s.pk for s in services.pending_suggestions(own)) == sorted([place.pk, person.pk])
