"""Creating projects and changing their settings (corpus.projects)."""
from __future__ import annotations

import pytest

from corpus.models import Membership, Project, Role
from corpus.presets import schema_of
from corpus.projects import (
    ProjectArchived,
    ProjectError,
    archive_project,
    create_project,
    ensure_writable,
    restore_project,
    suggest_slug,
    update_project,
)
from corpus.schema_file import check_schema


def test_the_creator_becomes_the_projects_admin(db, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    project = create_project("أخبار الاقتصاد", slug="economy", admin=staff)
    assert Membership.objects.get(project=project).role == Role.ADMIN
    assert Membership.objects.get(project=project).user == staff
    assert project.entity_types.filter(key="PER").exists()  # news-ar schema


def test_an_empty_preset_gives_no_types(db):
    project = create_project("فارغ", slug="blank", preset="empty")
    assert schema_of(project) == {"entity_types": [], "event_types": [], "attribute_types": [], "relation_types": []}


def test_copying_a_projects_schema_gives_the_same_schema(project):
    copy = create_project("نسخة", slug="copy", schema_from=project)
    assert schema_of(copy) == schema_of(project)
    assert copy.entity_types.first().project == copy  # copied, not shared


def test_the_schema_says_which_types_link_to_the_knowledge_base(project):
    linkable = {t["key"]: t["kb_linkable"] for t in schema_of(project)["entity_types"]}
    assert linkable == {"PER": True, "ORG": True, "GPE": True, "LOC": True, "FAC": True, "DATE": False}
    broken = {"entity_types": [{"key": "PER", "name_ar": "شخص", "name_en": "Person", "kb_linkable": "yes"}]}
    assert check_schema(broken) == ["entity_types[0] (PER).kb_linkable: true or false"]


def test_slug_is_suggested_from_the_name_and_numbered_when_taken(db):
    assert create_project("Gulf News").slug == "gulf-news"
    assert create_project("Gulf News").slug == "gulf-news-2"
    assert create_project("أخبار").slug == "project"  # an Arabic name has no Latin letters
    assert suggest_slug("new") == "new-2"  # /projects/new/ is a page


@pytest.mark.parametrize("slug, message", [
    ("مشروع", "Latin letters"), ("has space", "Latin letters"), ("test-news", "taken"), ("new", "taken"),
])
def test_bad_or_taken_slugs_are_refused_naming_the_field(project, slug, message):
    with pytest.raises(ProjectError) as refused:
        create_project("x", slug=slug)
    assert refused.value.field == "slug" and message in refused.value.message
    assert Project.objects.count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"name": "  "}, "name"), ({"language": "Arabic"}, "language"), ({"direction": "up"}, "direction"),
    ({"preset": "nope"}, "preset"),
])
def test_bad_fields_are_refused_and_nothing_is_created(db, changes, field):
    arguments = {"name": "مشروع", "slug": "p", **changes}
    with pytest.raises(ProjectError) as refused:
        create_project(arguments.pop("name"), **arguments)
    assert refused.value.field == field
    assert not Project.objects.exists()


def test_settings_change_name_description_and_guidelines(project):
    update_project(project, name="اسم جديد", description="وصف", guidelines="# القواعد")
    project.refresh_from_db()
    assert (project.name, project.description, project.guidelines) == ("اسم جديد", "وصف", "# القواعد")
    with pytest.raises(ProjectError) as refused:
        update_project(project, slug="other")
    assert refused.value.field == "slug"


def test_an_archived_project_refuses_settings_until_restored(project):
    archive_project(project)
    with pytest.raises(ProjectArchived) as refused:
        update_project(project, name="x")
    assert "archived" in refused.value.message
    restore_project(project)
    ensure_writable(project)
    update_project(project, name="x")
