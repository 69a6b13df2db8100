"""The editor's event, argument, relation, undo/redo and history endpoints (htmx and
plain posts): services through the views, panels, 404 for strangers, constant queries."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, Argument, Event, Relation, Span
from tests.annotate.test_services_events import argue, at, event, span, version
from tests.annotate.texts import MEETING

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


def editor_url(document) -> str:
    return reverse("editor", args=[document.project.slug, document.pk])


def annotations(html: str) -> dict:
    raw = re.search(r'<div id="ann-data" hidden data-json="([^"]*)"', html).group(1)
    return json.loads(unescape(raw))


def post(client, name, pk, data):
    return client.post(reverse(name, args=[pk]), data, **HTMX)


def test_create_event_from_a_selection_opens_its_panel_with_every_role(ann_client, own):
    start, end = at(MEETING, "التقى")
    response = post(ann_client, "event_create", own.pk, {"type": "MEET", "start": start + 1, "end": end, "version": 0})
    assert response.status_code == 200
    ev = Event.objects.get(set=own)
    assert (ev.trigger_start, ev.trigger_end) == (start, end)
    html = response.content.decode()
    assert f'id="event-panel" class="event-panel" data-ev="{ev.pk}"' in html
    for role in ("Participant", "Place", "Time", "Mediator", "Source"):
        assert f'data-role="{role}"' in html  # slots are there to fill, no "add slot" step
    assert 'class="slot missing" data-role="Participant"' in html
    assert '<mark class="trg incomplete' in html and f'data-ev="{ev.pk}"' in html
    assert 'data-short="r"' in html and 'data-value="REPORTED"' in html
    assert annotations(html)["events"] == [{"id": ev.pk, "type": "MEET", "colour": ev.event_type.colour, "args": []}]
    assert "HX-Request" in response["Vary"]


def test_fill_roles_by_click_and_by_selection(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    response = post(ann_client, "argument_add", ev.pk,
                    {"role": "Participant", "span": person.pk, "version": 2, "event": ev.pk})
    assert response.status_code == 200, response.content
    start, end = at(MEETING, "نبيل حداد")
    response = post(ann_client, "argument_add", ev.pk, {
        "role": "Participant", "type": "PER", "start": start, "end": end, "version": 3, "event": ev.pk,
    })
    assert response.status_code == 200
    assert sorted(a.span.start for a in ev.arguments.all()) == [person.start, start]
    html = response.content.decode()
    assert 'class="slot" data-role="Participant"' in html  # no longer missing
    data = annotations(html)["events"][0]
    added = Span.objects.get(start=start).pk
    assert [(a["role"], a["span"]) for a in data["args"]] == [("Participant", person.pk), ("Participant", added)]
    assert "سمير داود، نبيل حداد" in html  # the event list's one-line summary


def test_a_date_as_participant_is_422_with_the_reason(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    date = span(own, annotator, "DATE", "١٢ آذار 2021")
    response = post(ann_client, "argument_add", ev.pk, {"role": "Participant", "span": date.pk, "version": 2})
    assert response.status_code == 422 and response["HX-Retarget"] == "#editor-messages"
    html = response.content.decode()
    # Named as the reader knows them, in an Arabic list: no keys (DATE, MEET, PER).
    assert "لا يشغل تاريخ الدور مشارك في حدث لقاء (المسموح: كيان جغرافي سياسي، منظمة، شخص)." in html
    assert not any(key in html for key in ("DATE", "MEET", "PER")) and not Argument.objects.exists()


def test_missing_fields_are_400_naming_them(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    response = post(ann_client, "argument_add", ev.pk, {"span": 1, "version": 1})
    assert response.status_code == 400 and "role" in response.content.decode()
    response = post(ann_client, "event_create", own.pk, {"start": 0, "end": 5, "version": 1})
    assert response.status_code == 400 and "type" in response.content.decode()


def test_attribute_keys_and_kinds(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    response = post(ann_client, "event_attribute", ev.pk,
                    {"key": "factuality", "value": "PLANNED", "version": 1, "event": ev.pk})
    assert response.status_code == 200
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "PLANNED"}
    assert 'data-value="PLANNED" data-short="p" aria-pressed="true"' in response.content.decode()
    response = post(ann_client, "event_attribute", ev.pk, {"key": "factuality", "value": "SOON", "version": 2})
    assert response.status_code == 422 and "SOON" in response.content.decode()


def test_change_type_and_delete_event(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    response = post(ann_client, "event_change_type", ev.pk, {"type": "STATEMENT", "version": 1, "event": ev.pk})
    assert response.status_code == 200 and Event.objects.get(pk=ev.pk).event_type.key == "STATEMENT"
    assert 'data-role="Speaker"' in response.content.decode()
    response = post(ann_client, "event_delete", ev.pk, {"version": 2, "event": ev.pk})
    assert response.status_code == 200 and not Event.objects.exists()
    assert 'id="event-panel" class="event-panel" hidden' in response.content.decode()


def test_remove_argument(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argument = argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    response = post(ann_client, "argument_remove", argument.pk, {"version": 3, "event": ev.pk})
    assert response.status_code == 200 and not Argument.objects.exists() and Span.objects.count() == 1


def test_submit_is_refused_naming_event_and_role_but_work_is_saved(ann_client, own, annotator):
    event(own, annotator, "MEET", "التقى")
    response = post(ann_client, "set_submit", own.pk, {"version": 1})
    assert response.status_code == 422
    # The page speaks Arabic: the refusal names the event, its trigger and the missing role.
    assert "يحتاج الحدث MEET «التقى» إلى 1 على الأقل من الدور Participant." in unescape(response.content.decode())
    assert Event.objects.filter(set=own).exists() and AnnotationSet.objects.get(pk=own.pk).status == "in_progress"


def test_relations_create_list_and_delete(ann_client, own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    response = post(ann_client, "relation_create", own.pk,
                    {"type": "AFFILIATION", "source": person.pk, "target": org.pk, "version": 2})
    assert response.status_code == 200
    relation = Relation.objects.get()
    assert annotations(response.content.decode())["relations"][0]["source"] == person.pk
    panel = ann_client.get(reverse("span_panel", args=[person.pk]), **HTMX).content.decode()
    assert f'data-rel="{relation.pk}"' in panel and "منظمة الأمل" in panel
    response = post(ann_client, "relation_create", own.pk,
                    {"type": "AFFILIATION", "source": org.pk, "target": person.pk, "version": 3})
    assert response.status_code == 422 and Relation.objects.count() == 1
    response = post(ann_client, "relation_delete", relation.pk, {"version": 3})
    assert response.status_code == 200 and not Relation.objects.exists()


def test_editor_page_lists_events_with_a_summary(ann_client, own, annotator, meeting_doc):
    ev = event(own, annotator, "MEET", "التقى", attributes={"factuality": "REPORTED"})
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    argue(ev, annotator, "Place", span(own, annotator, "GPE", "دمشق"))
    ann_client.cookies["django_language"] = "en"
    html = ann_client.get(editor_url(meeting_doc)).content.decode()
    item = re.search(rf'<li data-ev="{ev.pk}".*?</li>', html, re.S).group(0)
    assert "Meeting" in item and "سمير داود · دمشق · reported" in item
    html = ann_client.get(editor_url(meeting_doc) + f"?event={ev.pk}").content.decode()
    assert f'data-ev="{ev.pk}" data-colour=' in html  # the panel opens on ?event=


def test_editor_queries_stay_constant_with_events_and_relations(ann_client, own, annotator, meeting_doc,
                                                                django_assert_max_num_queries):
    url = editor_url(meeting_doc)
    person, org = span(own, annotator, "PER", "سمير داود"), span(own, annotator, "ORG", "منظمة الأمل")
    services.create_relation(own, annotator, relation_type="AFFILIATION", source=person, target=org,
                             version=version(own))
    argue(event(own, annotator, "MEET", "التقى"), annotator, "Participant", person)
    ann_client.get(url)
    with django_assert_max_num_queries(30) as before:
        ann_client.get(url)
    for _ in range(3):
        ev = event(own, annotator, "STATEMENT", "وقال")
        argue(ev, annotator, "Speaker", person)
        argue(ev, annotator, "Source", org)
    services.create_relation(own, annotator, relation_type="AFFILIATION",
                             source=span(own, annotator, "PER", "نبيل حداد"),
                             target=org, version=version(own))
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = ann_client.get(url).content.decode()
    assert len(annotations(html)["events"]) == 4 and len(annotations(html)["relations"]) == 2


@pytest.mark.django_db(transaction=True)  # actions are ordered by their transaction's time
def test_undo_and_redo_through_the_editor(ann_client, own, annotator):
    ev_start, ev_end = at(MEETING, "التقى")
    post(ann_client, "event_create", own.pk, {"type": "MEET", "start": ev_start, "end": ev_end, "version": 0})
    response = post(ann_client, "set_undo", own.pk, {"version": 1})
    assert response.status_code == 200 and not Event.objects.exists()
    assert "create an event" in unescape(response.content.decode()) or "حدث" in response.content.decode()
    response = post(ann_client, "set_redo", own.pk, {"version": 2})
    assert response.status_code == 200 and Event.objects.count() == 1
    response = post(ann_client, "set_redo", own.pk, {"version": 3})
    assert response.status_code == 422 and Event.objects.count() == 1
    response = post(ann_client, "set_undo", own.pk, {"version": 1})
    assert response.status_code == 409 and Event.objects.count() == 1


def test_history_page_shows_who_did_what(ann_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    ann_client.cookies["django_language"] = "en"
    response = ann_client.get(reverse("set_history", args=[own.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<tr class=\"action-") == 3
    assert "ann1" in html and "fill a role" in html and "Person «سمير داود»" in html


def test_history_page_queries_are_constant(ann_client, own, annotator, django_assert_max_num_queries):
    ev = event(own, annotator, "MEET", "التقى")
    url = reverse("set_history", args=[own.pk])
    ann_client.get(url)
    with django_assert_max_num_queries(30) as before:
        ann_client.get(url)
    for word in ("سمير داود", "نبيل حداد"):
        argue(ev, annotator, "Participant", span(own, annotator, "PER", word))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert ann_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name, target, data",
    [
        ("event_create", "set", {"type": "MEET", "start": 0, "end": 5, "version": 3}),
        ("event_change_type", "event", {"type": "STATEMENT", "version": 3}),
        ("event_delete", "event", {"version": 3}),
        ("event_attribute", "event", {"key": "factuality", "value": "DENIED", "version": 3}),
        ("argument_add", "event", {"role": "Place", "type": "GPE", "start": 0, "end": 5, "version": 3}),
        ("argument_remove", "argument", {"version": 3}),
        ("relation_create", "set", {"type": "AFFILIATION", "source": 0, "target": 0, "version": 3}),
        ("set_undo", "set", {"version": 3}),
        ("set_redo", "set", {"version": 3}),
        ("set_history", "set", None),
        ("span_panel", "span", None),
    ],
)
def test_another_annotator_gets_404_on_every_endpoint(client, own, annotator, other_annotator, name, target, data):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    argument = argue(ev, annotator, "Participant", person)
    pk = {"set": own.pk, "event": ev.pk, "argument": argument.pk, "span": person.pk}[target]
    client.force_login(other_annotator)
    url = reverse(name, args=[pk])
    response = client.get(url, **HTMX) if data is None else client.post(url, data, **HTMX)
    assert response.status_code == 404
    ev.refresh_from_db()
    assert version(own) == 3 and ev.event_type.key == "MEET" and Argument.objects.count() == 1


def test_relation_delete_by_a_stranger_is_404(client, own, annotator, other_annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relation = services.create_relation(own, annotator, relation_type="AFFILIATION", source=person, target=org,
                                        version=2)
    client.force_login(other_annotator)
    assert post(client, "relation_delete", relation.pk, {"version": 3}).status_code == 404
    assert Relation.objects.filter(pk=relation.pk).exists()


def test_plain_post_redirects_back(ann_client, own, meeting_doc):
    start, end = at(MEETING, "التقى")
    response = ann_client.post(reverse("event_create", args=[own.pk]),
                               {"type": "MEET", "start": start, "end": end, "version": 0})
    assert response.status_code == 302 and response["Location"] == editor_url(meeting_doc)
    assert Event.objects.filter(set=own).count() == 1
