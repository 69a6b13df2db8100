"""Project archives on the web and in the API: project admins prepare and download their
project's archive (no one else, and never another project's by its job id); site staff
import an archive as a new project; a failed import reports where and changes nothing."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from annotate import jobs
from annotate.archive.writing import export_project
from annotate.models import Job
from corpus.models import Membership, Project, Role
from corpus.presets import create_project_from_preset
from tests.annotate.archive_fixtures import build_full_project


@pytest.fixture
def full(project, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_full_project(project)


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Jobs started inside run when the block ends (as they would on commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="site-staff", password="pw", is_staff=True)


def _download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_admin_prepares_and_downloads_the_archive(client, project, full, now):
    client.force_login(full["admin"])
    settings_page = client.get(reverse("project_settings", args=[project.slug])).content.decode()
    assert reverse("project_backup", args=[project.slug]) in settings_page
    assert client.get(reverse("project_backup", args=[project.slug])).status_code == 200
    with now():
        response = client.post(reverse("project_backup", args=[project.slug]))
    assert response.status_code == 302
    job = Job.objects.get(project=project, kind=jobs.ARCHIVE_EXPORT)
    assert job.status == Job.Status.DONE and job.done == job.total > 0
    page = client.get(reverse("project_backup", args=[project.slug])).content.decode()
    url = reverse("project_backup_download", args=[project.slug, job.pk])
    assert url in page
    data = _download(client.get(url))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "spans.jsonl" in archive.namelist() and "manifest.json" in archive.namelist()


@pytest.mark.parametrize("who", ["reviewer", "ann1"])
def test_only_the_projects_admins_reach_the_archive(client, project, full, who, now):
    client.force_login(full["admin"])
    with now():
        client.post(reverse("project_backup", args=[project.slug]))
    job = Job.objects.get(project=project, kind=jobs.ARCHIVE_EXPORT)
    client.force_login(full[who])
    assert client.get(reverse("project_backup", args=[project.slug])).status_code == 404
    assert client.post(reverse("project_backup", args=[project.slug])).status_code == 404
    assert client.get(reverse("project_backup_download", args=[project.slug, job.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(full[who])
    assert api.post(reverse("api:project-archive-jobs", args=[project.slug])).status_code in (403, 404)
    assert api.get(reverse("api:project-archive-download", args=[project.slug, job.pk])).status_code in (403, 404)


def test_an_admin_of_another_project_cannot_fetch_this_archive_by_its_job_id(client, project, full, now):
    client.force_login(full["admin"])
    with now():
        client.post(reverse("project_backup", args=[project.slug]))
    job = Job.objects.get(project=project, kind=jobs.ARCHIVE_EXPORT)
    other = create_project_from_preset("آخر", slug="other", preset="news-ar")
    stranger = get_user_model().objects.create_user(username="other-admin", password="pw")
    Membership.objects.create(project=other, user=stranger, role=Role.ADMIN)
    client.force_login(stranger)
    assert client.get(reverse("project_backup_download", args=[other.slug, job.pk])).status_code == 404
    assert client.get(reverse("project_backup_download", args=[project.slug, job.pk])).status_code == 404


def test_staff_import_a_new_project_on_the_page(client, project, full, staff, tmp_path, now):
    path = tmp_path / "a.zip"
    export_project(project, path)
    client.force_login(staff)
    assert client.get(reverse("archive_import")).status_code == 200
    upload = SimpleUploadedFile("a.zip", path.read_bytes(), content_type="application/zip")
    with now():
        response = client.post(reverse("archive_import"), {"archive": upload, "slug": "restored"})
    assert response.status_code == 302
    job = Job.objects.get(kind=jobs.ARCHIVE_IMPORT)
    assert job.status == Job.Status.DONE, job.shown_messages
    restored = Project.objects.get(slug="restored")
    assert job.project == restored and restored.documents.count() == 3
    assert Membership.objects.get(project=restored, user=staff).role == Role.ADMIN
    page = client.get(reverse("archive_import")).content.decode()
    assert reverse("project_detail", args=["restored"]) in page


def test_a_failed_import_shows_where_and_creates_nothing(client, project, full, staff, tmp_path, now):
    path = tmp_path / "a.zip"
    export_project(project, path)
    broken = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(broken, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, data.replace(b'"type":"GPE"', b'"type":"NOPE"') if name == "spans.jsonl" else data)
    client.force_login(staff)
    upload = SimpleUploadedFile("a.zip", broken.getvalue(), content_type="application/zip")
    with now():
        client.post(reverse("archive_import"), {"archive": upload, "slug": "restored"})
    job = Job.objects.get(kind=jobs.ARCHIVE_IMPORT)
    assert job.status == Job.Status.FAILED
    assert all(part in job.shown_messages[-1] for part in ("spans.jsonl", "«type»", "NOPE"))
    assert not Project.objects.filter(slug="restored").exists()
    assert "NOPE" in client.get(reverse("archive_import")).content.decode()


def test_only_staff_import(client, full):
    client.force_login(full["admin"])
    assert client.get(reverse("archive_import")).status_code == 404
    api = APIClient()
    api.force_authenticate(full["admin"])
    upload = SimpleUploadedFile("a.zip", b"PK", content_type="application/zip")
    assert api.post(reverse("api:archive-imports"), {"archive": upload}, format="multipart").status_code == 404


def test_api_export_then_import(project, full, staff, now):
    api = APIClient()
    api.force_authenticate(full["admin"])
    with now():
        response = api.post(reverse("api:project-archive-jobs", args=[project.slug]))
    assert response.status_code == 202
    job = api.get(reverse("api:project-archive-job", args=[project.slug, response.json()["id"]])).json()
    assert job["status"] == "done"
    data = _download(api.get(job["download"]))
    api.force_authenticate(staff)
    upload = SimpleUploadedFile("a.zip", data, content_type="application/zip")
    with now():
        response = api.post(reverse("api:archive-imports"), {"archive": upload, "slug": "via-api"},
                            format="multipart")
    assert response.status_code == 202, response.json()
    body = api.get(reverse("api:archive-import", args=[response.json()["id"]])).json()
    assert body["status"] == "done" and body["project"] == "via-api" and body["result"]["placeholders"] == []
    taken = SimpleUploadedFile("a.zip", data, content_type="application/zip")
    response = api.post(reverse("api:archive-imports"), {"archive": taken, "slug": "via-api"}, format="multipart")
    assert response.status_code == 400 and response.json()["field"] == "slug"
