"""Events, arguments and attributes through the REST API: the service layer's rules
with 400 naming the field, 409 on a stale version, 404 for strangers."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotate import services
from annotate.models import Argument, Event, Span
from tests.annotate.test_services_events import argue, at, event, span, version
from tests.annotate.texts import MEETING


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def create_event(api_client, own, **body):
    start, end = at(MEETING, "التقى")
    payload = {"event_type": "MEET", "trigger_start": start, "trigger_end": end, "version": version(own)}
    return api_client.post(f"/api/sets/{own.pk}/events/", {**payload, **body}, format="json")


def test_create_event_with_attributes(api_client, own):
    response = create_event(api_client, own, attributes={"factuality": "REPORTED"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event_type"] == "MEET" and body["trigger_text"] == "التقى"
    assert body["attributes"] == {"factuality": "REPORTED"} and body["arguments"] == []
    assert body["version"] == version(own) == 1
    assert Event.objects.get(pk=body["id"]).set == own


@pytest.mark.parametrize(
    "body, field",
    [
        ({"event_type": "PARTY"}, "event_type"),
        ({"attributes": {"factuality": "MAYBE"}}, "attributes"),
        ({"trigger_start": 10, "trigger_end": 5}, "trigger_end"),
        ({"trigger_start": "x"}, "trigger_start"),
    ],
)
def test_bad_event_is_400_naming_the_field(api_client, own, body, field):
    response = create_event(api_client, own, **body)
    assert response.status_code == 400
    payload = response.json()
    assert payload.get("field") == field or field in payload
    assert not Event.objects.exists()


def test_stale_version_is_409_with_the_current_version(api_client, own, annotator):
    event(own, annotator, "MEET", "التقى")
    response = create_event(api_client, own, version=0, event_type="STATEMENT")
    assert response.status_code == 409 and response.json()["version"] == 1
    assert Event.objects.count() == 1


def test_fill_roles_by_span_and_by_selection(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    response = api_client.post(f"/api/events/{ev.pk}/arguments/",
                               {"role": "Participant", "span": person.pk, "version": 2}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "سمير داود" and response.json()["version"] == 3
    start, end = at(MEETING, "دمشق")
    response = api_client.post(
        f"/api/events/{ev.pk}/arguments/",
        {"role": "Place", "entity_type": "GPE", "start": start, "end": end, "version": 3}, format="json",
    )
    assert response.status_code == 201, response.json()
    place = Span.objects.get(pk=response.json()["span"])
    assert (place.entity_type.key, place.start, place.end) == ("GPE", start, end)
    detail = api_client.get(f"/api/events/{ev.pk}/").json()
    arguments = sorted((a["role"], a["text"]) for a in detail["arguments"])
    assert arguments == [("Participant", "سمير داود"), ("Place", "دمشق")]


def test_a_date_as_participant_is_400_naming_role(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    date = span(own, annotator, "DATE", "١٢ آذار 2021")
    response = api_client.post(f"/api/events/{ev.pk}/arguments/",
                               {"role": "Participant", "span": date.pk, "version": 2}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A Date cannot be the Participant of a Meeting event "
                  "(allowed: Geo-political entity, Organisation, Person).",
        "field": "role",
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"role": "Participant"}, "entity_type"),
        ({"role": "Participant", "span": 1, "entity_type": "PER"}, "span"),
        ({"role": "Participant", "span": 999999}, "span"),
    ],
)
def test_malformed_argument_is_400_naming_the_field(api_client, own, annotator, body, field):
    ev = event(own, annotator, "MEET", "التقى")
    response = api_client.post(f"/api/events/{ev.pk}/arguments/", {**body, "version": 1}, format="json")
    assert response.status_code == 400
    assert response.json().get("field") == field or field in response.json()
    assert not Argument.objects.exists()


def test_a_span_of_another_set_is_refused(api_client, own, annotator, other_annotator, meeting_doc):
    ev = event(own, annotator, "MEET", "التقى")
    theirs = span(services.own_set(meeting_doc, other_annotator), other_annotator, "PER", "سمير داود")
    response = api_client.post(f"/api/events/{ev.pk}/arguments/",
                               {"role": "Participant", "span": theirs.pk, "version": 1}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "span"


def test_patch_attributes_and_type(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Place", span(own, annotator, "GPE", "دمشق"))
    response = api_client.patch(f"/api/events/{ev.pk}/attributes/",
                                {"attributes": {"factuality": "DENIED"}, "version": 3}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["attributes"] == {"factuality": "DENIED"} and response.json()["version"] == 4
    response = api_client.patch(
        f"/api/events/{ev.pk}/", {"event_type": "STATEMENT", "attributes": {"factuality": "PLANNED"}, "version": 4},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["event_type"] == "STATEMENT" and body["attributes"] == {"factuality": "PLANNED"}
    assert body["version"] == 6
    assert [a["role"] for a in body["arguments"]] == ["Place"]


def test_patch_is_all_or_nothing(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    response = api_client.patch(
        f"/api/events/{ev.pk}/", {"event_type": "STATEMENT", "attributes": {"factuality": "MAYBE"}, "version": 1},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "attributes"
    ev.refresh_from_db()
    assert ev.event_type.key == "MEET" and version(own) == 1


def test_patch_type_refusing_an_argument_is_400(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    response = api_client.patch(f"/api/events/{ev.pk}/", {"event_type": "STATEMENT", "version": 3}, format="json")
    assert response.status_code == 400 and "Participant" in response.json()["detail"]


def test_delete_argument_and_event(api_client, own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argument = argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    assert api_client.delete(f"/api/arguments/{argument.pk}/?version=2").status_code == 409
    response = api_client.delete(f"/api/arguments/{argument.pk}/?version=3")
    assert response.status_code == 200 and response.json() == {"version": 4}
    response = api_client.delete(f"/api/events/{ev.pk}/", {"version": 4}, format="json")
    assert response.status_code == 200 and not Event.objects.exists() and Span.objects.count() == 1


def test_set_detail_holds_events_and_relations_in_constant_queries(api_client, own, annotator,
                                                                   django_assert_max_num_queries):
    for _ in range(2):
        ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "نبيل حداد"))
    services.create_relation(
        own, annotator, relation_type="AFFILIATION", source=Span.objects.get(start=at(MEETING, "نبيل حداد")[0]),
        target=span(own, annotator, "ORG", "منظمة الأمل"), version=version(own),
    )
    with django_assert_max_num_queries(10):
        body = api_client.get(f"/api/sets/{own.pk}/").json()
    assert len(body["spans"]) == 3 and len(body["events"]) == 2 and len(body["relations"]) == 1
    assert sorted(a["text"] for a in body["events"][1]["arguments"]) == ["سمير داود", "نبيل حداد"]
    assert body["relations"][0]["relation_type"] == "AFFILIATION"
    with django_assert_max_num_queries(10):
        assert len(api_client.get(f"/api/sets/{own.pk}/events/").json()) == 2


def test_submit_through_the_api_names_the_missing_role(api_client, own, annotator):
    event(own, annotator, "STATEMENT", "وقال")
    response = api_client.post(f"/api/sets/{own.pk}/submit/", {"version": 1}, format="json")
    assert response.status_code == 400
    assert "STATEMENT «وقال» needs at least 1 Speaker." in response.json()["detail"]
    assert response.json()["field"] == "events"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/events/{event}/", None),
        ("patch", "/api/events/{event}/", {"attributes": {"factuality": "DENIED"}, "version": 3}),
        ("delete", "/api/events/{event}/?version=3", None),
        ("patch", "/api/events/{event}/attributes/", {"attributes": {"factuality": "DENIED"}, "version": 3}),
        ("post", "/api/events/{event}/arguments/", {"role": "Place", "span": 0, "version": 3}),
        ("get", "/api/arguments/{argument}/", None),
        ("delete", "/api/arguments/{argument}/?version=3", None),
        ("get", "/api/sets/{set}/events/", None),
        ("post", "/api/sets/{set}/events/", {"event_type": "MEET", "trigger_start": 0, "trigger_end": 5, "version": 3}),
    ],
)
def test_another_annotator_gets_404(own, annotator, other_annotator, method, path, body):
    ev = event(own, annotator, "MEET", "التقى")
    argument = argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    url = path.format(event=ev.pk, argument=argument.pk, set=own.pk)
    response = getattr(api(other_annotator), method)(url, body, format="json")
    assert response.status_code == 404
    ev.refresh_from_db()
    assert version(own) == 3 and ev.attributes == {"factuality": "ASSERTED"} and Argument.objects.count() == 1


def test_reviewer_reads_but_cannot_write_an_annotators_event(own, annotator, reviewer):
    ev = event(own, annotator, "MEET", "التقى")
    api_client = api(reviewer)
    assert api_client.get(f"/api/events/{ev.pk}/").status_code == 200
    response = api_client.patch(f"/api/events/{ev.pk}/attributes/",
                                {"attributes": {"factuality": "DENIED"}, "version": 1}, format="json")
    assert response.status_code == 403
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "ASSERTED"}
