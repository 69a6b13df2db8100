"""Annotator-facing pages: my projects, a project's documents, its guidelines."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

from annotate.access import get_project_for, role_in
from annotate.models import AnnotationSet, SetKind, SetStatus
from annotate.services import LOCKED_STATUSES
from corpus.models import Document, Membership, Role

DOCUMENTS_PER_PAGE = 100

STATUS_LABELS = {
    SetStatus.NOT_STARTED: _("not started"),
    SetStatus.IN_PROGRESS: _("in progress"),
    SetStatus.SUBMITTED: _("submitted"),
    SetStatus.ADJUDICATED: _("adjudicated"),
}
ROLE_LABELS = {Role.ADMIN: _("admin"), Role.REVIEWER: _("reviewer"), Role.ANNOTATOR: _("annotator")}

# Guidelines are written by project admins but shown to everyone: raw HTML is off,
# and markdown-it refuses javascript:/data: links by default.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _done_sets(user):
    """The user's finished sets. "Done" means submitted (an adjudicated set was submitted first)."""
    return AnnotationSet.objects.filter(owner=user, kind=SetKind.ANNOTATOR, status__in=LOCKED_STATUSES)


def progress_for(user, project) -> tuple[int, int]:
    """(done, assigned). For now every project document is assigned to every member."""
    done = _done_sets(user).filter(document__project=project).count()
    return done, Document.objects.filter(project=project).count()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("project").order_by("project__name")
    )
    ids = [m.project_id for m in memberships]
    assigned = dict(
        Document.objects.filter(project__in=ids).values_list("project").annotate(n=Count("pk")).values_list("project", "n")
    )
    done = dict(
        _done_sets(request.user).filter(document__project__in=ids)
        .values_list("document__project").annotate(n=Count("pk")).values_list("document__project", "n")
    )
    rows = [
        {
            "project": m.project,
            "role": ROLE_LABELS.get(m.role, m.role),
            "done": done.get(m.project_id, 0),
            "assigned": assigned.get(m.project_id, 0),
        }
        for m in memberships
    ]
    return render(request, "annotate/home.html", {"rows": rows})


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    documents = Document.objects.filter(project=project).only("id", "external_id", "title", "order").order_by("order")
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    statuses = dict(
        AnnotationSet.objects.filter(
            owner=request.user, kind=SetKind.ANNOTATOR, document__in=[d.pk for d in page]
        ).values_list("document_id", "status")
    )
    rows = [
        {"document": d, "status": statuses.get(d.pk, SetStatus.NOT_STARTED)} for d in page
    ]
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    done, assigned = progress_for(request.user, project)
    context = {
        "project": project,
        "page": page,
        "rows": rows,
        "done": done,
        "assigned": assigned,
        "is_admin": role_in(request.user, project) == Role.ADMIN,
    }
    return render(request, "annotate/project_detail.html", context)


@login_required
def guidelines(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    html = mark_safe(_markdown.render(project.guidelines))  # raw HTML disabled above: output is escaped
    return render(request, "annotate/guidelines.html", {"project": project, "guidelines_html": html})
