"""The schema editor's pages, the schema API and create_project --schema."""
from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from annotate import services
from annotate.models import Span
from corpus.models import EntityType, EventType, Project
from corpus.schema_file import check_schema, dump_schema


@pytest.fixture
def person_span(project, document, annotator):
    start = document.text.index("سمير داود")
    annotation_set = services.own_set(document, annotator)
    return services.create_span(annotation_set, annotator, entity_type="PER", start=start, end=start + 9,
                                version=services.ANY_VERSION)


def _url(project, rest=""):
    return f"/projects/{project.slug}/schema/{rest}"


def test_page_is_for_admins_only(client, project, admin_user, reviewer, annotator, outsider):
    for user in (reviewer, annotator, outsider):
        client.force_login(user)
        assert client.get(_url(project)).status_code == 404
        assert client.post(_url(project, "entity/"), {"key": "X"}).status_code == 404
        assert client.get(_url(project, "schema.json")).status_code == 404
    client.force_login(admin_user)
    page = client.get(_url(project))
    assert page.status_code == 200
    assert b'class="type-btn"' in page.content  # the editor's palette markup in the preview


def test_admin_adds_an_entity_type_and_a_refusal_is_shown(client, project, admin_user):
    client.force_login(admin_user)
    answer = client.post(_url(project, "entity/"), {"key": "WEAPON", "name_ar": "سلاح", "name_en": "Weapon",
                                                    "colour": "#1a4f8b", "shortcut": "7"}, follow=True)
    assert EntityType.objects.filter(project=project, key="WEAPON", shortcut="7").exists()
    assert "WEAPON" in answer.content.decode()
    client.cookies["django_language"] = "en"
    answer = client.post(_url(project, "entity/"), {"key": "PALE", "name_ar": "باهت", "name_en": "Pale",
                                                    "colour": "#f3a712"}, follow=True)
    assert not EntityType.objects.filter(project=project, key="PALE").exists()
    assert "contrast" in answer.content.decode()


def test_the_entity_form_says_whether_mentions_link_to_the_knowledge_base(client, project, admin_user):
    client.force_login(admin_user)
    page = client.get(_url(project)).content.decode()
    assert 'name="kb_linkable"' in page
    date = EntityType.objects.get(project=project, key="DATE")
    fields = {"key": "DATE", "name_ar": "تاريخ", "name_en": "Date", "colour": date.colour, "shortcut": "6"}
    client.post(_url(project, f"entity/{date.pk}/"), {**fields, "kb_linkable": "on"})
    assert EntityType.objects.get(pk=date.pk).kb_linkable
    client.post(_url(project, f"entity/{date.pk}/"), fields)  # the box unticked
    assert not EntityType.objects.get(pk=date.pk).kb_linkable


def test_delete_in_use_refused_then_merge_then_undo(client, project, admin_user, person_span):
    client.force_login(admin_user)
    person = EntityType.objects.get(project=project, key="PER")
    org = EntityType.objects.get(project=project, key="ORG")
    answer = client.post(_url(project, f"entity/{person.pk}/delete/"), follow=True)
    assert "مستخدم في وسم واحد ضمن وثيقة واحدة" in answer.content.decode()  # the Arabic interface, plural forms
    client.cookies["django_language"] = "en"
    answer = client.post(_url(project, f"entity/{person.pk}/delete/"), follow=True)
    assert "used by 1 span in 1 document" in answer.content.decode()
    assert EntityType.objects.filter(pk=person.pk).exists()
    page = client.post(_url(project, f"entity/{person.pk}/merge/"), {"target": org.pk}, follow=True)
    assert Span.objects.get(pk=person_span.pk).entity_type == org
    assert b'id="undo-merge"' in page.content
    client.post(_url(project, "merges/undo/"), {"merge": client.session["schema_last_merge"]["id"]})
    assert Span.objects.get(pk=person_span.pk).entity_type == person


