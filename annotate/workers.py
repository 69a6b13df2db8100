"""Worker heartbeats and job leases: nothing stays "running" after its worker is gone.

A worker process (`manage.py run_worker`) beats every TAWSIM_WORKER_HEARTBEAT_SECONDS,
idle or busy, and renews the lease of each job it is running for TAWSIM_JOB_LEASE_SECONDS.
Any worker's beat also looks for jobs whose lease ran out: their worker died (kill -9,
OOM, host lost), so the job is queued again (its work resumes where it can, e.g.
pre-tagging from the documents not done) or, after TAWSIM_JOB_MAX_ATTEMPTS, marked failed
with a message the page shows. Times are the database's clock, so hosts need not agree.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.db.models.functions import Now

from annotate.models import Job, WorkerHeartbeat
from corpus.deferred_text import gettext_deferred, ngettext_deferred, stored

log = logging.getLogger(__name__)

_current_worker: str = ""  # set by run_worker in the worker process; "" when jobs run inline
_running: set[int] = set()  # jobs this process is running now: only their leases are renewed
_lock = threading.Lock()


class JobLost(Exception):
    """This process's lease on a job ran out and the job was taken back: stop working on it."""


def lease() -> timedelta:
    return timedelta(seconds=settings.TAWSIM_JOB_LEASE_SECONDS)


def set_current_worker(worker_id: str) -> None:
    global _current_worker
    _current_worker = worker_id


def beat(worker_id: str | None = None) -> None:
    """Record that this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id or _current_worker or f"{socket.gethostname()}:{os.getpid()}",
        defaults={"beat_at": Now(), "hostname": socket.gethostname()[:255], "pid": os.getpid()},
    )


def last_heartbeat() -> datetime | None:
    """When any worker last beat (None: no worker has ever run)."""
    return WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]


# Jobs ---------------------------------------------------------------------------------

def claim(job_id: int) -> int | None:
    """Mark a queued job running under this process and return its attempt number, or
    None when it is not queued (done, failed, or another worker holds it)."""
    leased = {"lease_expires_at": Now() + lease()} if _current_worker else {"lease_expires_at": None}
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, worker=_current_worker, **leased)
    if not claimed:
        return None
    with _lock:
        _running.add(job_id)
    return Job.objects.values_list("attempts", flat=True).get(pk=job_id)


def release(job_id: int) -> None:
    with _lock:
        _running.discard(job_id)


def renew_leases(worker_id: str) -> int:
    with _lock:
        running = list(_running)
    if not running:
        return 0
    return Job.objects.filter(pk__in=running, worker=worker_id, status=Job.Status.RUNNING).update(
        lease_expires_at=Now() + lease())


def recover_orphaned_jobs() -> list[int]:
    """Requeue (or fail, after too many attempts) the jobs whose lease ran out; return their ids."""
    from annotate.jobs import run_job_task  # annotate.jobs imports this module

    recovered = []
    with transaction.atomic():
        orphans = Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.RUNNING, lease_expires_at__lt=Now())
        for job in orphans:
            recovered.append(job.pk)
            if job.attempts < settings.TAWSIM_JOB_MAX_ATTEMPTS:
                job.status = Job.Status.QUEUED
                job.messages = [*job.messages, stored(gettext_deferred(
                    "The worker running this job stopped (attempt %(attempt)d of %(attempts)d); "
                    "the job was queued again.", attempt=job.attempts,
                    attempts=settings.TAWSIM_JOB_MAX_ATTEMPTS))]
                transaction.on_commit(lambda pk=job.pk: run_job_task.enqueue(pk))
            else:
                job.status = Job.Status.FAILED
                job.finished_at = Now()
                job.messages = [*job.messages, stored(ngettext_deferred(
                    "The worker running this job stopped %(attempts)d time; the job was abandoned. Start it again.",
                    "The worker running this job stopped %(attempts)d times; the job was abandoned. Start it again.",
                    job.attempts, attempts=job.attempts))]
            job.lease_expires_at = None
            job.save(update_fields=["status", "messages", "lease_expires_at", "finished_at"])
            log.warning("job %s lost its worker %s (attempt %s)", job.pk, job.worker, job.attempts)
    _fail_orphaned_tasks()
    return recovered


def _fail_orphaned_tasks() -> None:
    """django-tasks' own records of tasks claimed by a dead worker stay "running": mark
    them failed, and queue again the job of one that died before the job was claimed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from annotate.jobs import run_job_task

    alive_since = Now() - lease()
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=alive_since).values_list("worker_id", flat=True))
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=alive_since)
        for task in stale:
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            DBTaskResult.objects.filter(pk=task.pk).update(
                status=TaskResultStatus.FAILED, finished_at=Now(),
                exception_class_path=f"{JobLost.__module__}.WorkerLost", traceback="the worker stopped")
            args = (task.args_kwargs or {}).get("args") or []
            if task.task_path.endswith("run_job_task") and args:
                # attempts=0: the worker died between taking the task and claiming the job
                # (a job it did claim is queued again by recover_orphaned_jobs).
                if Job.objects.filter(pk=args[0], status=Job.Status.QUEUED, attempts=0).exists():
                    transaction.on_commit(lambda pk=args[0]: run_job_task.enqueue(pk))


def tick(worker_id: str) -> None:
    """One heartbeat: say we are alive, keep our jobs, take back the jobs of the dead."""
    beat(worker_id)
    renew_leases(worker_id)
    recover_orphaned_jobs()
    WorkerHeartbeat.objects.filter(beat_at__lt=Now() - timedelta(days=1)).delete()


def heartbeat_forever(worker_id: str, stop: threading.Event) -> None:
    """The worker's heartbeat thread: tick, and survive the database going away."""
    while not stop.is_set():
        try:
            tick(worker_id)
        except Exception as error:  # the database is down or restarting: try again next beat
            log.warning("worker %s: heartbeat failed: %s", worker_id, error, exc_info=log.isEnabledFor(logging.DEBUG))
        finally:
            connection.close()  # this thread's own connection; reopened on the next beat
        stop.wait(settings.TAWSIM_WORKER_HEARTBEAT_SECONDS)
