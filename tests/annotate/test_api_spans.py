"""Spans through the REST API: the same validation, snapping, versions and history as the editor."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotate import services
from annotate.models import AnnotationSet, SetStatus, Span, SpanHistory


def _create(api_client, annotation_set, **body):
    return api_client.post(f"/api/sets/{annotation_set.pk}/spans/", body, format="json")


def _version(annotation_set) -> int:
    return AnnotationSet.objects.get(pk=annotation_set.pk).version


def test_create_span_snaps_stores_and_records_the_author(api_client, own, document, annotator):
    name = document.text.index("سمير")
    response = _create(api_client, own, entity_type="PER", start=name + 1, end=name + 3, version=0)
    assert response.status_code == 201, response.json()
    body = response.json()
    span = Span.objects.get(pk=body["id"])
    assert (span.start, span.end, span.entity_type.key) == (name, name + 4, "PER")
    assert body["text"] == "سمير" == document.text[span.start:span.end]
    assert body["version"] == _version(own) == 1
    history = SpanHistory.objects.get(pgh_obj_id=span.pk)
    assert history.pgh_label == "insert" and history.pgh_context.metadata["user"] == annotator.pk


def test_snap_false_keeps_the_exact_offsets(api_client, own, document):
    name = document.text.index("سمير")
    response = _create(api_client, own, entity_type="PER", start=name + 1, end=name + 3, version=0, snap=False)
    assert response.status_code == 201
    assert (response.json()["start"], response.json()["end"]) == (name + 1, name + 3)


def test_offsets_are_code_points_even_past_an_emoji(project, annotator):
    from corpus.importing import add_documents
    from corpus.formats.base import DocumentRecord

    text = "🙂 زار سمير داود حلب."  # the emoji is one code point but two UTF-16 units
    add_documents(project, [DocumentRecord(external_id="emoji", text=text)])
    document = project.documents.get(external_id="emoji")
    own = services.own_set(document, annotator)
    api_client = APIClient()
    api_client.force_authenticate(annotator)
    start = text.index("حلب")
    response = _create(api_client, own, entity_type="GPE", start=start, end=start + 3, version=0)
    assert response.status_code == 201
    assert response.json()["text"] == "حلب" and response.json()["start"] == start


def test_change_type_and_delete_record_history(api_client, own, document, annotator):
    city = document.text.index("القاهرة")
    span_id = _create(api_client, own, entity_type="GPE", start=city, end=city + 7, version=0).json()["id"]

    response = api_client.patch(f"/api/spans/{span_id}/", {"entity_type": "LOC", "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["entity_type"] == "LOC" and response.json()["version"] == 2
    assert Span.objects.get(pk=span_id).entity_type.key == "LOC"

    response = api_client.delete(f"/api/spans/{span_id}/?version=2")
    assert response.status_code == 200 and response.json() == {"version": 3}
    assert not Span.objects.filter(pk=span_id).exists()

    history = list(SpanHistory.objects.filter(pgh_obj_id=span_id).order_by("pgh_id"))
    assert [h.pgh_label for h in history] == ["insert", "update", "delete"]
    assert [h.entity_type.key for h in history] == ["GPE", "LOC", "LOC"]
    assert all(h.pgh_context.metadata["user"] == annotator.pk for h in history)


def test_delete_takes_the_version_from_the_body_too(api_client, own, document, annotator):
    city = document.text.index("القاهرة")
    span = services.create_span(own, annotator, entity_type="GPE", start=city, end=city + 7, version=0)
    response = api_client.delete(f"/api/spans/{span.pk}/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.json() == {"version": 2}


@pytest.mark.parametrize(
    "call",
    [
        lambda c, span: c.post(f"/api/sets/{span.set_id}/spans/", {"entity_type": "PER", "start": 0, "end": 5,
                                                                   "version": 0}, format="json"),
        lambda c, span: c.patch(f"/api/spans/{span.pk}/", {"entity_type": "LOC", "version": 0}, format="json"),
        lambda c, span: c.delete(f"/api/spans/{span.pk}/?version=0"),
        lambda c, span: c.post(f"/api/sets/{span.set_id}/submit/", {"version": 0}, format="json"),
    ],
    ids=["create", "retype", "delete", "submit"],
)
def test_stale_version_is_409_and_nothing_changes(api_client, own, document, annotator, call):
    city = document.text.index("القاهرة")
    span = services.create_span(own, annotator, entity_type="GPE", start=city, end=city + 7, version=0)
    before = list(Span.objects.filter(set=own).values_list("id", "entity_type__key", "start", "end"))
    history_before = SpanHistory.objects.count()

    response = call(api_client, span)

    assert response.status_code == 409
    assert response.json()["version"] == 1 and "version 1" in response.json()["detail"]
    assert list(Span.objects.filter(set=own).values_list("id", "entity_type__key", "start", "end")) == before
    assert SpanHistory.objects.count() == history_before
    own.refresh_from_db()
    assert (own.version, own.status) == (1, SetStatus.IN_PROGRESS)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"entity_type": "PER", "start": 5, "end": 10_000, "version": 0}, "start"),  # past the text: the service
        ({"entity_type": "PER", "start": -1, "end": 4, "version": 0}, "start"),
        ({"entity_type": "PER", "start": 8, "end": 8, "version": 0}, "end"),
        ({"entity_type": "PER", "start": "x", "end": 4, "version": 0}, "start"),
        ({"entity_type": "NOPE", "start": 0, "end": 5, "version": 0}, "entity_type"),
        ({"entity_type": "PER", "start": 0, "end": 5}, "version"),
    ],
    ids=["past-end", "negative", "empty", "not-a-number", "unknown-type", "no-version"],
)
def test_invalid_span_is_400_naming_the_field(api_client, own, body, field):
    response = _create(api_client, own, **body)
    assert response.status_code == 400
    error = response.json()
    assert error.get("field") == field or field in error, error
    assert not Span.objects.filter(set=own).exists()
    assert _version(own) == 0


def test_duplicate_span_is_refused_with_the_covered_text(api_client, own, document, annotator):
    city = document.text.index("القاهرة")
    services.create_span(own, annotator, entity_type="GPE", start=city, end=city + 7, version=0)
    response = _create(api_client, own, entity_type="GPE", start=city, end=city + 7, version=1)
    assert response.status_code == 400
    assert "القاهرة" in response.json()["detail"] and response.json()["field"] == "start"


def test_submitted_set_refuses_changes_until_reopened(api_client, own, document):
    city = document.text.index("القاهرة")
    assert api_client.post(f"/api/sets/{own.pk}/submit/", {"version": 0}, format="json").json()["status"] == "submitted"
    refused = _create(api_client, own, entity_type="GPE", start=city, end=city + 7, version=1)
    assert refused.status_code == 400 and not Span.objects.filter(set=own).exists()
    reopened = api_client.post(f"/api/sets/{own.pk}/reopen/", {"version": 1}, format="json").json()
    assert reopened["status"] == "in_progress" and reopened["version"] == 2
    assert _create(api_client, own, entity_type="GPE", start=city, end=city + 7, version=2).status_code == 201


def _many_spans(annotation_set, count: int) -> None:
    types = list(annotation_set.document.project.entity_types.all())
    length = len(annotation_set.document.text)
    offsets = [(start, start + width) for width in range(1, 6) for start in range(0, length - width)]
    Span.objects.bulk_create(
        Span(set=annotation_set, entity_type=types[i % len(types)], start=start, end=end)
        for i, (start, end) in enumerate(offsets[:count])
    )


@pytest.mark.parametrize("url", ["/api/sets/{pk}/spans/?limit=300", "/api/sets/{pk}/"])
def test_span_lists_do_not_query_per_span(api_client, own, url, django_assert_max_num_queries):
    _many_spans(own, 300)
    with django_assert_max_num_queries(5):
        response = api_client.get(url.format(pk=own.pk))
    assert response.status_code == 200
    spans = response.json()["results"] if "results" in response.json() else response.json()["spans"]
    assert len(spans) == 300 and all(span["entity_type"] for span in spans)