def test_an_event_type_with_roles_is_added(client, project, admin_user):
    client.force_login(admin_user)
    client.post(_url(project, "event/"), {"key": "ATTACK", "name_ar": "هجوم", "name_en": "Attack",
                                          "colour": "#6b2d5c", "shortcut": "k", "triggers": "هاجم\nقصف"})
    attack = EventType.objects.get(project=project, key="ATTACK")
    assert attack.triggers == ["هاجم", "قصف"]
    per, gpe = (EntityType.objects.get(project=project, key=k) for k in ("PER", "GPE"))
    client.post(_url(project, "role/"), {"event_type": attack.pk, "key": "Attacker", "name_ar": "المهاجم",
                                         "name_en": "Attacker", "allowed": [per.pk], "min_count": "1",
                                         "max_count": ""})
    client.post(_url(project, "role/"), {"event_type": attack.pk, "key": "Target", "name_ar": "الهدف",
                                         "name_en": "Target", "allowed": [per.pk, gpe.pk], "max_count": "2"})
    roles = {r.key: r for r in attack.roles.all()}
    assert roles["Attacker"].min_count == 1 and roles["Attacker"].max_count is None
    assert set(roles["Target"].allowed_types.values_list("key", flat=True)) == {"PER", "GPE"}


def test_preview_shows_the_draft(client, project, admin_user):
    client.force_login(admin_user)
    person = EntityType.objects.get(project=project, key="PER")
    answer = client.get(_url(project, "preview/"), {"kind": "entity", "id": person.pk, "key": "PER",
                                                    "name_ar": "إنسان", "name_en": "Human", "colour": "#f3a712"})
    body = answer.content.decode()
    assert "إنسان" in body and 'data-colour="#f3a712"' in body and "contrast low" in body
    event = EventType.objects.get(project=project, key="MEET")
    answer = client.get(_url(project, "preview/"), {"kind": "role", "event_type": event.pk, "key": "Witness",
                                                    "name_ar": "الشاهد", "name_en": "Witness"})
    assert 'data-role="Witness"' in answer.content.decode()


def test_download_is_the_preset_format_and_makes_a_project(client, project, admin_user, tmp_path):
    client.force_login(admin_user)
    answer = client.get(_url(project, "schema.json"))
    data = json.loads(answer.content)
    assert check_schema(data) == []
    assert data == dump_schema(project)
    path = tmp_path / "schema.json"
    path.write_text(answer.content.decode(), encoding="utf-8")
    call_command("create_project", "نسخة", "--slug", "copy", "--schema", str(path))
    copy = Project.objects.get(slug="copy")
    assert dump_schema(copy) | {"name": ""} == data | {"name": ""}


