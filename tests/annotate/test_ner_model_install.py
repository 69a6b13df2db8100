"""The pre-tagging page's "Install the NER model" button and its API: a background job
with progress, a clear failure where the download site cannot be reached (a closed port
on this machine), the model found once its folder is there; project admins see the
state, site staff install (the model serves the whole server)."""
from __future__ import annotations

import re
import sys
import threading
import time

import pytest
from django.urls import reverse

from annotate import jobs
from annotate.models import Job
from annotate.pretagging.ner_model import NER_INSTALL_JOB, InstallAlreadyRunning, start_ner_install
from tests.corpus.test_ner_install import closed_port, download_site, tiny_model_zip  # noqa: F401 - a fixture

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def camel_data(tmp_path, monkeypatch):
    """camel-tools' data folder for this test. camel-tools fixes its folder when its data
    module is first imported (another test may have), so that value is set too."""
    folder = tmp_path / "camel_data"
    monkeypatch.setenv("CAMELTOOLS_DATA", str(folder))
    catalogue = sys.modules.get("camel_tools.data.catalogue")
    if catalogue is not None:
        monkeypatch.setattr(catalogue, "CT_DATA_DIR", folder)
    return folder


@pytest.fixture
def staff_admin(admin_user):
    """A project admin who is also site staff: who may install the server's model."""
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


def put_model_by_hand(camel_data):
    folder = camel_data / "data" / "ner" / "arabert"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"id2label": {"0": "O", "1": "B-PERS"}}', encoding="utf-8")
    return folder


@pytest.fixture
def unreachable(settings):
    settings.TAWSIM_NER_CATALOGUE_URL = url = f"http://127.0.0.1:{closed_port()}/catalogue-1.6.json"
    settings.TAWSIM_DOWNLOAD_TIMEOUT = 5
    return url


def page(client, project) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("pretag_page", args=[project.slug]))
    assert response.status_code == 200
    return response.content.decode()


def ner_block(html: str) -> str:
    return html[html.index('id="ner-model"'):html.index('class="install-ner"')]


