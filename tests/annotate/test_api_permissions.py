"""Who gets what from the REST API: one row per endpoint, one column per role.

404 means "no such thing" for you: strangers must not learn an object exists, and a
member refused by their role (an annotator at a reviewer's or admin's operation) is
answered as the pages answer them. 403 means a member who may read the object but not
do this (an admin at an annotator's own set)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from annotate import services
from corpus.models import Membership, Role

ROLES = ("admin", "reviewer", "owner", "other", "outsider")

MATRIX = [
    # endpoint             admin reviewer owner other outsider
    ("project",             200, 200, 200, 200, 404),
    ("documents",           200, 200, 200, 200, 404),
    ("document",            200, 200, 200, 200, 404),
    ("document_sets",       200, 200, 200, 200, 404),
    ("get_gold_set",        200, 200, 404, 404, 404),
    ("read_owner_set",      200, 200, 200, 404, 404),
    ("read_owner_spans",    200, 200, 200, 404, 404),
    ("read_owner_span",     200, 200, 200, 404, 404),
    ("create_owner_span",   403, 403, 201, 404, 404),
    ("retype_owner_span",   403, 403, 200, 404, 404),
    ("delete_owner_span",   403, 403, 200, 404, 404),
    ("submit_owner_set",    403, 403, 200, 404, 404),
    ("reopen_owner_set",    400, 400, 400, 404, 404),  # allowed, but the set is not submitted
    ("read_gold_set",       200, 200, 404, 404, 404),
    ("create_gold_span",    201, 201, 404, 404, 404),
    ("import",              200, 404, 404, 404, 404),
    ("members",             200, 404, 404, 404, 404),
    ("add_member",          201, 404, 404, 404, 404),
    ("member",              200, 404, 404, 404, 404),
    ("change_role",         200, 404, 404, 404, 404),
    ("remove_member",       204, 404, 404, 404, 404),
    ("reassign_member",     200, 404, 404, 404, 404),
    ("project_settings",    200, 403, 403, 403, 404),  # members read the project: a refused change is 403
    ("delete_project",      204, 403, 403, 403, 404),
    ("create_project",      403, 403, 403, 403, 403),
]


def _txt(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


ENDPOINTS = {
    "project": lambda c, w: c.get(f"/api/projects/{w.slug}/"),
    "documents": lambda c, w: c.get(f"/api/projects/{w.slug}/documents/"),
    "document": lambda c, w: c.get(f"/api/projects/{w.slug}/documents/{w.document.pk}/"),
    "document_sets": lambda c, w: c.get(f"/api/projects/{w.slug}/documents/{w.document.pk}/sets/"),
    "get_gold_set": lambda c, w: c.post(
        f"/api/projects/{w.slug}/documents/{w.document.pk}/sets/", {"kind": "gold"}, format="json"
    ),
    "read_owner_set": lambda c, w: c.get(f"/api/sets/{w.own.pk}/"),
    "read_owner_spans": lambda c, w: c.get(f"/api/sets/{w.own.pk}/spans/"),
    "read_owner_span": lambda c, w: c.get(f"/api/spans/{w.span.pk}/"),
    "create_owner_span": lambda c, w: c.post(
        f"/api/sets/{w.own.pk}/spans/", {"entity_type": "GPE", "start": w.cairo, "end": w.cairo + 7, "version": 1},
        format="json",
    ),
    "retype_owner_span": lambda c, w: c.patch(
        f"/api/spans/{w.span.pk}/", {"entity_type": "ORG", "version": 1}, format="json"
    ),
    "delete_owner_span": lambda c, w: c.delete(f"/api/spans/{w.span.pk}/?version=1"),
    "submit_owner_set": lambda c, w: c.post(f"/api/sets/{w.own.pk}/submit/", {"version": 1}, format="json"),
    "reopen_owner_set": lambda c, w: c.post(f"/api/sets/{w.own.pk}/reopen/", {"version": 1}, format="json"),
    "read_gold_set": lambda c, w: c.get(f"/api/sets/{w.gold.pk}/"),
    "create_gold_span": lambda c, w: c.post(
        f"/api/sets/{w.gold.pk}/spans/", {"entity_type": "GPE", "start": w.cairo, "end": w.cairo + 7, "version": 0},
        format="json",
    ),
    "import": lambda c, w: c.post(
        f"/api/projects/{w.slug}/documents/import/", {"files": [_txt("new.txt", "خبر جديد من حلب.")]},
        format="multipart",
    ),
    "members": lambda c, w: c.get(f"/api/projects/{w.slug}/members/"),
    "add_member": lambda c, w: c.post(f"/api/projects/{w.slug}/members/", {"user": "newcomer", "role": "annotator"},
                                      format="json"),
    "member": lambda c, w: c.get(f"/api/projects/{w.slug}/members/ann2/"),
    "change_role": lambda c, w: c.patch(f"/api/projects/{w.slug}/members/ann2/", {"role": "reviewer"}, format="json"),
    "remove_member": lambda c, w: c.delete(f"/api/projects/{w.slug}/members/ann2/"),
    "reassign_member": lambda c, w: c.post(f"/api/projects/{w.slug}/members/gone/reassign/", {"to": "newcomer"},
                                           format="json"),
    "project_settings": lambda c, w: c.patch(f"/api/projects/{w.slug}/", {"description": "وصف"}, format="json"),
    "delete_project": lambda c, w: c.delete(f"/api/projects/{w.slug}/?confirm={w.slug}"),
    "create_project": lambda c, w: c.post("/api/projects/", {"name": "جديد"}, format="json"),  # site staff only
}


@pytest.fixture
def world(project, document, admin_user, reviewer, annotator, other_annotator, outsider, django_user_model):
    django_user_model.objects.create_user("newcomer")
    gone = django_user_model.objects.create_user("gone", is_active=False)  # only an inactive member's work moves
    Membership.objects.create(project=project, user=gone, role=Role.ANNOTATOR)
    own = services.own_set(document, annotator)
    name = document.text.index("سمير")
    span = services.create_span(own, annotator, entity_type="PER", start=name, end=name + 9, version=0)
    return SimpleNamespace(
        slug=project.slug, document=document, own=own, span=span, gold=services.gold_set(document),
        cairo=document.text.index("القاهرة"),
        users={"admin": admin_user, "reviewer": reviewer, "owner": annotator, "other": other_annotator,
               "outsider": outsider},
    )


@pytest.mark.parametrize(
    "endpoint, role, expected",
    [(row[0], role, status) for row in MATRIX for role, status in zip(ROLES, row[1:], strict=True)],
)
def test_role_matrix(world, endpoint, role, expected):
    client = APIClient()
    client.force_authenticate(world.users[role])
    response = ENDPOINTS[endpoint](client, world)
    assert response.status_code == expected, response.content.decode()


def test_every_endpoint_is_in_the_matrix():
    assert {row[0] for row in MATRIX} == set(ENDPOINTS)


@pytest.mark.parametrize("url", ["/api/projects/", "/api/projects/test-news/", "/api/sets/1/"])
def test_anonymous_requests_are_refused(project, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert "test-news" not in response.content.decode()


def test_project_list_holds_only_my_projects(world, outsider):
    from corpus.presets import create_project_from_preset

    create_project_from_preset("مشروع آخر", slug="elsewhere")
    client = APIClient()
    client.force_authenticate(world.users["owner"])
    assert [p["slug"] for p in client.get("/api/projects/").json()["results"]] == ["test-news"]
    client.force_authenticate(outsider)
    assert client.get("/api/projects/").json()["results"] == []


def test_annotator_lists_only_their_own_set(world, other_annotator):
    services.own_set(world.document, other_annotator)
    url = f"/api/projects/{world.slug}/documents/{world.document.pk}/sets/"
    client = APIClient()
    client.force_authenticate(world.users["owner"])
    assert [s["id"] for s in client.get(url).json()] == [world.own.pk]
    client.force_authenticate(world.users["reviewer"])
    assert len(client.get(url).json()) == 3  # both annotators' sets and the gold set
