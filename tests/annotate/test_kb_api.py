"""The knowledge base through the REST API: the same rules, versions and visibility as the editor."""
from __future__ import annotations

import pytest
from django.urls import include, path
from rest_framework.test import APIClient

from annotate import services
from annotate.models import KBEntity, Span
from annotate.services import kb
from tests.annotate.test_kb_services import mark, version_of

# For the schema test: the API's routes alone.
urlpatterns = [path("api/", include("annotate.api.urls"))]


@pytest.fixture
def document(kb_doc):
    """These tests annotate texts.KB_STORY; `own` (conftest) is the annotator's set on it."""
    return kb_doc


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def entities(project, reviewer):
    return {
        "hakan": kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان"),
        "fidan": kb.create_entity(project, reviewer, entity_type="PER", name="فيدان"),
        "company": kb.create_entity(project, reviewer, entity_type="ORG", name="حقان فيدان للتجارة"),
        "ahmad": kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي"),
    }


def kb_url(project, *rest) -> str:
    return "/".join([f"/api/projects/{project.slug}/kb", *map(str, rest)]) + "/"


def test_list_search_is_ranked_across_spellings(project, annotator, entities):
    body = api(annotator).get(kb_url(project), {"q": "حقان فيدان"}).json()
    names = [row["name"] for row in body["results"]]
    assert names[0] == "هاكان فيدان" and "حقان فيدان للتجارة" in names and "أحمد سامي" not in names
    assert body["results"][0]["match"]["exact"] is False and body["results"][0]["match"]["score"] >= 0.9
    typed = api(annotator).get(kb_url(project), {"q": "حقان فيدان", "type": "PER"}).json()["results"]
    assert [row["entity_type"] for row in typed] == ["PER"] * len(typed)
    exact = api(annotator).get(kb_url(project), {"q": "احمد سامى"}).json()["results"]
    assert exact[0]["name"] == "أحمد سامي" and exact[0]["match"]["exact"] is True


