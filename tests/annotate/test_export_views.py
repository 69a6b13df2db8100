"""Exports from the page, the API and the CLI: who may, streamed downloads, background
jobs and their downloads (tied to the project in the URL), splits with a seed."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from annotate import dataset
from annotate.models import Job, Span
from corpus import importing
from corpus.formats import WRITERS
from corpus.models import Membership, Role
from corpus.presets import create_project_from_preset
from tests.annotate.test_dataset_roundtrip import sample_record


@pytest.fixture
def filled(project, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    data = b"".join(WRITERS["tawsim"].write([sample_record(n) for n in range(1, 5)]))
    sink = dataset.sinks(project, dataset.parse_target(project, "gold"))("in")
    assert importing.import_stream(project, io.BytesIO(data), "in.jsonl", "tawsim", sink=sink).errors == []
    return project


def page(project) -> str:
    return reverse("dataset_export", args=[project.slug])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("who", ["annotator", "reviewer", "outsider"])
def test_only_admins_see_the_export_page(client, filled, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(filled)).status_code == 404
    assert client.post(page(filled), {"format": "tawsim", "sets": "gold"}).status_code == 404


def test_download_now_streams_the_chosen_format(client, filled, admin_user):
    client.force_login(admin_user)
    assert client.get(page(filled)).status_code == 200
    response = client.post(page(filled), {"format": "tawsim", "sets": "gold", "with_meta": "on", "action": "download"})
    assert response.status_code == 200 and response.streaming
    assert 'filename="test-news-gold-tawsim.jsonl"' in response["Content-Disposition"]
    lines = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [line["external_id"] for line in lines] == ["doc-1", "doc-2", "doc-3", "doc-4"]


def test_a_bad_split_is_refused_on_the_form(client, filled, admin_user, settings):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(page(filled), {"format": "conll", "sets": "gold", "split": "80,30,10", "action": "download"})
    assert response.status_code == 200 and "adding up to 100" in response.content.decode()


def test_a_background_export_offers_its_file_to_the_projects_admins_only(
        client, filled, admin_user, annotator, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page(filled), {"format": "conll", "sets": "gold", "action": "job"})
    job = Job.objects.get(project=filled)
    assert job.status == Job.Status.DONE and job.result["documents"] == 4
    download = reverse("dataset_export_download", args=[filled.slug, job.pk])
    assert "-DOCSTART-\tdoc-1" in body(client.get(download)).decode()
    assert download in client.get(page(filled)).content.decode()
    # Another project's admin cannot reach it through their own project's URL.
    other = create_project_from_preset("آخر", slug="other", preset="news-ar")
    Membership.objects.create(project=other, user=admin_user, role=Role.ADMIN)
    assert client.get(reverse("dataset_export_download", args=[other.slug, job.pk])).status_code == 404
    client.force_login(annotator)
    assert client.get(download).status_code == 404


def test_the_api_streams_an_export_for_admins(client, filled, admin_user, annotator):
    url = reverse("api:dataset-export", args=[filled.slug])
    client.force_login(annotator)
    assert client.get(url, {"file_format": "conll"}).status_code in (403, 404)
    client.force_login(admin_user)
    response = client.get(url, {"file_format": "conll", "ids": ",".join(str(d.pk) for d in filled.documents.all()[:2])})
    assert response.status_code == 200, response.content
    assert body(response).decode().count("-DOCSTART-") == 2


def test_the_api_runs_export_jobs(client, filled, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:dataset-export-jobs", args=[filled.slug]),
                               {"format": "brat", "sets": "gold"}, content_type="application/json")
    assert response.status_code == 202
    job = client.get(reverse("api:dataset-export-job", args=[filled.slug, response.json()["id"]])).json()
    assert job["status"] == "done" and job["download"].endswith(f"/export/jobs/{job['id']}/download/")
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(job["download"]))))
    assert "annotation.conf" in archive.namelist() and "doc-4.ann" in archive.namelist()


def test_the_api_imports_annotated_files(client, project, admin_user):
    client.force_login(admin_user)
    line = json.dumps({"text": "زار الوفد دمشق", "label": [[10, 14, "GPE"]]}, ensure_ascii=False)
    upload = SimpleUploadedFile("d.jsonl", line.encode())
    response = client.post(reverse("api:dataset-import", args=[project.slug]),
                           {"files": [upload], "format": "doccano", "into": "gold"})
    assert response.status_code == 200, response.content
    assert response.json()["files"][0]["annotations"] == {"spans": 1}
    assert Span.objects.get().entity_type.key == "GPE"


def test_the_import_page_takes_a_target_and_a_mapping(client, project, admin_user):
    client.force_login(admin_user)
    line = json.dumps({"text": "زار الوفد دمشق", "label": [[10, 14, "City"]]}, ensure_ascii=False)
    response = client.post(reverse("import_documents", args=[project.slug]), {
        "files": [SimpleUploadedFile("d.jsonl", line.encode())], "format": "doccano", "into": "gold",
        "type_map": "City=GPE"})
    assert response.status_code == 200
    assert Span.objects.get().entity_type.key == "GPE"


def test_the_command_writes_a_reproducible_split(filled, tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    call_command("export", filled.slug, "--format", "conll", "-o", str(first), "--split", "50,50,0", "--seed", "4")
    call_command("export", filled.slug, "--format", "conll", "-o", str(second), "--split", "50,50,0", "--seed", "4")
    assert first.read_bytes() == second.read_bytes()
    archive = zipfile.ZipFile(first)
    assert archive.namelist() == ["train.conll", "dev.conll"]
    counts = [archive.read(name).decode().count("-DOCSTART-") for name in archive.namelist()]
    assert counts == [2, 2]


def test_suggestions_export_with_tagger_and_score(filled, tmp_path):
    data = b"".join(WRITERS["tawsim"].write([sample_record(9)]))
    sink = dataset.sinks(filled, dataset.parse_target(filled, "suggestions"))("s")
    assert importing.import_stream(filled, io.BytesIO(data), "s.jsonl", "tawsim", sink=sink).errors == []
    out = tmp_path / "s.jsonl"
    call_command("export", filled.slug, "--sets", "suggestions", "-o", str(out))
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    entities = {(e["type"], e["tagger"], e["score"]) for e in line["entities"]}
    assert entities == {("PER", "import", 1.0), ("GPE", "import", 1.0)}
    assert line["events"][0]["tagger"] == "import"
