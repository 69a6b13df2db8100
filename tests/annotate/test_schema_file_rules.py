"""A schema file keeps the schema editor's own rules (corpus.schema_rules) for shortcuts,
names, keys, triggers and texts: on every path that creates a project from one (the
new-project page's file, POST /api/projects/ with `schema`, create_project --schema) a
file the editor would refuse is refused with the type, the field and the reason, and
nothing is created; it never reaches the database as an error page."""
from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from corpus.models import Project
from corpus.projects import ProjectError, create_project

GOOD = {
    "guidelines": "# إرشادات",
    "entity_types": [
        {"key": "FAC", "name_ar": "منشأة", "name_en": "Facility", "colour": "#a16207", "shortcut": "f"},
        {"key": "ORG", "name_ar": "هيئة", "name_en": "Body", "colour": "#1d4ed8", "shortcut": "o"},
    ],
    "event_types": [
        {"key": "OPEN", "name_ar": "افتتاح", "name_en": "Opening", "colour": "#7c3aed", "shortcut": "e",
         "triggers": ["افتتح", "دشّن"],
         "roles": [{"key": "place", "name_ar": "مكان", "name_en": "Place", "allowed": ["FAC"]}]},
    ],
}


def _changed(path: tuple, value) -> dict:
    schema = copy.deepcopy(GOOD)
    *parents, last = path
    target = schema
    for step in parents:
        target = target[step]
    target[last] = value
    return schema


# (what is wrong, the schema, what the refusal must say)
CASES = {
    "two-letter shortcut": (_changed(("entity_types", 0, "shortcut"), "ab"),
                            "entity_types[0] (FAC).shortcut: A shortcut is one key."),
    "reserved shortcut": (_changed(("entity_types", 1, "shortcut"), "l"),
                          "entity_types[1] (ORG).shortcut: The key «l» is taken by the editor itself"),
    # «ث» is typed on the «e» key of an Arabic layout: the same key as FAC's «e» below
    "duplicate shortcut": (_changed(("event_types", 0, "shortcut"), "ث") | {"entity_types": [
        {**GOOD["entity_types"][0], "shortcut": "e"}, GOOD["entity_types"][1]]},
        "event_types[0] (OPEN).shortcut: The shortcut «ث» is on the same key as «e» of FAC."),
    "over-long name": (_changed(("entity_types", 0, "name_ar"), "م" * 150),
                       "entity_types[0] (FAC).name_ar: A name has at most 100 characters (this one has 150)."),
    "over-long role name": (_changed(("event_types", 0, "roles", 0, "name_en"), "x" * 101),
                            "event_types[0] (OPEN).roles[0] (place).name_en: A name has at most 100 characters"),
    "non-string trigger": (_changed(("event_types", 0, "triggers"), ["افتتح", 7]),
                           "event_types[0] (OPEN).triggers: a list of words"),
    "duplicate key": (_changed(("entity_types", 1, "key"), "FAC"), "entity_types[1] (FAC).key: used twice"),
    "over-long key": (_changed(("entity_types", 1, "key"), "K" * 51), "entity_types[1].key: A key has at most 50"),
    "guidelines not text": (_changed(("guidelines",), ["نص"]), "guidelines: text (Markdown)"),
    "description not text": (_changed(("entity_types", 0, "description"), {"a": 1}),
                             "entity_types[0] (FAC).description: text"),
}


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("staff", password="pass-staff", is_staff=True)


def test_the_good_schema_makes_a_project(db):
    project = create_project("منشآت", slug="facilities", schema=GOOD)
    assert list(project.entity_types.values_list("key", "shortcut")) == [("FAC", "f"), ("ORG", "o")]


@pytest.mark.parametrize("case", CASES)
def test_the_api_refuses_with_the_type_and_field(staff, case):
    schema, reason = CASES[case]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(staff)
    refused = client.post("/api/projects/", {"name": "منشآت", "slug": "facilities", "schema": schema}, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == "schema" and reason in refused.json()["detail"]
    assert not Project.objects.filter(slug="facilities").exists()


@pytest.mark.parametrize("case", CASES)
def test_the_new_project_page_shows_the_reason_and_creates_nothing(client, staff, case):
    schema, reason = CASES[case]
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("mine.json", json.dumps(schema).encode(), content_type="application/json")
    response = client.post(reverse("project_new"), {"name": "منشآت", "slug": "facilities", "language": "ar",
                                                    "direction": "rtl", "schema": "news-ar", "schema_file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The schema file is refused: mine.json: " in page
    assert escape(reason) in page  # the item, the field and the reason
    assert not Project.objects.filter(slug="facilities").exists()


@pytest.mark.parametrize("case", CASES)
def test_create_project_schema_refuses_with_the_type_and_field(staff, tmp_path, case):
    schema, reason = CASES[case]
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("create_project", "منشآت", "--slug", "facilities", "--schema", str(path))
    assert f"{path}: {reason}" in str(refused.value)
    assert not Project.objects.filter(slug="facilities").exists()


def test_the_reason_is_in_arabic_too(staff):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_authenticate(staff)
    schema, _ = CASES["over-long name"]
    refused = client.post("/api/projects/", {"name": "منشآت", "slug": "facilities", "schema": schema}, format="json")
    assert refused.status_code == 400
    assert "entity_types[0] (FAC).name_ar: " in refused.json()["detail"]
    assert "A name has at most" not in refused.json()["detail"]


def test_what_the_database_would_still_refuse_is_a_project_error(db):
    # a maximum beyond what the database column holds passes the file's checks
    schema = _changed(("event_types", 0, "roles", 0, "max"), 3_000_000_000)
    with pytest.raises(ProjectError, match="nothing was created") as refused:
        create_project("منشآت", slug="facilities", schema=schema)
    assert refused.value.field == "schema"
    assert not Project.objects.filter(slug="facilities").exists()
