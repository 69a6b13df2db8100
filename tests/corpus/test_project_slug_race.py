"""Two admins creating a project with the same slug at once: both pass the slug check
(neither project exists yet), the first commits, and the second's insert meets the
unique slug. The second is told on the slug field that a project with this address
exists (a suggested slug is suggested afresh instead), never the database's text."""
from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from rest_framework.test import APIClient

from corpus.models import Membership, Project, Role
from corpus.projects import ProjectError, create_project

TAKEN = "A project with this address (slug «race») already exists: choose another slug."


@pytest.fixture
def staff(django_user_model):
    return [django_user_model.objects.create_user(name, password="pass-" + name, is_staff=True)
            for name in ("first", "second")]


def _waiting_on_a_lock(timeout: float = 10) -> bool:
    """Whether another connection waits on a row lock (the second insert, on the first's slug)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are read once per transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND datname = current_database()")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _race(first_admin, second) -> dict:
    """The first admin creates «race» in a transaction held open until `second` (run in
    its own thread and connection) is blocked on the slug; then the first commits."""
    created, outcome = threading.Event(), {}

    def hold_first():
        try:
            with transaction.atomic():
                create_project("الأول", slug="race", preset="empty", admin=first_admin)
                created.set()
                outcome["second blocked"] = _waiting_on_a_lock()
        finally:
            connection.close()

    def run_second():
        try:
            outcome["second"] = second()
        except ProjectError as error:
            outcome["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    assert created.wait(timeout=10)
    racer = threading.Thread(target=run_second)
    racer.start()
    holder.join(timeout=20)
    racer.join(timeout=20)
    assert outcome.pop("second blocked"), "the second creation never waited on the first"
    return outcome


@pytest.mark.django_db(transaction=True)
def test_the_second_service_call_is_refused_on_the_slug(staff):
    first, second = staff
    def create_second():
        with override("en"):
            return create_project("الثاني", slug="race", preset="empty", admin=second)

    error = _race(first, create_second)["second"]
    assert isinstance(error, ProjectError) and (error.field, error.message) == ("slug", TAKEN)
    assert Project.objects.get(slug="race").name == "الأول"
    assert not Membership.objects.filter(user=second).exists()


@pytest.mark.django_db(transaction=True)
def test_the_new_project_page_shows_it_under_the_slug(staff):
    first, second = staff

    def post_the_page():
        client = Client()
        client.force_login(second)
        client.cookies["django_language"] = "en"
        return client.post(reverse("project_new"), {"name": "الثاني", "slug": "race", "language": "ar",
                                                    "direction": "rtl", "schema": "empty"})

    page = _race(first, post_the_page)["second"]
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Slug: {TAKEN}" in body  # under the slug field, as the page shows field errors
    assert "duplicate key" not in body and "violates" not in body and "corpus_project" not in body
    assert Project.objects.filter(slug="race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_400_on_the_slug(staff):
    first, second = staff

    def post_the_api():
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(second)
        return client.post("/api/projects/", {"name": "الثاني", "slug": "race", "preset": "empty"}, format="json")

    answer = _race(first, post_the_api)["second"]
    assert answer.status_code == 400 and answer.json() == {"detail": TAKEN, "field": "slug"}


@pytest.mark.django_db(transaction=True)
def test_a_suggested_slug_taken_meanwhile_is_suggested_afresh(staff):
    first, second = staff
    # no slug given: «race» is suggested from the name, taken by the first meanwhile
    outcome = _race(first, lambda: create_project("race", preset="empty", admin=second))
    assert outcome["second"].slug == "race-2"
    assert Membership.objects.get(user=second, role=Role.ADMIN).project.slug == "race-2"
