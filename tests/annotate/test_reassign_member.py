"""Giving an inactive member's work (an archive import's placeholder, someone who left) to
an active account: annotate.services.archive.reassign_work, from the members page and the
API. When the receiving account already has its own work on one of the same documents,
nothing is merged: the whole reassignment is refused, naming the documents, and nothing
changes."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from annotate import services
from annotate.models import AnnotationSet, Assignment, Suggestion, WorkloadCount
from annotate.services import assignment
from annotate.services.archive import ReassignError, reassign_work
from corpus.models import Membership, Role
from corpus.projects import archive_project
from tests.annotate.test_assignment import make_documents
from tests.annotate.test_progress_counts import counts, recounted


@pytest.fixture
def ghost(project):
    """An inactive member with a set holding a span on document 0, an assignment on
    documents 0 and 1, and a suggestion meant for them alone."""
    user = get_user_model().objects.create_user("ghost", is_active=False)
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    return user


@pytest.fixture
def documents(project, ghost):
    documents = make_documents(project, 3)
    assignment.assign_documents(project, annotators=[ghost], documents=documents[:2])
    own = services.own_set(documents[0], ghost)
    services.create_span(own, ghost, entity_type="GPE", start=documents[0].text.index("حلب"),
                         end=documents[0].text.index("حلب") + 3, version=own.version)
    Suggestion.objects.create(document=documents[1], tagger="string_match", start=0, end=4, user=ghost,
                              entity_type=project.entity_types.get(key="PER"))
    return documents


@pytest.fixture
def newcomer(db):
    return get_user_model().objects.create_user("newcomer", email="newcomer@example.org", password="pass-newcomer")


def _holdings(project, user) -> tuple[int, int, int]:
    return (AnnotationSet.objects.filter(document__project=project, owner=user).count(),
            Assignment.objects.filter(document__project=project, user=user).count(),
            Suggestion.objects.filter(document__project=project, user=user).count())


def test_the_work_moves_with_the_membership_and_the_counts_follow(project, ghost, documents, newcomer, admin_user):
    moved = reassign_work(project, ghost, newcomer, by=admin_user)
    assert moved["sets"] == 1 and moved["assignments"] == 2 and moved["suggestions"] == 1
    assert _holdings(project, newcomer) == (1, 2, 1) and _holdings(project, ghost) == (0, 0, 0)
    assert Membership.objects.get(project=project, user=newcomer).role == Role.ANNOTATOR
    assert not Membership.objects.filter(project=project, user=ghost).exists()
    assert WorkloadCount.objects.get(project=project, user=newcomer).assigned == 2
    assert counts() == recounted()  # the progress counts moved with the work


def test_an_inactive_account_or_the_same_one_cannot_receive_the_work(project, ghost, documents):
    other_ghost = get_user_model().objects.create_user("ghost2", is_active=False)
    for target in (other_ghost, ghost):
        with pytest.raises(ReassignError):
            reassign_work(project, ghost, target)
    assert _holdings(project, ghost) == (1, 2, 1)


def test_a_receiver_with_work_on_the_same_documents_is_refused_and_nothing_moves(project, ghost, documents,
                                                                                   annotator):
    own = services.own_set(documents[0], annotator)
    services.create_span(own, annotator, entity_type="GPE", start=0, end=3, version=own.version)
    with pytest.raises(ReassignError) as refused:
        reassign_work(project, ghost, annotator)
    assert "1 of the same documents (خبر 0)" in refused.value.message
    assert "nothing was changed" in refused.value.message
    assert _holdings(project, ghost) == (1, 2, 1) and _holdings(project, annotator) == (1, 0, 0)
    assert Membership.objects.filter(project=project, user=ghost).exists()


def test_an_archived_project_refuses(project, ghost, documents, newcomer):
    archive_project(project)
    with pytest.raises(Exception, match="archived"):
        reassign_work(project, ghost, newcomer)
    assert _holdings(project, ghost) == (1, 2, 1)


def test_an_admin_reassigns_on_the_members_page(client, project, ghost, documents, newcomer, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    url = reverse("members", args=[project.slug])
    page = client.get(url).content.decode()
    assert reverse("member_reassign", args=[project.slug, ghost.pk]) in page  # offered for the inactive member
    assert reverse("member_reassign", args=[project.slug, admin_user.pk]) not in page
    response = client.post(reverse("member_reassign", args=[project.slug, ghost.pk]),
                           {"to": "newcomer@example.org"}, follow=True)
    assert "The work of ghost (1 annotation set) is now newcomer&#x27;s." in response.content.decode()
    assert _holdings(project, newcomer) == (1, 2, 1)


def test_a_refused_reassignment_on_the_page_says_why(client, project, ghost, documents, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("member_reassign", args=[project.slug, ghost.pk]), {"to": "nobody"}, follow=True)
    assert "No active user is called «nobody»" in response.content.decode()
    assert _holdings(project, ghost) == (1, 2, 1)


@pytest.mark.parametrize("who", ["annotator", "reviewer", "outsider"])
def test_only_the_projects_admins_reassign(client, project, ghost, documents, newcomer, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("member_reassign", args=[project.slug, ghost.pk]), {"to": "newcomer"})
    assert response.status_code == 404
    assert _holdings(project, ghost) == (1, 2, 1)


def test_the_api_reassigns_and_refuses_with_the_field(project, ghost, documents, newcomer, admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    url = f"/api/projects/{project.slug}/members/ghost/reassign/"
    refused = client.post(url, {"to": "ghost"}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "to"
    assert client.get(url).status_code == 405
    answer = client.post(url, {"to": "newcomer"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"sets": 1, "assignments": 2, "suggestions": 1, "suggestion_decisions": 0,
                             "adjudication_decisions": 0}
    assert client.get(f"/api/projects/{project.slug}/members/newcomer/").json()["role"] == "annotator"


def test_the_last_admins_work_goes_to_a_member_only_once_they_are_admin(project, ghost, documents, annotator):
    Membership.objects.filter(project=project, user=ghost).update(role=Role.ADMIN)  # the only admin
    with pytest.raises(ReassignError, match="last admin: make ann1 admin first"):
        reassign_work(project, ghost, annotator)
    assert _holdings(project, ghost) == (1, 2, 1)
    Membership.objects.filter(project=project, user=annotator).update(role=Role.ADMIN)
    reassign_work(project, ghost, annotator)
    assert _holdings(project, annotator) == (1, 2, 1)


# An active member's work stays theirs: in a blind project, giving ann1's sets to ann2
# would let ann2 read them. The service refuses, so the page, the API and the CLI do.

def _two_annotators_work(project, documents, annotator):
    own = services.own_set(documents[2], annotator)
    services.create_span(own, annotator, entity_type="GPE", start=0, end=3, version=own.version)
    return _holdings(project, annotator)


def test_an_active_members_work_is_not_reassigned(project, ghost, documents, annotator, other_annotator):
    before = _two_annotators_work(project, documents, annotator)
    with pytest.raises(ReassignError) as refused:
        reassign_work(project, annotator, other_annotator)
    assert refused.value.field == "user" and "ann1 is an active account" in refused.value.message
    assert _holdings(project, annotator) == before and _holdings(project, other_annotator) == (0, 0, 0)
    assert Membership.objects.filter(project=project, user=annotator).exists()


def test_the_members_page_refuses_an_active_members_reassignment(client, project, ghost, documents, annotator,
                                                                   other_annotator, admin_user):
    before = _two_annotators_work(project, documents, annotator)
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("member_reassign", args=[project.slug, annotator.pk]), {"to": "ann2"},
                           follow=True)
    assert "ann1 is an active account" in response.content.decode()
    assert _holdings(project, annotator) == before and _holdings(project, other_annotator) == (0, 0, 0)


def test_the_api_refuses_an_active_members_reassignment(project, ghost, documents, annotator, other_annotator,
                                                         admin_user):
    before = _two_annotators_work(project, documents, annotator)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin_user)
    refused = client.post(f"/api/projects/{project.slug}/members/ann1/reassign/", {"to": "ann2"}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "user", refused.content
    assert "ann1 is an active account" in str(refused.json())
    assert _holdings(project, annotator) == before and _holdings(project, other_annotator) == (0, 0, 0)


def test_the_command_refuses_an_active_members_reassignment(project, ghost, documents, annotator, other_annotator):
    before = _two_annotators_work(project, documents, annotator)
    with pytest.raises(CommandError, match="ann1 is an active account"):
        call_command("reassign_member", project.slug, "ann1", "ann2")
    assert _holdings(project, annotator) == before and _holdings(project, other_annotator) == (0, 0, 0)
