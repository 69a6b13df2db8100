"""Relations through the REST API."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import Relation
from tests.annotate.test_api_events import api
from tests.annotate.test_services_events import span, version


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


@pytest.fixture
def pair(own, annotator):
    return span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")


def test_create_list_and_delete_a_relation(api_client, own, pair):
    person, org = pair
    response = api_client.post(
        f"/api/sets/{own.pk}/relations/",
        {"relation_type": "AFFILIATION", "source": person.pk, "target": org.pk, "version": 2}, format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["relation_type"], body["source"], body["target"], body["version"]) == ("AFFILIATION", person.pk, org.pk, 3)
    assert [r["id"] for r in api_client.get(f"/api/sets/{own.pk}/relations/").json()] == [body["id"]]
    assert api_client.get(f"/api/relations/{body['id']}/").json()["relation_type"] == "AFFILIATION"
    assert api_client.delete(f"/api/relations/{body['id']}/?version=2").status_code == 409
    response = api_client.delete(f"/api/relations/{body['id']}/?version=3")
    assert response.status_code == 200 and not Relation.objects.exists()


@pytest.mark.parametrize(
    "relation_type, swap, field",
    [("AFFILIATION", True, "relation_type"), ("NOPE", False, "relation_type")],
)
def test_schema_refusals_are_400_naming_the_field(api_client, own, pair, relation_type, swap, field):
    source, target = reversed(pair) if swap else pair
    response = api_client.post(
        f"/api/sets/{own.pk}/relations/",
        {"relation_type": relation_type, "source": source.pk, "target": target.pk, "version": 2}, format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == field
    assert not Relation.objects.exists()


def test_a_span_of_another_set_is_400_naming_it(api_client, own, pair, other_annotator, meeting_doc):
    theirs = span(services.own_set(meeting_doc, other_annotator), other_annotator, "ORG", "منظمة الأمل")
    response = api_client.post(
        f"/api/sets/{own.pk}/relations/",
        {"relation_type": "AFFILIATION", "source": pair[0].pk, "target": theirs.pk, "version": 2}, format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "target"


def test_stale_version_is_409(api_client, own, pair):
    response = api_client.post(
        f"/api/sets/{own.pk}/relations/",
        {"relation_type": "AFFILIATION", "source": pair[0].pk, "target": pair[1].pk, "version": 0}, format="json",
    )
    assert response.status_code == 409 and response.json()["version"] == 2 and not Relation.objects.exists()


def test_another_annotator_gets_404(own, annotator, other_annotator, pair):
    person, org = pair
    relation = services.create_relation(own, annotator, relation_type="AFFILIATION", source=person, target=org, version=2)
    stranger = api(other_annotator)
    assert stranger.get(f"/api/relations/{relation.pk}/").status_code == 404
    assert stranger.delete(f"/api/relations/{relation.pk}/?version=3").status_code == 404
    assert stranger.get(f"/api/sets/{own.pk}/relations/").status_code == 404
    response = stranger.post(
        f"/api/sets/{own.pk}/relations/",
        {"relation_type": "AFFILIATION", "source": person.pk, "target": org.pk, "version": 3}, format="json",
    )
    assert response.status_code == 404
    assert Relation.objects.count() == 1 and version(own) == 3


MINE = ("Event", "Argument", "Relation", "AnnotationSetFull", "Attributes", "SetEvents", "SetRelations")


def test_the_schema_documents_the_new_endpoints_without_warnings(capsys):
    """Other features' warnings are theirs (test_api_schema fails on any); none may come
    from the event, argument and relation endpoints."""
    import yaml
    from django.core.management import call_command
    from io import StringIO

    out = StringIO()
    call_command("spectacular", "--validate", stdout=out)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "Warning" in line or "Error" in line]
    assert not [line for line in warnings if any(name in line for name in MINE)], warnings
    schema = yaml.safe_load(out.getvalue())
    for path in ("/api/sets/{id}/events/", "/api/sets/{id}/relations/", "/api/events/{id}/",
                 "/api/events/{id}/attributes/", "/api/events/{id}/arguments/", "/api/arguments/{id}/",
                 "/api/relations/{id}/"):
        assert path in schema["paths"], path
    assert {"201", "400", "409"} <= set(schema["paths"]["/api/events/{id}/arguments/"]["post"]["responses"])
    assert "events" in schema["components"]["schemas"]["AnnotationSetFull"]["properties"]
    assert set(schema["components"]["schemas"]["AttributesUpdate"]["required"]) == {"version", "attributes"}
