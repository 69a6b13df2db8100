"""Projects, documents and annotation sets through the REST API."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotate import services
from annotate.models import AnnotationSet, SetKind
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_project_list_gives_my_role(project, reviewer):
    results = _client(reviewer).get("/api/projects/").json()["results"]
    assert results == [{"slug": "test-news", "name": project.name, "language": "ar", "direction": "rtl",
                        "role": "reviewer"}]


def test_project_detail_holds_the_schema_as_keys(project, annotator, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        body = _client(annotator).get(f"/api/projects/{project.slug}/").json()
    assert body["role"] == "annotator"
    schema = body["schema"]
    assert [t["key"] for t in schema["entity_types"]] == list(
        project.entity_types.order_by("order").values_list("key", flat=True)
    )
    event = project.event_types.order_by("order").first()
    role = event.roles.order_by("order").first()
    api_event = next(e for e in schema["event_types"] if e["key"] == event.key)
    api_role = next(r for r in api_event["roles"] if r["key"] == role.key)
    assert sorted(api_role["allowed_types"]) == sorted(role.allowed_types.values_list("key", flat=True))
    relation = project.relation_types.first()
    api_relation = next(r for r in schema["relation_types"] if r["key"] == relation.key)
    assert sorted(api_relation["source_types"]) == sorted(relation.source_types.values_list("key", flat=True))
    assert {a["key"] for a in schema["attribute_types"]} == set(project.attribute_types.values_list("key", flat=True))


def test_document_list_omits_text_and_counts_code_points(project, document, annotator):
    add_documents(project, [DocumentRecord(external_id="emoji", text="خبر 🙂 من دمشق")])
    results = _client(annotator).get(f"/api/projects/{project.slug}/documents/").json()["results"]
    assert [d["external_id"] for d in results] == ["doc-1", "emoji"]
    assert all("text" not in d for d in results)
    assert results[0]["length"] == len(document.text)
    assert results[1]["length"] == len("خبر 🙂 من دمشق") == 13  # the emoji counts once


def test_document_list_filters_by_external_id(project, document, annotator):
    add_documents(project, [DocumentRecord(external_id="other", text="خبر آخر من حلب.")])
    url = f"/api/projects/{project.slug}/documents/?external_id=other"
    assert [d["external_id"] for d in _client(annotator).get(url).json()["results"]] == ["other"]


def test_document_detail_has_text_and_length(project, document, annotator):
    body = _client(annotator).get(f"/api/projects/{project.slug}/documents/{document.pk}/").json()
    assert body["text"] == document.text and body["length"] == len(document.text)


def test_document_of_another_project_is_404(project, document, annotator):
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    elsewhere = create_project_from_preset("مشروع آخر", slug="elsewhere")
    Membership.objects.create(project=elsewhere, user=annotator, role=Role.ANNOTATOR)
    response = _client(annotator).get(f"/api/projects/elsewhere/documents/{document.pk}/")
    assert response.status_code == 404


def test_post_gets_or_creates_my_own_set(project, document, annotator):
    url = f"/api/projects/{project.slug}/documents/{document.pk}/sets/"
    first = _client(annotator).post(url, {}, format="json").json()
    second = _client(annotator).post(url, {}, format="json").json()
    assert first["id"] == second["id"]
    assert (first["kind"], first["owner"], first["version"], first["spans"]) == ("annotator", "ann1", 0, [])
    assert AnnotationSet.objects.filter(document=document, owner=annotator).count() == 1


def test_reviewer_gets_the_gold_set(project, document, reviewer):
    url = f"/api/projects/{project.slug}/documents/{document.pk}/sets/"
    body = _client(reviewer).post(url, {"kind": "gold"}, format="json").json()
    assert body["kind"] == "gold" and body["owner"] is None
    assert AnnotationSet.objects.get(document=document, kind=SetKind.GOLD).pk == body["id"]


def test_annotator_cannot_create_the_gold_set(project, document, annotator):
    url = f"/api/projects/{project.slug}/documents/{document.pk}/sets/"
    assert _client(annotator).post(url, {"kind": "gold"}, format="json").status_code == 404
    assert not AnnotationSet.objects.filter(document=document, kind=SetKind.GOLD).exists()


def test_set_detail_lists_its_spans_with_their_text(document, annotator):
    own = services.own_set(document, annotator)
    city = document.text.index("القاهرة")
    services.create_span(own, annotator, entity_type="GPE", start=city, end=city + 7, version=0)
    body = _client(annotator).get(f"/api/sets/{own.pk}/").json()
    assert body["version"] == 1 and body["status"] == "in_progress"
    assert [(s["entity_type"], s["start"], s["end"], s["text"]) for s in body["spans"]] == [
        ("GPE", city, city + 7, "القاهرة")
    ]


@pytest.mark.parametrize("who", ["reviewer", "admin_user"])
def test_reviewers_can_send_a_submitted_set_back(request, document, annotator, who):
    own = services.own_set(document, annotator)
    services.submit_set(own, annotator, version=0)
    response = _client(request.getfixturevalue(who)).post(f"/api/sets/{own.pk}/reopen/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
