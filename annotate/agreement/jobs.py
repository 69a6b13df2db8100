"""Agreement as a background job, cached until the sets change.

The cache is the Job row itself: a finished job of kind PROJECT_JOB keeps
{"key": state key, "report": ...} in Job.result, where the state key
(annotate.agreement.data.state_key) moves whenever a counted set does. A page asks
:func:`project_report`: the cached report if the key still matches; otherwise small
projects are computed inline (still recorded as a Job) and large ones get a background
job, which the page polls.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from annotate import jobs
from annotate.agreement import data, metrics
from annotate.models import Job
from corpus.models import Project
from corpus.text.tokens import camel_spans, fixed_spans

PROJECT_JOB = jobs.AGREEMENT
# Up to this many counted sets the figures are computed within the request (well under
# a second); above it, by the worker.
INLINE_SETS = 600
# A queued or running job older than this is presumed lost (a worker that died).
STALE_AFTER = timedelta(hours=1)


def token_offsets(text: str) -> list[tuple[int, int]]:
    """The offsets of corpus.text.arabic.tokenize's tokens (camel-tools' tokens with the
    project's fixes), without building a Token per word: the same tokens, faster."""
    return fixed_spans(text, camel_spans(text))


def compute(project: Project, document_id: int | None = None, progress=None) -> dict:
    """The report for a project or one of its documents, computed now."""
    loaded = data.load(project, document_id)
    return metrics.report(loaded.documents, loaded.entity_types, token_offsets, progress)


def compute_project(job: Job, progress) -> dict:
    """Job work: the project's report, stored under the state key it was computed from."""
    key = data.state_key(job.project)
    result = {"key": key, "report": compute(job.project, progress=progress)}
    # One cached report per project is enough: older ones can only be stale.
    Job.objects.filter(project=job.project, kind=PROJECT_JOB, status=Job.Status.DONE).exclude(pk=job.pk).delete()
    return result


@dataclass
class ProjectReport:
    report: dict | None  # None while a job computes it
    job: Job | None


def cached(project: Project, key: str) -> Job | None:
    return (
        Job.objects.filter(project=project, kind=PROJECT_JOB, status=Job.Status.DONE, result__key=key)
        .order_by("-created_at").first()
    )


def pending(project: Project, key: str) -> Job | None:
    return (
        Job.objects.filter(
            project=project, kind=PROJECT_JOB, params__key=key,
            status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
            created_at__gte=timezone.now() - STALE_AFTER,
        ).order_by("-created_at").first()
    )


def project_report(project: Project, user=None, *, inline: bool = False, start: bool = True) -> ProjectReport:
    """The project's report from the cache, computed inline (small projects, or when
    `inline`, as the CLI asks), or being computed by a job. With `start=False` (a page's
    GET) nothing is written: a small project is computed here without caching it, and a
    large one without a job gives neither report nor job until someone asks for one."""
    key = data.state_key(project)
    done = cached(project, key)
    if done is not None:
        return ProjectReport(done.result["report"], done)
    running = pending(project, key)
    if running is not None and not inline:
        return ProjectReport(None, running)
    small = inline or int(key.split(":", 1)[0]) <= INLINE_SETS
    if not start:
        return ProjectReport(compute(project) if small else None, None)
    if small:
        job = jobs.run_now(project, PROJECT_JOB, user=user, params={"key": key})
        return ProjectReport(job.result.get("report"), job)
    return ProjectReport(None, jobs.start(project, PROJECT_JOB, user=user, params={"key": key}))
