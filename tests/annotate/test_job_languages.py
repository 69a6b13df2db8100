"""What a background job says is stored as message ids and parameters and shown in the
reader's language, not in the language of the worker that ran it: job messages, failures
(an archive import's still naming member, line, field and reason), an export's warnings and
its reason for an empty file, on the pages and in the API (texts in the request's language,
and the stored codes). Jobs stored before, with plain strings, still show."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from annotate import dataset, jobs
from annotate.archive.writing import export_project
from annotate.models import Job
from corpus.deferred_text import gettext_deferred, ngettext_deferred, shown, stored
from tests.annotate.test_archive_views import full, now, staff  # noqa: F401 - fixtures
from tests.annotate.test_export_warnings import store


def test_a_stored_message_is_translated_when_shown_nested_and_plural_alike():
    with translation.override("ar"):
        said = gettext_deferred("%(where)s: %(message)s",
                                where=gettext_deferred("%(member)s, line %(line)d", member="spans.jsonl", line=3),
                                message=ngettext_deferred("%(count)d event", "%(count)d events", 2, count=2))
        entry = stored(said)
        assert str(said) == shown(entry) == "spans.jsonl، السطر 3: حدثين"  # said in Arabic, read in Arabic
    assert entry["msgid"] == "%(where)s: %(message)s" and entry["params"]["where"]["params"]["line"] == 3
    with translation.override("en"):
        assert shown(entry) == "spans.jsonl, line 3: 2 events"
        assert shown([entry, "stored before: a plain string"]) == ["spans.jsonl, line 3: 2 events",
                                                                  "stored before: a plain string"]
        # A translation that no longer fits its parameters falls back to the message id.
        assert shown({"msgid": "%(gone)s and %(where)s", "params": {"where": "x"}}) == "%(gone)s and %(where)s"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_an_export_job_run_in_arabic_is_read_in_english_and_the_other_way(
        client, admin_user, project, annotator, media):
    store(project, "annotator:ann1")
    lossy = Job.objects.create(project=project, kind=jobs.EXPORT,
                               params=dataset.ExportOptions(fmt="conll", sets="annotator:ann1").to_params())
    empty = Job.objects.create(project=project, kind=jobs.EXPORT,
                               params=dataset.ExportOptions(fmt="conll", sets="annotator:nobody").to_params())
    with translation.override("ar"):  # the worker's language
        jobs.execute(lossy.pk)
        jobs.execute(empty.pk)
    client.force_login(admin_user)
    api = client.get(reverse("api:dataset-export-job", args=[project.slug, lossy.pk]),
                     HTTP_ACCEPT_LANGUAGE="en").json()
    assert "1 nested entity (outermost layer kept)" in " ".join(api["warnings"])
    assert "1 nested entity (outermost layer kept)" in " ".join(api["result"]["warnings"])
    api = client.get(reverse("api:dataset-export-job", args=[project.slug, empty.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "nobody has no annotation sets in this project." in api.json()["empty"]
    page = reverse("dataset_export", args=[project.slug])
    with translation.override("ar"):
        nested_ar = ngettext_deferred("%(count)d nested entity (outermost layer kept)",
                                      "%(count)d nested entities (outermost layer kept)", 1, count=1)
    arabic = client.get(page).content.decode()  # pages speak Arabic unless the reader chose English
    assert nested_ar in arabic and "nested entity" not in arabic
    client.cookies["django_language"] = "en"
    english = client.get(page).content.decode()
    assert "1 nested entity (outermost layer kept)" in english and nested_ar not in english
    assert "nobody has no annotation sets in this project." in english


def test_a_failed_archive_import_says_where_in_each_readers_language(
        client, project, full, staff, tmp_path, now):  # noqa: F811 - fixtures
    path = tmp_path / "a.zip"
    export_project(project, path)
    broken = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(broken, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, data.replace(b'"type":"GPE"', b'"type":"NOPE"') if name == "spans.jsonl" else data)
    client.force_login(staff)
    upload = SimpleUploadedFile("a.zip", broken.getvalue(), content_type="application/zip")
    with now():  # the job runs in the page's language, Arabic
        client.post(reverse("archive_import"), {"archive": upload, "slug": "restored"})
    job = Job.objects.get(kind=jobs.ARCHIVE_IMPORT)
    assert job.status == Job.Status.FAILED
    code = job.messages[-1]
    assert code["msgid"] == "%(error)s: %(reason)s" and code["params"]["error"] == "ArchiveError"
    with translation.override("en"):
        english = job.shown_messages[-1]
    with translation.override("ar"):
        arabic = job.shown_messages[-1]
    assert all(part in english for part in ("spans.jsonl, line ", ", field «type»", "refers to \"NOPE\""))
    assert all(part in arabic for part in ("spans.jsonl، السطر ", "، الحقل «type»", "NOPE"))
    client.cookies["django_language"] = "en"
    assert ", field «type»" in client.get(reverse("archive_import")).content.decode()
    api = client.get(reverse("api:archive-import", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 200, api.content
    assert api.json()["messages"][-1] == english and api.json()["message_codes"][-1] == code


def test_a_job_stored_with_plain_strings_still_shows_them(client, admin_user, project):
    job = Job.objects.create(project=project, kind=jobs.PRETAG, status=Job.Status.FAILED,
                             messages=["توقّف العامل الذي كان ينفّذ هذه المهمة مرتين"])
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    assert "توقّف العامل" in client.get(reverse("pretag_job", args=[project.slug, job.pk])).content.decode()
    api = client.get(reverse("api:pretag-job", args=[project.slug, job.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["messages"] == api["message_codes"] == ["توقّف العامل الذي كان ينفّذ هذه المهمة مرتين"]


@pytest.mark.parametrize(("status", "arabic", "english"), [
    (Job.Status.QUEUED, "في الانتظار", "queued"), (Job.Status.RUNNING, "قيد التشغيل", "running"),
    (Job.Status.DONE, "انتهى", "done"), (Job.Status.FAILED, "فشل", "failed")])
def test_a_jobs_state_is_shown_in_the_readers_language(client, admin_user, project, status, arabic, english):
    Job.objects.create(project=project, kind=jobs.PRETAG, status=status, total=1)
    client.force_login(admin_user)
    page = client.get(reverse("pretag_page", args=[project.slug]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"<span class=\"status\">{arabic}</span>" in page
    assert english.capitalize() not in page  # the enum's own English label ("Done") stays out
    with translation.override("en"):
        assert Job.Status(status).label == english