def test_the_button_starts_a_job_that_fails_clearly_when_the_site_is_unreachable(
        client, admin_user, staff_admin, project, camel_data, unreachable, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    html = page(client, project)
    assert 'id="install-ner"' in html and reverse("pretag_install_ner", args=[project.slug]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pretag_install_ner", args=[project.slug]), **HTMX)
    assert response.status_code == 200 and "Installing the NER model" in response.content.decode()
    job = Job.objects.get(kind=NER_INSTALL_JOB)
    assert job.project == project and job.created_by == admin_user and job.status == Job.Status.FAILED
    reason = job.shown_messages[-1]
    assert unreachable in reason and "ConnectionError" in reason and "TAWSIM_MODEL_DIRS" in reason
    # The page says it is not installed, and why the last attempt failed; the tagger stays off.
    block = ner_block(page(client, project))
    assert "Not installed." in block and "The last attempt to install it" in block
    assert unreachable in block and 'id="install-ner"' in block  # one may try again
    html = page(client, project)
    box = re.search(r'<input type="checkbox" name="taggers" value="camel_ner"[^>]*>', html).group(0)
    assert "disabled" in box and "checked" not in box
    # The job's own progress card shows the failure too.
    card = client.get(reverse("pretag_job", args=[project.slug, job.pk]), **HTMX).content.decode()
    assert "TAWSIM_MODEL_DIRS" in card and "hx-trigger" not in card  # done polling


def test_the_job_installs_the_model_from_a_reachable_site_with_progress(
        client, admin_user, staff_admin, project, camel_data, settings, tmp_path, tiny_model_zip,  # noqa: F811
        django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with download_site(tmp_path, tiny_model_zip) as url:
        settings.TAWSIM_NER_CATALOGUE_URL = url
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("pretag_install_ner", args=[project.slug]))
    job = Job.objects.get(kind=NER_INSTALL_JOB)
    size = tiny_model_zip.stat().st_size
    assert (job.status, job.done, job.total) == (Job.Status.DONE, size, size)
    assert job.result["path"] == str((camel_data / "data" / "ner" / "arabert").resolve())
    html = page(client, project)
    block = ner_block(html)
    assert "Installed at" in block and 'id="install-ner"' not in block and 'id="reinstall-ner"' in block
    row = html[html.index('id="tagger-camel_ner"'):]
    assert "not installed" not in row[:row.index("</tr>")]


def test_a_model_folder_put_there_by_hand_is_detected(client, admin_user, project, camel_data):
    folder = put_model_by_hand(camel_data)
    client.force_login(admin_user)
    block = ner_block(page(client, project))
    assert "Installed at" in block and str(folder) in block and 'id="install-ner"' not in block
    state = client.get(f"/api/projects/{project.slug}/pretag/ner-model/").json()
    assert state["installed"] is True and state["path"] == str(folder) and state["detail"] == ""


def test_a_missing_model_is_reported_by_the_api_with_how_to_install_it(client, admin_user, project, camel_data):
    client.force_login(admin_user)
    state = client.get(f"/api/projects/{project.slug}/pretag/ner-model/").json()
    assert state["installed"] is False and "camel_data -i ner-arabert" in state["detail"]
    assert state["running"] is None and state["last_failure"] == ""


@pytest.mark.parametrize("who", ["annotator", "reviewer", "outsider"])
def test_only_project_admins_may_install(client, project, camel_data, unreachable, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("pretag_install_ner", args=[project.slug])).status_code == 404
    assert client.post(f"/api/projects/{project.slug}/pretag/ner-model/").status_code in (403, 404)
    assert client.get(f"/api/projects/{project.slug}/pretag/ner-model/").status_code in (403, 404)
    assert not Job.objects.exists()


def test_one_installation_at_a_time(client, admin_user, staff_admin, project, camel_data, unreachable):
    client.force_login(admin_user)
    first = client.post(f"/api/projects/{project.slug}/pretag/ner-model/")  # queued: the worker has not run it
    assert first.status_code == 202 and first.json()["kind"] == NER_INSTALL_JOB
    second = client.post(f"/api/projects/{project.slug}/pretag/ner-model/")
    assert second.status_code == 409 and second.json()["job"] == first.json()["id"]
    client.cookies["django_language"] = "en"
    notice = client.post(reverse("pretag_install_ner", args=[project.slug]), **HTMX).content.decode()
    assert "already being installed" in notice
    assert Job.objects.filter(kind=NER_INSTALL_JOB).count() == 1
    block = ner_block(page(client, project))
    assert "Being installed now" in block and 'id="install-ner"' not in block
    job = client.get(f"/api/projects/{project.slug}/pretag/jobs/{first.json()['id']}/").json()
    assert job["status"] == "queued"


def test_a_project_admin_who_is_not_staff_sees_the_state_but_may_not_install(
        client, admin_user, project, camel_data, unreachable):
    client.force_login(admin_user)
    block = ner_block(page(client, project))
    assert "Not installed." in block and "A site administrator installs the NER model" in block
    assert 'id="install-ner"' not in block
    assert client.get(f"/api/projects/{project.slug}/pretag/ner-model/").json()["installed"] is False
    assert client.post(f"/api/projects/{project.slug}/pretag/ner-model/").status_code == 403
    assert client.post(reverse("pretag_install_ner", args=[project.slug])).status_code == 403
    assert not Job.objects.exists()


def test_an_installed_model_is_reinstalled_only_when_asked(client, admin_user, staff_admin, project, camel_data,
                                                           unreachable):
    put_model_by_hand(camel_data)
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    api = f"/api/projects/{project.slug}/pretag/ner-model/"
    refused = client.post(api)
    assert refused.status_code == 409 and "already installed" in refused.json()["detail"]
    notice = client.post(reverse("pretag_install_ner", args=[project.slug]), **HTMX).content.decode()
    assert "already installed" in notice
    assert not Job.objects.exists()
    assert client.post(reverse("pretag_install_ner", args=[project.slug]), {"reinstall": "yes"},
                       **HTMX).status_code == 200
    assert Job.objects.filter(kind=NER_INSTALL_JOB).count() == 1
    Job.objects.all().delete()
    assert client.post(api, {"force": "true"}).status_code == 202


def test_an_installation_started_from_another_project_is_named_so(client, admin_user, project, camel_data,
                                                                   unreachable):
    from corpus.presets import create_project_from_preset

    elsewhere = create_project_from_preset("مشروع آخر", slug="other-news", preset="news-ar")
    start_ner_install(elsewhere)
    client.force_login(admin_user)
    block = ner_block(page(client, project))
    assert "started from another project" in block and "its progress shows above" not in block


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_queue_one_installation(project, camel_data, unreachable, monkeypatch, settings):
    """Two threads (two database connections) start an installation together; job
    creation is slowed so both would pass an unlocked "none running" check. No worker
    runs the job (a dummy task backend), so the first stays queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    create = jobs.start

    def slow_start(*args, **kwargs):
        time.sleep(0.5)
        return create(*args, **kwargs)

    monkeypatch.setattr(jobs, "start", slow_start)
    outcomes, barrier = [], threading.Barrier(2)

    def attempt():
        from django.db import connection
        try:
            barrier.wait()
            start_ner_install(project)
            outcomes.append("queued")
        except InstallAlreadyRunning:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["queued", "refused"]
    assert Job.objects.filter(kind=NER_INSTALL_JOB).count() == 1
