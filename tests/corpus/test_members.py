"""A project's members (corpus.members): add, change a role, remove; never the last admin."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from annotate import services
from corpus import members
from corpus.models import Membership, Role
from corpus.projects import ProjectArchived, ProjectError, archive_project


def test_add_a_user_by_username_or_email(project, django_user_model):
    hala = django_user_model.objects.create_user("hala", email="hala@example.org")
    assert members.find_user("hala") == hala
    assert members.find_user("HALA@example.org") == hala
    members.add_member(project, hala, Role.REVIEWER)
    assert Membership.objects.get(project=project, user=hala).role == Role.REVIEWER


def test_unknown_inactive_or_already_added_users_are_refused(project, annotator, django_user_model):
    django_user_model.objects.create_user("gone", is_active=False)
    for name in ("nobody", "gone", "nobody@example.org"):
        with pytest.raises(ProjectError) as refused:
            members.find_user(name)
        assert refused.value.field == "user"
    with pytest.raises(ProjectError, match="already a member"):
        members.add_member(project, annotator, Role.ADMIN)
    with pytest.raises(ProjectError) as refused:
        members.add_member(project, annotator, "owner")
    assert refused.value.field == "role"


def test_the_last_admin_can_be_neither_demoted_nor_removed(project, admin_user, reviewer):
    with pytest.raises(ProjectError, match="last admin"):
        members.change_role(project, admin_user, Role.REVIEWER)
    with pytest.raises(ProjectError, match="last admin"):
        members.remove_member(project, admin_user)
    members.change_role(project, reviewer, Role.ADMIN)
    members.remove_member(project, admin_user)
    assert list(members.members(project).values_list("user__username", "role")) == [("reviewer1", "admin")]


def test_a_removed_annotators_sets_stay_and_reviewers_still_read_them(project, document, annotator, reviewer):
    from annotate.access import can_read_set

    own = services.own_set(document, annotator)
    members.remove_member(project, annotator)
    own.refresh_from_db()
    assert can_read_set(reviewer, own)
    assert not can_read_set(annotator, own)


def test_members_of_an_archived_project_do_not_change(project, admin_user, annotator):
    archive_project(project)
    with pytest.raises(ProjectArchived):
        members.change_role(project, annotator, Role.REVIEWER)


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(django_user_model):
    """Each demotion alone is allowed (another admin remains). The first is held open
    before it commits; the second waits for it on the project's lock, then sees that
    no other admin is left and refuses (without the lock both would succeed)."""
    from corpus.projects import create_project

    first = django_user_model.objects.create_user("first")
    second = django_user_model.objects.create_user("second")
    project = create_project("مشروع", slug="race", preset="empty", admin=first)
    members.add_member(project, second, Role.ADMIN)
    demoted_first, commit_first, outcomes = threading.Event(), threading.Event(), {}

    def demote_first():
        with transaction.atomic():
            members.change_role(project, first, Role.ANNOTATOR)
            demoted_first.set()
            commit_first.wait(timeout=10)
        connection.close()

    def demote_second():
        try:
            members.change_role(project, second, Role.ANNOTATOR)
            outcomes["second"] = "demoted"
        except ProjectError:
            outcomes["second"] = "refused"
        finally:
            connection.close()

    holder = threading.Thread(target=demote_first)
    holder.start()
    assert demoted_first.wait(timeout=10)
    racer = threading.Thread(target=demote_second)
    racer.start()
    racer.join(timeout=1)  # with the lock it is still waiting here
    commit_first.set()
    holder.join()
    racer.join()
    assert outcomes == {"second": "refused"}
    assert Membership.objects.filter(project=project, role=Role.ADMIN).count() == 1
