"""camel-tools' NER model on this server: its state for the pre-tagging page, and the
background job that installs it (`corpus.pretag.ner_install`) where the network allows.

The model is the server's (camel-tools' data folder, CAMELTOOLS_DATA), not a project's;
jobs are recorded under the project whose admin started them, and that project's page
shows the reason of its last failed attempt. One installation runs at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from annotate import jobs
from annotate.models import Job
from corpus.models import Project
from corpus.pretag.camel_ner import NERModelUnavailable, camel_data_dir, resolve_model_path

NER_INSTALL_JOB = jobs.NER_INSTALL
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
# Held while checking for a running installation and queuing one, so two requests at
# once cannot both find none (a transaction-scoped PostgreSQL advisory lock).
INSTALL_LOCK_KEY = 0x7A5E_4E52  # any constant no other code uses


def may_install(user) -> bool:
    """The model is the whole server's (about 500 MB): site staff install it, not a
    project's admins."""
    return bool(user is not None and user.is_active and user.is_staff)


class InstallAlreadyRunning(Exception):
    def __init__(self, job: Job):
        self.job = job
        super().__init__(_("The NER model is already being installed (job %(id)s).") % {"id": job.pk})


class AlreadyInstalled(Exception):
    def __init__(self, path: str):
        self.path = path
        super().__init__(_("The NER model is already installed at %(path)s; confirm to reinstall it.")
                         % {"path": f"\u2068{path}\u2069"})


@dataclass
class NERModelState:
    installed: bool
    path: str  # where the model is, or where it was looked for
    detail: str  # why it is not installed, and how to install it
    data_dir: str
    running: Job | None  # an installation queued or running now
    last_failure: Job | None  # this project's latest attempt, when it failed

    @property
    def failure_reason(self) -> str:
        return (self.last_failure.shown_messages or [""])[-1] if self.last_failure else ""


def ner_model_state(project: Project) -> NERModelState:
    data_dir = camel_data_dir()
    try:
        path, detail = resolve_model_path(None), ""
    except NERModelUnavailable as missing:
        path, detail = None, str(missing)
    latest = Job.objects.filter(project=project, kind=NER_INSTALL_JOB).order_by("-created_at").first()
    return NERModelState(
        installed=path is not None,
        path=str(path or data_dir),
        detail=detail,
        data_dir=str(data_dir),
        running=Job.objects.filter(kind=NER_INSTALL_JOB, status__in=ACTIVE).order_by("created_at").first(),
        last_failure=latest if latest is not None and latest.status == Job.Status.FAILED else None,
    )


def start_ner_install(project: Project, *, user=None, force: bool = False) -> Job:
    """Queue the installation; refused while one is queued or running anywhere, and
    when the model is already installed unless `force` (a reinstall)."""
    if not force:
        try:
            raise AlreadyInstalled(str(resolve_model_path(None)))
        except NERModelUnavailable:
            pass
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INSTALL_LOCK_KEY])
        running = Job.objects.filter(kind=NER_INSTALL_JOB, status__in=ACTIVE).first()
        if running is not None:
            raise InstallAlreadyRunning(running)
        return jobs.start(project, NER_INSTALL_JOB, user=user)


def install_job(job: Job, progress) -> dict:
    """The job's work: download and unpack the model, reporting bytes as progress.
    A failure raises NERInstallError, whose message the job keeps and the page shows."""
    from corpus.pretag.ner_install import install_ner_model

    path = install_ner_model(
        camel_data_dir(), catalogue_url=settings.TAWSIM_NER_CATALOGUE_URL or None,
        timeout=settings.TAWSIM_DOWNLOAD_TIMEOUT, progress=progress)
    return {"path": str(path)}
