"""A project made from a schema file, on every path (the new-project page's file, POST
/api/projects/ with `schema`, PUT /api/projects/<slug>/schema/, the service itself): the
file is checked as create_project --schema checks it, the label contrast included, and a
refusal names the type and the colour and creates nothing."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from corpus.models import Project
from corpus.projects import ProjectError, create_project

LIGHT = {"entity_types": [{"key": "FAC", "name_ar": "منشأة", "name_en": "Facility", "colour": "#f3a712"}]}
DARK = {"entity_types": [{"key": "FAC", "name_ar": "منشأة", "name_en": "Facility", "colour": "#a16207"}]}
REASON = "entity_types[0] (FAC).colour: white labels on #f3a712 have a contrast of 2.03:1"


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("staff", password="pass-staff", is_staff=True)


def _upload(schema: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("mine.json", json.dumps(schema).encode(), content_type="application/json")


def test_the_service_refuses_an_unreadable_colour_whoever_calls_it(db):
    with pytest.raises(ProjectError, match=r"\(FAC\)\.colour: white labels on #f3a712") as refused:
        create_project("منشآت", slug="facilities", schema=LIGHT)
    assert refused.value.field == "schema"
    assert not Project.objects.filter(slug="facilities").exists()


def test_the_new_project_page_takes_a_schema_file_and_checks_it(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    form = {"name": "منشآت", "slug": "facilities", "language": "ar", "direction": "rtl", "schema": "news-ar"}
    refused = client.post(reverse("project_new"), {**form, "schema_file": _upload(LIGHT)}).content.decode()
    assert "The schema file is refused: mine.json: " + REASON in refused
    assert not Project.objects.filter(slug="facilities").exists()
    client.cookies["django_language"] = "ar"  # the problems are translated too
    refused = client.post(reverse("project_new"), {**form, "schema_file": _upload(LIGHT)}).content.decode()
    assert "رُفض ملف المخطط: mine.json: entity_types[0] (FAC).colour: تباين التسميات البيضاء على #f3a712" in refused
    response = client.post(reverse("project_new"), {**form, "schema_file": _upload(DARK)})
    assert response.status_code == 302
    project = Project.objects.get(slug="facilities")
    assert list(project.entity_types.values_list("key", "colour")) == [("FAC", "#a16207")]  # the file, not news-ar


def test_the_api_creates_from_a_schema_and_checks_it(staff):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(staff)
    refused = client.post("/api/projects/", {"name": "منشآت", "slug": "facilities", "schema": LIGHT}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "schema"
    assert REASON in refused.json()["detail"]
    assert not Project.objects.filter(slug="facilities").exists()
    made = client.post("/api/projects/", {"name": "منشآت", "slug": "facilities", "schema": DARK}, format="json")
    assert made.status_code == 201, made.content
    assert list(Project.objects.get(slug="facilities").entity_types.values_list("key", flat=True)) == ["FAC"]


def test_replacing_the_schema_with_an_unreadable_colour_is_refused(project, admin_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin_user)
    schema = client.get(f"/api/projects/{project.slug}/schema/").json()
    before = dict(project.entity_types.values_list("key", "colour"))
    schema["entity_types"][0]["colour"] = "#f3a712"
    key = schema["entity_types"][0]["key"]
    response = client.put(f"/api/projects/{project.slug}/schema/", schema, format="json")
    assert response.status_code == 400
    assert f"entity_types[0] ({key}).colour: white labels on #f3a712" in response.json()["detail"]
    assert dict(project.entity_types.values_list("key", "colour")) == before
