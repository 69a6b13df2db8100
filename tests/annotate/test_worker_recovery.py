"""A job whose worker dies is not left "running": real worker processes, one killed with
SIGKILL in the middle of a pre-tagging job, and another that takes the job back once its
lease runs out and resumes from the documents not yet done."""
from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models.functions import Now
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from annotate import jobs, workers
from annotate.models import Job, Suggestion, WorkerHeartbeat
from annotate.pretagging.running import CHUNK
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.worker_jobs import HOLD_AFTER, SLOW_PRETAG, SlowTagger
from tests.annotate.workerproc import database_env, start_worker, stop, wait_for

DOCUMENTS = 160  # the first worker is killed after the first chunk (CHUNK documents) is stored
LONG_LEASE = 120  # seconds: far longer than the test, however loaded the machine


@pytest.fixture(autouse=True)
def _slow_pretag(monkeypatch):
    from annotate.pretagging import pipeline

    monkeypatch.setitem(jobs.KINDS, SLOW_PRETAG, "annotate.pretagging.pretag_job")
    monkeypatch.setitem(pipeline.BUILDERS, "slow", lambda project, options: SlowTagger())


@pytest.fixture
def db_queue():
    """Jobs go through the database queue (the suite runs them inline otherwise)."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def job_state(pk):
    return Job.objects.values("status", "done", "total", "attempts", "lease_expires_at").get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_is_resumed_by_another_worker(project, db_queue, tmp_path):
    add_documents(project, [DocumentRecord(external_id=f"w{i}", text=f"سليم{i} وصل إلى حمص") for i in range(DOCUMENTS)])
    job = jobs.start(project, SLOW_PRETAG, params={"taggers": ["slow"]})
    # Nothing here depends on how fast the machine is: the first worker stores one chunk and
    # then holds (it cannot finish before the kill), and the leases are long enough that no
    # live worker loses its job to a starved heartbeat; the kill is the only death.
    first = start_worker(tmp_path / "first.log", extra_env={**database_env(), HOLD_AFTER: str(CHUNK)},
                         job_lease_seconds=LONG_LEASE)
    second = None
    try:
        wait_for(lambda: job_state(job.pk)["done"] >= CHUNK, timeout=90, what="the first chunk to be stored")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = job_state(job.pk)
        assert killed_at["status"] == Job.Status.RUNNING and killed_at["done"] == CHUNK
        assert killed_at["lease_expires_at"] is not None  # held under a lease that nobody renews now
        # The dead worker's lease, heartbeat and task run out now rather than in LONG_LEASE seconds.
        an_hour_ago = Now() - timedelta(hours=1)
        Job.objects.filter(pk=job.pk).update(lease_expires_at=an_hour_ago)
        WorkerHeartbeat.objects.update(beat_at=an_hour_ago)
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(started_at=an_hour_ago)

        second = start_worker(tmp_path / "second.log", job_lease_seconds=LONG_LEASE)
        wait_for(lambda: job_state(job.pk)["status"] == Job.Status.DONE, timeout=90,
                 what="the second worker to finish the job (log: %s)" % (tmp_path / "second.log"))
        # django-tasks' record of the killed worker's task is failed by the same heartbeat.
        wait_for(lambda: not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists(), timeout=30,
                 what="the killed worker's task to be marked failed")
    finally:
        stop(first)
        if second is not None:
            stop(second)
    job.refresh_from_db()
    assert job.attempts == 2 and (job.done, job.total) == (DOCUMENTS, DOCUMENTS)
    # Resumed: the second attempt tagged only the documents the first had not stored.
    assert job.result["documents"] == DOCUMENTS - killed_at["done"]
    # Each reader sees the messages in their own language, not in the worker's (the site's).
    for language in ("ar", "en"):
        with translation.override(language):
            stopped = gettext("The worker running this job stopped (attempt %(attempt)d of %(attempts)d); "
                              "the job was queued again.") % {"attempt": 1,
                                                               "attempts": settings.TAWSIM_JOB_MAX_ATTEMPTS}
            resumed = ngettext("resumed after %(done)d document already pre-tagged",
                               "resumed after %(done)d documents already pre-tagged", killed_at["done"]) % {
                                   "done": killed_at["done"]}
            assert stopped in job.shown_messages and resumed in job.shown_messages, language
    tagged = Suggestion.objects.filter(document__project=project, tagger="slow")
    assert tagged.values("document").distinct().count() == DOCUMENTS == tagged.count()
    # django-tasks' record of the killed worker's task is not left running either.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1


def make_running_job(project, *, attempts, lease_seconds_ago):
    from datetime import timedelta

    from django.utils import timezone

    return Job.objects.create(
        project=project, kind=SLOW_PRETAG, status=Job.Status.RUNNING, attempts=attempts, worker="gone",
        lease_expires_at=timezone.now() - timedelta(seconds=lease_seconds_ago), done=3, total=9)


def test_an_orphaned_job_on_its_last_attempt_is_failed_with_a_message_the_page_shows(
        project, admin_user, client, settings):
    settings.TAWSIM_JOB_MAX_ATTEMPTS = 2
    orphan = make_running_job(project, attempts=2, lease_seconds_ago=1)
    held = make_running_job(project, attempts=1, lease_seconds_ago=-60)  # its worker still renews
    assert workers.recover_orphaned_jobs() == [orphan.pk]
    orphan.refresh_from_db()
    held.refresh_from_db()
    assert orphan.status == Job.Status.FAILED and orphan.finished_at is not None
    assert "stopped 2 times" in orphan.shown_messages[-1]
    assert held.status == Job.Status.RUNNING
    Job.objects.filter(pk=orphan.pk).update(kind=jobs.PRETAG)
    client.force_login(admin_user)
    url = reverse("pretag_job", args=[project.slug, orphan.pk])
    with translation.override("ar"):
        arabic = ngettext(
            "The worker running this job stopped %(attempts)d time; the job was abandoned. Start it again.",
            "The worker running this job stopped %(attempts)d times; the job was abandoned. Start it again.",
            2) % {"attempts": 2}
    assert arabic in client.get(url).content.decode()  # the page's language, Arabic unless chosen otherwise
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url)
    assert "stopped 2 times" in page.content.decode() and b"every 1s" not in page.content


def test_an_orphaned_job_with_attempts_left_is_queued_again(project, django_capture_on_commit_callbacks, settings):
    orphan = make_running_job(project, attempts=1, lease_seconds_ago=1)
    with django_capture_on_commit_callbacks() as callbacks:
        workers.recover_orphaned_jobs()
    orphan.refresh_from_db()
    assert orphan.status == Job.Status.QUEUED and orphan.done == 3 and len(callbacks) == 1
    assert "attempt 1 of 3" in orphan.shown_messages[-1]


def test_a_job_already_claimed_is_not_run_twice(project, settings):
    running = make_running_job(project, attempts=1, lease_seconds_ago=-60)
    jobs.execute(running.pk)  # a duplicate task for a job another worker holds
    running.refresh_from_db()
    assert (running.status, running.attempts, running.done) == (Job.Status.RUNNING, 1, 3)


def test_heartbeats_tell_when_a_worker_last_beat(db):
    assert workers.last_heartbeat() is None
    workers.beat("w-1")
    first = workers.last_heartbeat()
    workers.beat("w-1")
    assert workers.last_heartbeat() >= first and WorkerHeartbeat.objects.count() == 1
