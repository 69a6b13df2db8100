"""Background jobs with visible progress.

A Job row is what pages and the API poll; the work itself is a plain function
`work(job, progress) -> result dict`, run by a django-tasks worker (`manage.py db_worker`),
or inline where a caller (a CLI command, a test) wants it now.

A job's `kind` is a short stable name from KINDS, never a module path: stored jobs outlive
the layout of the code, so a work function can move by changing one line here.

What a job says (its messages, the texts in its result, a failure's reason) is written as
corpus.deferred_text DeferredTexts and stored as message ids with their parameters, so
each reader sees it in their own language (Job.shown_messages, Job.shown_result), not in
the worker's.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from annotate import workers
from annotate.models import Job
from corpus.deferred_text import DeferredText, gettext_deferred, stored, text_of

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # progress(done, total): how every job's work reports


EXPORT = "export"
PRETAG = "pretag"
RETRAIN = "retrain"
AGREEMENT = "agreement"
ARCHIVE_EXPORT = "archive_export"
ARCHIVE_IMPORT = "archive_import"
NER_INSTALL = "ner_install"

# kind -> dotted path of its work function, imported only when a job runs (the worker
# need not have imported the feature's module, and no import cycle is possible).
KINDS = {
    EXPORT: "annotate.dataset.exporting.export_job",
    PRETAG: "annotate.pretagging.pretag_job",
    RETRAIN: "annotate.pretagging.retrain_job",
    AGREEMENT: "annotate.agreement.jobs.compute_project",
    ARCHIVE_EXPORT: "annotate.archive.jobs.export_job",
    ARCHIVE_IMPORT: "annotate.archive.jobs.import_job",
    NER_INSTALL: "annotate.pretagging.ner_model.install_job",
}


class UnknownJobKind(ValueError):
    pass


def _work(kind: str) -> Callable[[Job, Progress], dict]:
    if kind not in KINDS:
        raise UnknownJobKind(f"unknown job kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    return import_string(KINDS[kind])


def start(project, kind: str, *, user=None, params: dict | None = None) -> Job:
    """Create a queued job and hand it to the worker once the transaction commits.
    `kind` is a name in KINDS."""
    _work(kind)
    job = Job.objects.create(project=project, kind=kind, params=params or {}, created_by=user)
    transaction.on_commit(lambda: run_job_task.enqueue(job.pk))
    return job


def run_now(project, kind: str, *, user=None, params: dict | None = None) -> Job:
    """Run a job inline (CLI commands), still recorded as a Job."""
    _work(kind)
    job = Job.objects.create(project=project, kind=kind, params=params or {}, created_by=user)
    execute(job.pk)
    job.refresh_from_db()
    return job


@task()
def run_job_task(job_id: int) -> None:
    execute(job_id)


def execute(job_id: int) -> None:
    """Run a queued job once. A job already running elsewhere, done or failed is left
    alone, so running a task twice is harmless; a worker whose lease was taken back
    (annotate.workers) stops at its next progress report and writes nothing more."""
    attempt = workers.claim(job_id)
    if attempt is None:
        return
    job = Job.objects.get(pk=job_id)
    mine = Job.objects.filter(pk=job_id, attempts=attempt, status=Job.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        if not mine.update(done=done, total=total):
            raise workers.JobLost(job_id)

    try:
        result = _work(job.kind)(job, progress)
    except workers.JobLost:
        log.warning("job %s (%s) was taken over by another worker", job_id, job.kind)
        return
    except Exception as error:  # a job reports its failure instead of dying silently
        log.exception("job %s (%s) failed", job_id, job.kind)
        mine.update(
            status=Job.Status.FAILED, finished_at=timezone.now(), lease_expires_at=None,
            messages=Job.objects.get(pk=job_id).messages + [stored(failure_message(error))],
            result={"traceback": traceback.format_exc(limit=5)},
        )
        return
    finally:
        workers.release(job_id)
    mine.update(status=Job.Status.DONE, finished_at=timezone.now(), lease_expires_at=None,
                result=stored(result or {}))


def failure_message(error: Exception) -> str:
    """What a failed job says: the error's kind and its reason (deferred when it is)."""
    reason = text_of(error)
    if isinstance(reason, DeferredText):
        return gettext_deferred("%(error)s: %(reason)s", error=type(error).__name__, reason=reason)
    return f"{type(error).__name__}: {error}"
