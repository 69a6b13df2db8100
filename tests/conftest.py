"""Shared fixtures: a small news-ar project with members, a document, camel-tools kept
offline (no_download); autouse only for settings and the language of messages."""
from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from corpus.models import Document, Membership, Project, Role

# Property tests draw the same examples on every run, so CI is repeatable; explore
# further by hand with HYPOTHESIS_PROFILE=explore.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True, scope="session")
def _test_settings(django_test_environment):
    """A fast password hasher, and jobs run inline: the queue is a thin shell around
    plain functions. override_settings (not assignment) so django-tasks notices. Pages
    link static files by their plain names: the hashed names need `collectstatic`, which
    tests/test_production.py runs for the server it starts."""
    from django.conf import settings
    from django.test.utils import override_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        STORAGES=storages,
    ):
        yield


@pytest.fixture(autouse=True)
def _english_messages():
    """Functions called outside a request speak English in tests, whatever language a
    previous request left active; views still follow the request (Arabic by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def project(db) -> Project:
    from corpus.presets import create_project_from_preset

    return create_project_from_preset("مشروع الاختبار", slug="test-news", preset="news-ar")


def _member(project: Project, username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="pass-" + username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


@pytest.fixture
def admin_user(project):
    return _member(project, "admin1", Role.ADMIN)


@pytest.fixture
def reviewer(project):
    return _member(project, "reviewer1", Role.REVIEWER)


@pytest.fixture
def annotator(project):
    return _member(project, "ann1", Role.ANNOTATOR)


@pytest.fixture
def other_annotator(project):
    return _member(project, "ann2", Role.ANNOTATOR)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user(username="outsider", password="pass-outsider")


@pytest.fixture
def document(project) -> Document:
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents

    text = "التقى وزير الخارجية سمير داود نظيره في القاهرة يوم ١٢ آذار 2021، وبحث الطرفان التعاون."
    add_documents(project, [DocumentRecord(external_id="doc-1", title="لقاء", text=text)])
    return project.documents.get(external_id="doc-1")


@pytest.fixture
def no_download(monkeypatch, tmp_path):
    """camel-tools' data folder is empty and any network request fails the test.

    (Importing anything under camel_tools.data would itself load the catalogue, so the
    guard sits on requests, which camel-tools' downloader uses.)
    """
    import requests

    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "camel_data"))

    def refuse(*args, **kwargs):
        raise AssertionError(f"camel-tools tried to download {args[1:2]}")

    monkeypatch.setattr(requests.Session, "get", refuse)
    yield
    assert not (tmp_path / "camel_data" / "catalogue.json").exists()  # nothing written either
