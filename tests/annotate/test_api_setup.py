"""Setting projects up through the API: create (site staff), settings, archive, delete
and members (project admins)."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from corpus.models import Membership, Project, Role


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("staff", is_staff=True)


def test_staff_create_a_project_and_become_its_admin(staff):
    response = _client(staff).post("/api/projects/", {"name": "أخبار", "slug": "akhbar", "preset": "empty"},
                                   format="json")
    assert response.status_code == 201
    assert response.json() == {"slug": "akhbar", "name": "أخبار", "language": "ar", "direction": "rtl",
                               "role": "admin", "description": "", "guidelines": "", "archived": False}
    assert Membership.objects.get(project__slug="akhbar").user == staff


def test_only_staff_create_projects(annotator):
    response = _client(annotator).post("/api/projects/", {"name": "x"}, format="json")
    assert response.status_code == 403 and not Project.objects.filter(name="x").exists()


def test_a_bad_slug_is_refused_naming_the_field(staff, project):
    response = _client(staff).post("/api/projects/", {"name": "x", "slug": "test-news"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "slug"


def test_a_schema_is_copied_only_from_a_project_one_administers(staff, project, admin_user):
    response = _client(staff).post("/api/projects/", {"name": "x", "schema_from": "test-news"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "schema_from"
    admin_user.is_staff = True
    admin_user.save()
    response = _client(admin_user).post("/api/projects/", {"name": "x", "schema_from": "test-news"}, format="json")
    assert response.status_code == 201
    assert Project.objects.get(name="x").event_types.count() == project.event_types.count()


def test_admins_change_settings_and_archive(project, admin_user, reviewer):
    client = _client(admin_user)
    body = client.patch(f"/api/projects/{project.slug}/", {"guidelines": "# قواعد", "archived": True},
                        format="json").json()
    assert body["guidelines"] == "# قواعد" and body["archived"] is True
    response = client.patch(f"/api/projects/{project.slug}/", {"name": "y"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "project"  # archived: read-only
    assert client.patch(f"/api/projects/{project.slug}/", {"archived": False, "name": "y"},
                        format="json").json()["name"] == "y"
    response = _client(reviewer).patch(f"/api/projects/{project.slug}/", {"name": "z"}, format="json")
    assert response.status_code == 403


def test_delete_needs_the_slug_repeated(project, admin_user):
    client = _client(admin_user)
    assert client.delete(f"/api/projects/{project.slug}/").status_code == 400
    assert client.delete(f"/api/projects/{project.slug}/?confirm=test-news").status_code == 204
    assert not Project.objects.filter(slug="test-news").exists()


def test_members_list_add_change_remove(project, admin_user, django_user_model):
    django_user_model.objects.create_user("hala", email="hala@example.org")
    client = _client(admin_user)
    url = f"/api/projects/{project.slug}/members/"
    assert client.post(url, {"user": "hala@example.org", "role": "annotator"}, format="json").status_code == 201
    assert client.patch(f"{url}hala/", {"role": "reviewer"}, format="json").json()["role"] == "reviewer"
    assert client.get(url).json() == [
        {"username": "admin1", "email": "", "role": "admin", "active": True},
        {"username": "hala", "email": "hala@example.org", "role": "reviewer", "active": True},
    ]
    assert client.delete(f"{url}hala/").status_code == 204
    assert client.get(f"{url}hala/").status_code == 404


def test_the_last_admin_stays(project, admin_user):
    client = _client(admin_user)
    response = client.patch(f"/api/projects/{project.slug}/members/admin1/", {"role": "reviewer"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "role"
    assert client.delete(f"/api/projects/{project.slug}/members/admin1/").status_code == 400
    assert Membership.objects.get(project=project, user=admin_user).role == Role.ADMIN


def test_unknown_users_and_roles_are_refused_naming_the_field(project, admin_user):
    client = _client(admin_user)
    url = f"/api/projects/{project.slug}/members/"
    assert client.post(url, {"user": "nobody", "role": "annotator"}, format="json").json()["field"] == "user"
    assert client.post(url, {"user": "admin1", "role": "owner"}, format="json").json()["field"] == "role"