def test_list_without_query_is_alphabetical_and_typed(project, annotator, entities):
    body = api(annotator).get(kb_url(project), {"type": "ORG"}).json()
    assert [row["name"] for row in body["results"]] == ["حقان فيدان للتجارة"] and body["results"][0]["match"] is None
    unknown = api(annotator).get(kb_url(project), {"type": "NOPE"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "entity_type"


def test_only_reviewers_and_admins_create_update_delete(project, annotator, reviewer, admin_user, entities):
    body = {"entity_type": "PER", "name": "سمير داود", "aliases": ["سمير داوود"]}
    assert api(annotator).post(kb_url(project), body, format="json").status_code == 404
    created = api(reviewer).post(kb_url(project), body, format="json")
    assert created.status_code == 201 and created.json()["aliases"] == ["سمير داوود"]
    entity_id = created.json()["id"]
    assert api(annotator).patch(kb_url(project, entity_id), {"description": "x"}, format="json").status_code == 404
    patched = api(admin_user).patch(kb_url(project, entity_id), {"description": "وزير"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "وزير"
    assert api(annotator).delete(kb_url(project, entity_id)).status_code == 404
    assert api(reviewer).delete(kb_url(project, entity_id)).status_code == 204
    assert not KBEntity.objects.filter(pk=entity_id).exists()


def test_duplicate_name_is_refused_naming_the_field(project, reviewer, entities):
    response = api(reviewer).post(kb_url(project), {"entity_type": "PER", "name": "احمد سامي"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "name" and "already has a PER entity" in response.json()["detail"]


def test_outsider_gets_404(project, outsider, entities, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    client = api(outsider)
    assert client.get(kb_url(project)).status_code == 404
    assert client.get(kb_url(project, entities["hakan"].pk)).status_code == 404
    assert client.post(f"/api/spans/{span.pk}/kb/", {"entity": entities["hakan"].pk, "version": 1}).status_code == 404


def test_link_unlink_and_stale_version(entities, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    client = api(annotator)
    before = version_of(own)
    stale = client.post(f"/api/spans/{span.pk}/kb/", {"entity": entities["hakan"].pk, "version": before - 1}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == before
    linked = client.post(f"/api/spans/{span.pk}/kb/", {"entity": entities["hakan"].pk, "version": before}, format="json")
    assert linked.json() == {"span": span.pk, "kb_entity": entities["hakan"].pk, "version": before + 1}
    unlinked = client.delete(f"/api/spans/{span.pk}/kb/?version={before + 1}")
    assert unlinked.json() == {"span": span.pk, "kb_entity": None, "version": before + 2}


def test_type_mismatch_is_refused(entities, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    response = api(annotator).post(
        f"/api/spans/{span.pk}/kb/", {"entity": entities["company"].pk, "version": version_of(own)}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "entity"
    assert "marked PER" in response.json()["detail"]


def test_create_from_span_and_link_identical(own, annotator):
    spans = [mark(own, annotator, "هاكان فيدان", occurrence=i) for i in range(3)]
    client = api(annotator)
    created = client.post(f"/api/spans/{spans[0].pk}/kb/create/", {"version": version_of(own)}, format="json")
    assert created.status_code == 201
    assert created.json()["entity"]["name"] == "هاكان فيدان" and created.json()["version"] == version_of(own)
    result = client.post(f"/api/spans/{spans[0].pk}/kb/link-identical/", {"version": version_of(own)}, format="json")
    assert result.json() == {"linked": 2, "version": version_of(own)}
    assert Span.objects.filter(kb_entity_id=created.json()["entity"]["id"]).count() == 3


def test_mentions_respect_set_visibility(project, document, entities, annotator, other_annotator, reviewer):
    hakan = entities["hakan"]
    mine, theirs = services.own_set(document, annotator), services.own_set(document, other_annotator)
    kb.link_span(mark(mine, annotator, "هاكان فيدان"), annotator, entity=hakan, version=version_of(mine))
    kb.link_span(mark(theirs, other_annotator, "هاكان فيدان", occurrence=1), other_annotator, entity=hakan,
                 version=version_of(theirs))
    url = kb_url(project, hakan.pk, "mentions")
    seen = api(annotator).get(url).json()["results"]
    assert [m["owner"] for m in seen] == ["ann1"] and seen[0]["text"] == "هاكان فيدان"
    assert api(annotator).get(kb_url(project, hakan.pk)).json()["mentions"] == 1
    assert sorted(m["owner"] for m in api(reviewer).get(url).json()["results"]) == ["ann1", "ann2"]


def test_annotator_cannot_link_another_annotators_span(document, entities, annotator, other_annotator, reviewer):
    theirs = services.own_set(document, other_annotator)
    span = mark(theirs, other_annotator, "هاكان فيدان")
    body = {"entity": entities["hakan"].pk, "version": version_of(theirs)}
    assert api(annotator).post(f"/api/spans/{span.pk}/kb/", body, format="json").status_code == 404
    assert api(reviewer).post(f"/api/spans/{span.pk}/kb/", body, format="json").status_code == 403
    assert Span.objects.get(pk=span.pk).kb_entity_id is None


def test_merge_moves_mentions(project, entities, own, annotator, reviewer):
    haqqan = kb.create_entity(project, reviewer, entity_type="PER", name="حقان فيدان")
    span = mark(own, annotator, "حقان فيدان")
    kb.link_span(span, annotator, entity=haqqan, version=version_of(own))
    url = kb_url(project, entities["hakan"].pk, "merge")
    assert api(annotator).post(url, {"source": haqqan.pk}, format="json").status_code == 404
    response = api(reviewer).post(url, {"source": haqqan.pk}, format="json")
    assert response.json() == {"moved": 1}
    assert Span.objects.get(pk=span.pk).kb_entity_id == entities["hakan"].pk
    refused = api(reviewer).post(kb_url(project, entities["hakan"].pk, "merge"), {"source": entities["company"].pk}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "source"


def test_schema_of_these_routes_has_no_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=__name__).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned while documenting the KB and cluster API"
    validate_schema(schema)
    assert {
        "/api/projects/{slug}/kb/", "/api/projects/{slug}/kb/{id}/", "/api/projects/{slug}/kb/{id}/mentions/",
        "/api/projects/{slug}/kb/{id}/merge/", "/api/spans/{id}/kb/", "/api/spans/{id}/kb/create/",
        "/api/spans/{id}/kb/link-identical/", "/api/projects/{slug}/clusters/", "/api/projects/{slug}/clusters/{id}/",
        "/api/projects/{slug}/clusters/{id}/merge/", "/api/events/{id}/cluster/", "/api/events/{id}/cluster/create/",
    } <= set(schema["paths"])
    assert {"400", "409"} <= set(schema["paths"]["/api/spans/{id}/kb/"]["post"]["responses"])
