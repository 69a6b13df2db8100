"""An export that loses data says so, on the page and in the API; an export that would be
empty says why instead of offering a file of 0 bytes; the sets are chosen from a list of
the project's annotators, and the API still takes `annotator:NAME`."""
from __future__ import annotations

import io

import pytest
from django.urls import reverse

from annotate import dataset
from annotate.models import Job
from corpus import importing
from corpus.formats import WRITERS
from tests.annotate.test_dataset_roundtrip import sample_record


def page(project) -> str:
    return reverse("dataset_export", args=[project.slug])


def store(project, into: str) -> None:
    data = b"".join(WRITERS["tawsim"].write([sample_record(n) for n in range(1, 3)]))
    sink = dataset.sinks(project, dataset.parse_target(project, into))("in")
    assert importing.import_stream(project, io.BytesIO(data), "in.jsonl", "tawsim", sink=sink).errors == []


@pytest.fixture
def admin(client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_lossy_download_is_prepared_with_its_warnings_beside_the_link(
        admin, project, django_capture_on_commit_callbacks):
    store(project, "gold")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(page(project), {"format": "conll", "sets": "gold", "action": "download"})
    assert response.status_code == 200 and not response.streaming  # no silent file
    assert "can leave annotations out" in response.content.decode()
    job = Job.objects.get(project=project)
    assert job.status == Job.Status.DONE and job.result["warning_count"] > 0
    html = admin.get(page(project)).content.decode()
    link = reverse("dataset_export_download", args=[project.slug, job.pk])
    result_cell = html[html.index(link):]
    assert "The format left something out" in result_cell and "1 nested entity (outermost layer kept)" in result_cell


def test_a_lossless_download_still_streams(admin, project):
    store(project, "gold")
    response = admin.post(page(project), {"format": "tawsim", "sets": "gold", "action": "download"})
    assert response.streaming and not Job.objects.exists()


@pytest.mark.parametrize("action", ["download", "job"])
def test_an_export_without_gold_sets_says_why_instead_of_giving_an_empty_file(admin, project, annotator, action):
    store(project, "annotator:ann1")
    response = admin.post(page(project), {"format": "tawsim", "sets": "gold", "action": action})
    assert response.status_code == 200 and not response.streaming
    assert "no gold sets yet" in response.content.decode() and not Job.objects.exists()


def test_a_refusal_from_the_background_button_replaces_the_form_not_the_jobs(admin, project):
    response = admin.post(page(project), {"format": "tawsim", "sets": "gold", "action": "job"},
                          HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == "#export-form-card" and "no gold sets yet" in response.content.decode()


def test_the_sets_are_a_list_of_the_projects_annotators(admin, project, annotator, other_annotator):
    store(project, "annotator:ann1")
    html = admin.get(page(project)).content.decode()
    assert '<select name="sets"' in html and 'type="text" dir="ltr" name="sets"' not in html
    assert 'value="annotator:ann1"' in html and 'value="annotator:ann2"' in html
    assert "\u2068ann1\u2069 · 2 documents" in html and "\u2068ann2\u2069 · 0 documents" in html
    response = admin.post(page(project), {"format": "tawsim", "sets": "annotator:ann1", "action": "download"})
    assert response.streaming and b"doc-1" in b"".join(response.streaming_content)


def test_the_api_refuses_an_empty_export_and_lists_a_jobs_warnings(
        admin, project, annotator, django_capture_on_commit_callbacks):
    store(project, "annotator:ann1")
    url = reverse("api:dataset-export", args=[project.slug])
    refused = admin.get(url, {"file_format": "conll", "sets": "gold"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "no gold sets yet" in refused.content.decode()
    assert admin.get(url, {"file_format": "conll", "sets": "annotator:ann1"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.post(reverse("api:dataset-export-jobs", args=[project.slug]),
                             {"format": "conll", "sets": "annotator:ann1"}, content_type="application/json")
    assert started.status_code == 202
    job = admin.get(reverse("api:dataset-export-job", args=[project.slug, started.json()["id"]])).json()
    assert job["status"] == "done" and job["warning_count"] == len(job["warnings"]) > 0
    assert any("nested entity (outermost layer kept)" in warning for warning in job["warnings"])


def test_a_job_whose_sets_went_away_says_why_its_file_is_empty(admin, project, annotator):
    store(project, "annotator:ann1")
    job = Job.objects.create(project=project, kind="export",
                             params=dataset.ExportOptions(fmt="conll", sets="annotator:nobody").to_params())
    result = dataset.export_job(job, lambda done, total: None)
    assert result["documents"] == 0 and "nobody has no annotation sets" in result["empty"]
    job.status, job.result = Job.Status.DONE, result
    job.save()
    html = admin.get(page(project)).content.decode()
    assert "nobody has no annotation sets" in html
    assert reverse("dataset_export_download", args=[project.slug, job.pk]) not in html
