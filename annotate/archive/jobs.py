"""Archives as background jobs (annotate.jobs KINDS `archive_export`, `archive_import`).

An export job writes MEDIA_ROOT/archives/<project id>/<job id>-<slug>.zip, served only by
the project's archive download (its admins). An import job belongs to no project until it
has made one: it reads an uploaded zip kept under MEDIA_ROOT/archives/incoming/ (removed
once the job ends) and records the new project in its result and on the job. Both run in
one transaction (the export in one snapshot, the import all or nothing), so their progress
goes through a connection of its own: the page polling the job must see it meanwhile.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

from annotate.archive.writing import export_project
from annotate.models import Job
from annotate.services.archive import import_project
from corpus.deferred_text import gettext_deferred
from corpus.models import Project


def archive_folder(project: Project) -> Path:
    return Path(settings.MEDIA_ROOT) / "archives" / str(project.pk)


def incoming_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "archives" / "incoming"


def file_name(project: Project) -> str:
    return f"{project.slug}.tawsim-archive.zip"


@contextmanager
def visible_progress(job: Job) -> Iterator[Callable[[int, int], None]]:
    """progress(done, total) written outside the caller's transaction."""
    side = connections.create_connection("default")

    def progress(done: int, total: int) -> None:
        with side.cursor() as cursor:
            cursor.execute("UPDATE annotate_job SET done = %s, total = %s WHERE id = %s", [done, total, job.pk])

    try:
        yield progress
    finally:
        side.close()


def export_job(job: Job, progress) -> dict:
    project = job.project
    folder = archive_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.pk}-{file_name(project)}"
    with visible_progress(job) as report:
        rows = export_project(project, path, report)
    progress(sum(rows.values()), sum(rows.values()))
    return {"file": path.name, "name": file_name(project), "rows": rows, "bytes": path.stat().st_size}


def keep_upload(upload) -> str:
    """Store an uploaded archive for an import job; returns the name the job's params hold."""
    folder = incoming_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.zip"
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def import_job(job: Job, progress) -> dict:
    name = job.params.get("file", "")
    path = incoming_folder() / name
    if not name or Path(name).name != name or not path.is_file():
        raise FileNotFoundError(gettext_deferred("the uploaded archive is gone; upload it again"))
    try:
        with visible_progress(job) as report_progress:
            report = import_project(path, slug=job.params.get("slug") or None, user=job.created_by,
                                    progress=report_progress)
    finally:
        path.unlink(missing_ok=True)
    progress(sum(report.rows.values()), sum(report.rows.values()))
    Job.objects.filter(pk=job.pk).update(project=report.project)
    return {"project": report.project.slug, "name": report.project.name, "rows": report.rows,
            "placeholders": report.placeholders}