def test_create_project_names_the_fault_in_a_bad_schema_file(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"entity_types": [{"key": "PER", "name_ar": "شخص", "name_en": "Person"}],
                                "relation_types": [{"key": "R", "name_ar": "ع", "name_en": "R", "source": ["PER"],
                                                    "target": ["NOPE"]}]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"relation_types\[0\] \(R\)\.target: unknown type 'NOPE'"):
        call_command("create_project", "x", "--slug", "x", "--schema", str(path))
    path.write_text("{\n oops", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("create_project", "x", "--slug", "x", "--schema", str(path))
    assert not Project.objects.filter(slug="x").exists()


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_get_for_members_put_for_admins(project, admin_user, annotator, outsider):
    url = f"/api/projects/{project.slug}/schema/"
    assert _api(outsider).get(url).status_code == 404
    data = _api(annotator).get(url).json()
    assert [t["key"] for t in data["entity_types"]][:2] == ["PER", "ORG"]
    assert _api(annotator).put(url, data, format="json").status_code == 403
    data["entity_types"].append({"key": "WEAPON", "name_ar": "سلاح", "name_en": "Weapon", "colour": "#1a4f8b",
                                 "shortcut": "8"})
    data["entity_types"] = [t for t in data["entity_types"] if t["key"] != "FAC"]
    for event in data["event_types"]:
        for role in event["roles"]:
            role["allowed"] = [k for k in role["allowed"] if k != "FAC"]
    for relation in data["relation_types"]:
        relation["source"] = [k for k in relation["source"] if k != "FAC"]
    answer = _api(admin_user).put(url, data, format="json")
    assert answer.status_code == 200, answer.json()
    keys = set(EntityType.objects.filter(project=project).values_list("key", flat=True))
    assert "WEAPON" in keys and "FAC" not in keys


def test_api_put_refuses_deleting_a_type_in_use_and_changes_nothing(project, admin_user, person_span):
    url = f"/api/projects/{project.slug}/schema/"
    data = _api(admin_user).get(url).json()
    data["entity_types"] = [t for t in data["entity_types"] if t["key"] != "PER"]
    for event in data["event_types"]:
        for role in event["roles"]:
            role["allowed"] = [k for k in role["allowed"] if k != "PER"] or ["ORG"]
    for relation in data["relation_types"]:
        relation["source"] = [k for k in relation["source"] if k != "PER"] or ["ORG"]
    data["entity_types"][0]["name_en"] = "Renamed"
    client = _api(admin_user)
    client.cookies["django_language"] = "en"
    answer = client.put(url, data, format="json")
    assert answer.status_code == 400
    assert "used by 1 span in 1 document" in answer.json()["detail"]
    assert EntityType.objects.filter(project=project, key="PER").exists()
    assert not EntityType.objects.filter(project=project, name_en="Renamed").exists()


def test_page_merges_an_attribute_value_and_shows_the_role_merge(client, project, admin_user, document, annotator):
    annotation_set = services.own_set(document, annotator)
    start = document.text.index("التقى")
    event = services.create_event(annotation_set, annotator, event_type="MEET", trigger_start=start,
                                  trigger_end=start + 5, version=services.ANY_VERSION)
    client.force_login(admin_user)
    page = client.get(_url(project)).content.decode()
    meet = EventType.objects.get(project=project, key="MEET")
    participant = meet.roles.get(key="Participant")
    assert f"/schema/role/{participant.pk}/merge/" in page
    attribute = project.attribute_types.get(key="factuality")
    client.post(_url(project, f"attribute/{attribute.pk}/merge/"), {"value": "ASSERTED", "into": "DENIED"})
    event.refresh_from_db()
    assert event.attributes["factuality"] == "DENIED"
    assert client.session["schema_last_merge"]["source"] == "factuality=ASSERTED"


def test_type_choices_show_names_with_the_key_beside_them(client, project, admin_user, person_span):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    body = client.get(_url(project, "")).content.decode()
    person = EntityType.objects.get(project=project, key="PER")
    meet = EventType.objects.get(project=project, key="MEET")
    # Role, relation and attribute check boxes: the name, then the key as a muted code.
    box = re.compile(r'<label class="check"><input type="checkbox" name="(\w+)" value="%d"[^>]*> ([^<]*)<code '
                     r'class="key" dir="ltr">(\w+)</code></label>')
    boxes = {(m[1], m[2].strip(), m[3]) for pk in (person.pk, meet.pk) for m in re.finditer(box.pattern % pk, body)}
    assert {("allowed", "Person", "PER"), ("sources", "Person", "PER"), ("event_types", "Meeting", "MEET")} <= boxes
    org = EntityType.objects.get(project=project, key="ORG")
    assert f'<option value="{org.pk}">Organisation (ORG)</option>' in body  # merging PER, which is in use
    assert '<option value="ASSERTED">asserted (ASSERTED)</option>' in body
    preview = client.get(_url(project, "preview/"), {"kind": "role", "event_type": meet.pk, "key": "Witness",
                                                     "name_ar": "الشاهد", "name_en": "Witness",
                                                     "allowed": [person.pk]}).content.decode()
    slots = preview[preview.index('<ol class="slots">'):]
    slots = re.sub(r'data-[a-z]+="[^"]*"', "", slots[:slots.index("</ol>")])
    assert '<span class="empty">Person' in slots and "PER" not in slots  # what fills the role, by name
