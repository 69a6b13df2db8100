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
from corpus.schema_file import dump_schema

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


def _value(key: str) -> dict:
    return {"key": key, "name_ar": "قيمة", "name_en": "Value"}


def _attribute(**changes) -> dict:
    attribute = {"key": "status", "name_ar": "الحالة", "name_en": "Status", "kind": "enum",
                 "values": [_value("DONE"), _value("PLANNED")], "default": "DONE", "event_types": ["OPEN"]}
    return {**copy.deepcopy(GOOD), "attribute_types": [{**attribute, **changes}]}


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
    # the attribute rules of the schema editor (corpus.schema_rules.check_attribute)
    "default outside the values": (_attribute(default="DOUBTED"),
                                   "attribute_types[0] (status).default: The default «DOUBTED» is not one of the "
                                   "values (DONE, PLANNED)."),
    "duplicate value keys": (_attribute(values=[_value("DONE"), _value("DONE")], default=""),
                             "attribute_types[0] (status).values[1].key: The value key «DONE» is used twice"),
    "bad value key": (_attribute(values=[_value("DONE"), _value("2x")], default=""),
                      "attribute_types[0] (status).values[1].key: A value's key is Latin letters"),
    "value key longer than a default": (_attribute(values=[_value("V" * 51)], default=""),
                                        "attribute_types[0] (status).values[0].key: A value's key has at most 50"),
    "enumeration without values": (_attribute(values=[], default=""),
                                   "attribute_types[0] (status).values: An enumeration needs at least one value."),
    "unknown kind": (_attribute(kind="number"), "attribute_types[0] (status).kind: An attribute is an enumeration"),
    "text default too long": (_attribute(kind="text", values=[], default="d" * 51),
                              "attribute_types[0] (status).default: The default has at most 50 characters."),
    # numbers the database column would not hold
    "maximum too big for the column": (_changed(("event_types", 0, "roles", 0, "max"), 3_000_000_000),
                                       "event_types[0] (OPEN).roles[0] (place).max: The maximum of a role is empty "
                                       "(no limit) or a whole number from 1 to 32767, not 3000000000."),
    "minimum too big for the column": (_changed(("event_types", 0, "roles", 0, "min"), 40_000),
                                       "event_types[0] (OPEN).roles[0] (place).min: The minimum of a role is a whole "
                                       "number from 0 to 32767, not 40000."),
    "maximum below the minimum": (_changed(("event_types", 0, "roles", 0, "min"), 3)
                                  | {"event_types": [{**GOOD["event_types"][0], "roles": [
                                      {**GOOD["event_types"][0]["roles"][0], "min": 3, "max": 2}]}]},
                                  "event_types[0] (OPEN).roles[0] (place).max: The maximum of a role (2) is below its "
                                  "minimum (3)."),
    "maximum not a whole number": (_changed(("event_types", 0, "roles", 0, "max"), 1.5),
                                   "event_types[0] (OPEN).roles[0] (place).max: The maximum of a role is empty"),
    "NUL in a description": (_changed(("entity_types", 0, "description"), "a\x00b"),
                             "entity_types[0].description: text without the NUL character"),
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


def test_the_good_attribute_makes_a_project(db):
    project = create_project("منشآت", slug="facilities", schema=_attribute())
    assert list(project.attribute_types.values_list("key", "default")) == [("status", "DONE")]


@pytest.mark.parametrize(("changes", "kept"), [
    ({"default": "DONE "}, ("DONE", 2)),  # stripped, as the editor stores it
    ({"kind": "bool", "default": "yes"}, ("", 0)),  # a yes/no attribute has no default and no values
    ({"kind": "text", "default": "غير معروف"}, ("غير معروف", 0)),  # a text attribute has no values
])
def test_an_attribute_is_stored_as_the_rules_clean_it(db, changes, kept):
    project = create_project("منشآت", slug="facilities", schema=_attribute(**changes))
    attribute = project.attribute_types.get()
    assert (attribute.default, len(attribute.values)) == kept


@pytest.mark.parametrize("case", CASES)
def test_replacing_the_schema_refuses_with_the_type_and_field(project, admin_user, case):
    schema, reason = CASES[case]
    before = dump_schema(project)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin_user)
    refused = client.put(f"/api/projects/{project.slug}/schema/", schema, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == "schema" and reason in refused.json()["detail"]
    assert dump_schema(Project.objects.get(pk=project.pk)) == before


def test_what_the_database_would_still_refuse_is_a_plain_project_error(db):
    # the NUL character passes no form (Django's and DRF's fields refuse it), but a caller
    # of the service could hand it over: PostgreSQL refuses it, and the person reads why
    # in plain words, never the database's own text
    with pytest.raises(ProjectError, match="nothing was created") as refused:
        create_project("منشآت", slug="facilities", description="a\x00b")
    assert "0x00" not in refused.value.message and "NUL" not in refused.value.message
    assert refused.value.field == ""  # not pinned on a field the person filled in correctly
    assert not Project.objects.filter(slug="facilities").exists()


def test_what_the_database_would_refuse_of_a_schema_file_is_shown_beside_the_file(db, monkeypatch):
    # every known refusal is caught by the rules; should one slip through, it is the file's
    from corpus import projects

    def refuse(project, data):
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'x'::varchar(1) || repeat('y', 2)::varchar(1)::smallint")

    monkeypatch.setattr(projects, "apply_schema", refuse)
    with pytest.raises(ProjectError, match="nothing was created") as refused:
        create_project("منشآت", slug="facilities", schema=_attribute())
    assert refused.value.field == "schema"
    assert not Project.objects.filter(slug="facilities").exists()
