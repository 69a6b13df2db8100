"""The OpenAPI schema generates without warnings and documents the API."""
from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

PATHS = [
    "/api/projects/", "/api/projects/{slug}/", "/api/projects/{slug}/documents/",
    "/api/projects/{slug}/documents/{id}/", "/api/projects/{slug}/documents/import/",
    "/api/projects/{slug}/documents/{id}/sets/", "/api/sets/{id}/", "/api/sets/{id}/spans/",
    "/api/sets/{id}/submit/", "/api/sets/{id}/reopen/", "/api/spans/{id}/",
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn turns any drf-spectacular warning into an error; --validate checks OpenAPI 3.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_schema_holds_every_api_path(schema):
    assert set(PATHS) <= set(schema["paths"])


def test_offsets_are_documented_as_code_points(schema):
    create = schema["components"]["schemas"]["SpanCreate"]["properties"]
    assert "code points" in create["start"]["description"] and "code points" in create["end"]["description"]
    assert "code points" in schema["components"]["schemas"]["Document"]["properties"]["length"]["description"]


def test_writes_document_their_refusals(schema):
    create = schema["paths"]["/api/sets/{id}/spans/"]["post"]["responses"]
    assert {"201", "400", "409"} <= set(create)
    assert set(schema["components"]["schemas"]["SpanUpdate"]["required"]) == {"version", "entity_type"}


def test_schema_and_docs_are_served(client, django_user_model):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content and b"cdn." not in docs.content


def test_the_streamed_export_documents_what_the_view_reads(schema):
    """The view reads `file_format` (`?format=` is DRF's renderer suffix): the schema
    says so, with the formats to choose from and the content types that come back."""
    get = schema["paths"]["/api/projects/{slug}/export/"]["get"]
    params = {p["name"]: p for p in get["parameters"] if p["in"] == "query"}
    assert "format" not in params
    assert {"file_format", "sets", "status", "ids", "split", "seed", "meta", "include_empty"} <= set(params)
    assert "conll" in params["file_format"]["schema"]["enum"]
    assert {"text/plain; charset=utf-8", "application/zip"} <= set(get["responses"]["200"]["content"])
