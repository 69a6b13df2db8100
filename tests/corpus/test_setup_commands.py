"""`create_project` and `add_member`: a project usable from the command line."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from corpus.models import Membership, Project, Role


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_project_with_an_admin(db, django_user_model):
    django_user_model.objects.create_user("rana")
    out, err = _run("create_project", "أخبار الخليج", "--slug", "gulf", "--preset", "news-ar", "--admin", "rana")
    assert "created project gulf" in out and "rana is its admin" in out and err == ""
    assert Membership.objects.get(project__slug="gulf").role == Role.ADMIN


def test_create_project_without_an_admin_warns_that_nobody_can_open_it(db):
    out, err = _run("create_project", "Gulf News", "--preset", "empty")
    assert "created project gulf-news" in out
    assert "nobody can open it" in err and "add_member gulf-news" in err


def test_create_project_refuses_an_unknown_admin_and_a_taken_slug(project):
    with pytest.raises(CommandError, match="--admin: no active user"):
        _run("create_project", "x", "--admin", "ghost")
    with pytest.raises(CommandError, match="--slug: .*taken"):
        _run("create_project", "x", "--slug", "test-news")
    assert Project.objects.count() == 1


def test_add_member_adds_then_changes_the_role(project, django_user_model):
    django_user_model.objects.create_user("rana", email="rana@example.org")
    out, _err = _run("add_member", "test-news", "rana@example.org", "--role", "annotator")
    assert out.strip() == "rana joined as annotator of test-news"
    out, _err = _run("add_member", "test-news", "rana", "--role", "admin")
    assert out.strip() == "rana is now admin of test-news"


def test_add_member_refuses_unknown_projects_users_and_the_last_admins_demotion(project, admin_user):
    with pytest.raises(CommandError, match="project: no project"):
        _run("add_member", "nope", "admin1", "--role", "annotator")
    with pytest.raises(CommandError, match="user: No active user"):
        _run("add_member", "test-news", "ghost", "--role", "annotator")
    with pytest.raises(CommandError, match="last admin"):
        _run("add_member", "test-news", "admin1", "--role", "annotator")
