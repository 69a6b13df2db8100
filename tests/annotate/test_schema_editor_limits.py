"""The schema editor's forms hold the same rules as a schema file (corpus.schema_rules):
numbers beyond what the database column keeps, an attribute's default outside its values,
two values with one key, over-long texts and the NUL character are refused with a
message naming the field, and change nothing; none reaches the database as an error page."""
from __future__ import annotations

import pytest

from corpus.models import AttributeType, EntityType, EventType, RoleType
from corpus.schema_rules import COUNT_MAX


def _url(project, rest=""):
    return f"/projects/{project.slug}/schema/{rest}"


@pytest.fixture
def admin(client, project, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


def _refusal(answer) -> str:
    assert answer.status_code == 200 and answer.redirect_chain, answer.status_code
    return answer.content.decode()


def _role(project, **fields) -> dict:
    meet = EventType.objects.get(project=project, key="MEET")
    person = EntityType.objects.get(project=project, key="PER")
    return {"event_type": meet.pk, "key": "witness", "name_ar": "شاهد", "name_en": "Witness",
            "allowed": [person.pk], "min_count": "0", "max_count": "", **fields}


@pytest.mark.parametrize("fields, reason", [
    ({"max_count": "40000"}, f"The maximum of a role is empty (no limit) or a whole number from 1 to {COUNT_MAX}, "
                             "not 40000."),
    ({"max_count": "99999999999999999999999"}, "The maximum of a role is empty (no limit) or a whole number"),
    ({"min_count": "70000"}, f"The minimum of a role is a whole number from 0 to {COUNT_MAX}, not 70000."),
    ({"min_count": "-1"}, "The minimum of a role is a whole number from 0"),
    ({"min_count": "3", "max_count": "2"}, "The maximum of a role (2) is below its minimum (3)."),
    ({"max_count": "2.5"}, "The field «max_count» must be a whole number, not «2.5»."),
    ({"name_en": "W" * 101}, "A name has at most 100 characters (this one has 101)."),
    ({"name_ar": "شا\x00هد"}, "The field «name_ar» holds the NUL character"),
])
def test_a_new_role_out_of_range_is_refused_by_the_form(admin, project, fields, reason):
    page = _refusal(admin.post(_url(project, "role/"), _role(project, **fields), follow=True))
    assert reason in page.replace("&laquo;", "«").replace("&raquo;", "»").replace("&#x27;", "'")
    assert not RoleType.objects.filter(event_type__project=project, key="witness").exists()


def test_a_changed_role_out_of_range_is_refused_and_kept(admin, project):
    role = RoleType.objects.filter(event_type__project=project).first()
    fields = {"key": role.key, "name_ar": role.name_ar, "name_en": role.name_en,
              "allowed": list(role.allowed_types.values_list("pk", flat=True)), "min_count": str(role.min_count)}
    page = _refusal(admin.post(_url(project, f"role/{role.pk}/"), {**fields, "max_count": "32768"}, follow=True))
    assert "not 32768" in page
    assert RoleType.objects.get(pk=role.pk).max_count == role.max_count
    admin.post(_url(project, f"role/{role.pk}/"), {**fields, "max_count": str(COUNT_MAX)})
    assert RoleType.objects.get(pk=role.pk).max_count == COUNT_MAX  # the column's own maximum is kept


def _attribute(**fields) -> dict:
    return {"key": "mood", "name_ar": "المزاج", "name_en": "Mood", "kind": "enum",
            "values": "CALM | هادئ | calm\nTENSE | متوتر | tense", "default": "", **fields}


@pytest.mark.parametrize("fields, reason", [
    ({"default": "ANGRY"}, "The default «ANGRY» is not one of the values (CALM, TENSE)."),
    ({"values": "CALM\nCALM | هادئ"}, "The value key «CALM» is used twice: each value has its own key."),
    ({"values": "9lives"}, "A value&#x27;s key is Latin letters, digits, _ or -, starting with a letter"),
    ({"values": "V" * 51}, "A value&#x27;s key has at most 50 characters."),
    ({"values": ""}, "An enumeration needs at least one value."),
    ({"kind": "text", "values": "", "default": "d" * 51}, "The default has at most 50 characters."),
    ({"kind": "number"}, "An attribute is an enumeration, a boolean or text"),
])
def test_an_attribute_against_the_rules_is_refused_by_the_form(admin, project, fields, reason):
    page = _refusal(admin.post(_url(project, "attribute/"), _attribute(**fields), follow=True))
    assert reason in page.replace("&laquo;", "«").replace("&raquo;", "»")
    assert not AttributeType.objects.filter(project=project, key="mood").exists()


def test_a_good_attribute_is_added_with_its_default(admin, project):
    admin.post(_url(project, "attribute/"), _attribute(default="TENSE"))
    mood = AttributeType.objects.get(project=project, key="mood")
    assert (mood.default, [v["key"] for v in mood.values]) == ("TENSE", ["CALM", "TENSE"])


def test_ids_beyond_the_column_are_no_such_item(admin, project):
    huge = 10**20
    assert admin.post(_url(project, f"entity/{huge}/"), {"key": "X"}).status_code == 404
    assert admin.post(_url(project, f"role/{huge}/delete/")).status_code == 404
    assert admin.post(_url(project, "role/"), _role(project, event_type=str(huge))).status_code == 404
    page = _refusal(admin.post(_url(project, "role/"), _role(project, allowed=[str(huge)]), follow=True))
    assert "A role allows at least one entity type." in page
    person = EntityType.objects.get(project=project, key="PER")
    assert admin.post(_url(project, f"entity/{person.pk}/merge/"), {"target": str(huge)}).status_code == 404
    assert admin.get(_url(project, "preview/"), {"kind": "role", "id": str(huge)}).status_code == 404
