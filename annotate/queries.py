"""Read queries the pages (annotate.views) and the API (annotate.api) share.

Who may see which rows, mentions cut out of their documents by PostgreSQL, and the
export's files: one definition each, so a page and its API endpoint cannot disagree."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Greatest, Substr
from django.http import Http404, StreamingHttpResponse

from annotate import dataset, jobs
from annotate.access import REVIEW_ROLES, role_in
from annotate.models import AnnotationSet, Argument, Event, Job, SetKind
from annotate.services.base import LOCKED_STATUSES
from corpus.models import Document, Project

SNIPPET = 40  # characters of context on each side of a mention
EXPORT_KIND = jobs.EXPORT


def visible_to(user, project: Project, set_path: str = "set") -> Q:
    """Rows (through `set_path`, the annotation set) the user may read: reviewers and
    admins every set of the project, annotators their own sets only."""
    if role_in(user, project) in REVIEW_ROLES:
        return Q()
    return Q(**{f"{set_path}__owner": user, f"{set_path}__kind": SetKind.ANNOTATOR})


def _snippets(text: str, start: F, end: F) -> dict:
    """The text before, of and after [start, end), as annotations (PostgreSQL cuts them:
    the documents' texts never leave the database whole)."""
    return {
        "before": Substr(text, Greatest(start - SNIPPET + 1, 1), start - Greatest(start - SNIPPET, 0)),
        "mention": Substr(text, start + 1, end - start),
        "after": Substr(text, end + 1, SNIPPET),
    }


def with_snippets(rows, text: str = "set__document__text"):
    """Annotate span-like rows (start, end) with the text before, of and after them."""
    return rows.annotate(**_snippets(text, F("start"), F("end")))


def event_mentions(user, project: Project, **filters) -> list[dict]:
    """The events (matching `filters`) the user may see, each with its trigger in context
    and its arguments: two queries however many there are."""
    rows = list(
        Event.objects.filter(visible_to(user, project), **filters)
        .annotate(**_snippets("set__document__text", F("trigger_start"), F("trigger_end")))
        .values(
            "pk", "trigger_start", "before", "mention", "after", "attributes", "event_type__key", "set_id",
            "event_type__name_ar", "event_type__name_en",
            "set__kind", "set__owner__username", "set__document_id", "set__document__title",
            "set__document__external_id",
        )
        .order_by("set__document__order", "set__owner__username", "trigger_start", "pk")
    )
    arguments = defaultdict(list)
    span_text = "span__set__document__text"
    for argument in (
        Argument.objects.filter(event__in=[row["pk"] for row in rows])
        .annotate(text=Substr(span_text, F("span__start") + 1, F("span__end") - F("span__start")))
        .values("event_id", "role__key", "span__entity_type__key", "span__kb_entity_id", "text",
                "role__name_ar", "role__name_en", "span__entity_type__name_ar", "span__entity_type__name_en")
        .order_by("event_id", "role__order", "span__start")
    ):
        arguments[argument["event_id"]].append(argument)
    for row in rows:
        row["arguments"] = arguments[row["pk"]]
        row["attribute_items"] = sorted(row["attributes"].items())
    return rows


def latest_export_jobs(project: Project):
    """The project's latest export jobs, newest first."""
    return Job.objects.filter(project=project, kind=EXPORT_KIND).order_by("-created_at")[:20]


def job_file(project: Project, job_id: int) -> tuple[Job, Path]:
    """A finished export job of this project and its file, or 404."""
    job = Job.objects.filter(pk=job_id, project=project, kind=EXPORT_KIND, status=Job.Status.DONE).first()
    name = (job.result or {}).get("file", "") if job else ""
    folder = dataset.export_folder(project)
    path = folder / name
    if not name or Path(name).name != name or not path.is_file():
        raise Http404("no such export")
    return job, path


def streamed(project: Project, options: dataset.ExportOptions) -> StreamingHttpResponse:
    """The export as a download, written while it is sent (constant memory)."""
    response = StreamingHttpResponse(dataset.export(project, options), content_type=dataset.media_type(options))
    response["Content-Disposition"] = f'attachment; filename="{dataset.file_name(project, options)}"'
    return response


def latest_archive_jobs(project: Project):
    """The project's latest archive exports, newest first."""
    return Job.objects.filter(project=project, kind=jobs.ARCHIVE_EXPORT).order_by("-created_at")[:20]


def latest_archive_imports():
    """The latest archive imports (site staff see them all), newest first."""
    return Job.objects.filter(kind=jobs.ARCHIVE_IMPORT).select_related("project", "created_by").order_by(
        "-created_at")[:20]


def archive_file(project: Project, job_id: int) -> tuple[Job, Path]:
    """A finished archive export of this project and its file, or 404."""
    from annotate.archive.jobs import archive_folder

    job = Job.objects.filter(pk=job_id, project=project, kind=jobs.ARCHIVE_EXPORT, status=Job.Status.DONE).first()
    name = (job.result or {}).get("file", "") if job else ""
    path = archive_folder(project) / name
    if not name or Path(name).name != name or not path.is_file():
        raise Http404("no such archive")
    return job, path


def awaiting_adjudication(project: Project) -> int:
    """Documents with at least one submitted annotator set and no finished gold set."""
    submitted = AnnotationSet.objects.filter(document=OuterRef("pk"), kind=SetKind.ANNOTATOR,
                                             status__in=LOCKED_STATUSES)
    gold_done = AnnotationSet.objects.filter(document=OuterRef("pk"), kind=SetKind.GOLD, status__in=LOCKED_STATUSES)
    return Document.objects.filter(project=project).filter(Exists(submitted)).exclude(Exists(gold_done)).count()
