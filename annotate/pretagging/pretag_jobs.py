"""Pre-tagging as a background job: start_pretag queues it (kind PRETAG_JOB), pretag_job
is the work annotate.jobs runs (progress, and each tagger failure as a job message), and
pretag_after_import, connected to corpus.signals.documents_imported, starts one for newly
imported documents when the project's settings ask for it.
"""
from __future__ import annotations

from django.dispatch import receiver

from annotate import jobs
from annotate.models import Job
from annotate.pretagging.running import MAX_JOB_MESSAGES, pretag_documents
from annotate.pretagging.settings import PretagSettings
from corpus.deferred_text import gettext_deferred, ngettext_deferred, stored
from corpus.models import Project
from corpus.signals import documents_imported

PRETAG_JOB = jobs.PRETAG


def start_pretag(project: Project, *, user=None, documents: list[int] | None = None,
                 taggers: list[str] | None = None) -> Job:
    """Queue a pre-tagging job (all documents, or the listed ones) and return it."""
    return jobs.start(project, PRETAG_JOB, user=user, params={"documents": documents, "taggers": taggers})


def pretag_job(job: Job, progress: jobs.Progress) -> dict:
    """The background job: pre-tag, with progress, and each tagger failure as a message."""
    messages = list(job.messages)
    pipeline_note = []

    def note(problem: dict) -> None:
        if len(messages) < MAX_JOB_MESSAGES:
            messages.append(stored(
                gettext_deferred("document %(document)s: tagger %(tagger)s failed: %(message)s", **problem)))

    def report_progress(done: int, total: int) -> None:
        progress(done, total)
        Job.objects.filter(pk=job.pk).update(messages=messages)

    params = job.params or {}
    # A retried job (its worker died) resumes after the documents its progress counted:
    # progress is reported only once a chunk is stored.
    resume_from = job.done if job.attempts > 1 else 0
    if resume_from:
        pipeline_note.append(stored(ngettext_deferred(
            "resumed after %(done)d document already pre-tagged", "resumed after %(done)d documents already pre-tagged",
            resume_from, done=resume_from)))
    report = pretag_documents(
        job.project, params.get("documents"), taggers=params.get("taggers"), progress=report_progress,
        on_error=note, resume_from=resume_from)
    for name, reason in report.skipped.items():
        pipeline_note.append(stored(gettext_deferred("%(tagger)s did not run: %(reason)s", tagger=name, reason=reason)))
    Job.objects.filter(pk=job.pk).update(messages=pipeline_note + messages)
    return report.as_json()


def pretag_after_import(project: Project, document_ids: list[int] | None) -> Job | None:
    """Start pre-tagging the newly imported documents when the project asks for it."""
    if not PretagSettings.of(project).pretag_on_import or (document_ids is not None and not document_ids):
        return None
    return start_pretag(project, documents=list(document_ids) if document_ids is not None else None)


@receiver(documents_imported, dispatch_uid="annotate.pretagging.after_import")
def _on_documents_imported(sender, project: Project, document_ids=None, **kwargs) -> None:
    pretag_after_import(project, document_ids)
