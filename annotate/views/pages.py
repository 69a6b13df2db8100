"""Annotator-facing pages: my projects (with my queue and progress), a project's
documents, its guidelines. Once a project uses assignments, an annotator's documents
are their assignments; before that, every document of the project."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from markdown_it import MarkdownIt

from annotate.access import REVIEW_ROLES, documents_for, get_project_for, role_in
from annotate.models import AnnotationSet, SetKind, SetStatus
from annotate.queries import awaiting_adjudication
from annotate.services import LOCKED_STATUSES, assignment
from corpus import listing
from corpus.models import Document, Membership, Role

DOCUMENTS_PER_PAGE = 100

# Guidelines are written by project admins but shown to everyone: raw HTML is off,
# and markdown-it refuses javascript:/data: links by default.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> str:
    """Guidelines as HTML, safe to show: raw HTML in the Markdown comes out escaped."""
    return mark_safe(_markdown.render(text or ""))  # raw HTML disabled above: output is escaped


def progress_for(user, project) -> tuple[int, int]:
    """(done, assigned): done means submitted (an adjudicated set was submitted first)."""
    return assignment.progress(project, user)


def continue_document(project, user) -> Document | None:
    """Where the annotator stopped: the set they last changed that is not finished,
    else the first of their documents they have not finished."""
    documents = assignment.assigned_documents(project, user)
    last = (
        assignment.written(AnnotationSet.objects.filter(owner=user, kind=SetKind.ANNOTATOR, document__in=documents))
        .exclude(status__in=LOCKED_STATUSES)
        .order_by("-updated_at").select_related("document").first()
    )
    if last is not None:
        return last.document
    finished = AnnotationSet.objects.filter(owner=user, kind=SetKind.ANNOTATOR, status__in=LOCKED_STATUSES)
    return documents.exclude(pk__in=finished.values("document_id")).only("pk", "title", "external_id", "order").first()


def _project_row(membership, user) -> dict:
    """What the home page shows for one project, by the user's role in it: an annotator
    their queue and progress, a reviewer the documents waiting for adjudication, an admin
    that and the links to set the project up, import and export."""
    project = membership.project
    row = {"project": project, "role": membership.get_role_display(), "is_annotator": membership.role == Role.ANNOTATOR,
           "is_admin": membership.role == Role.ADMIN}
    if row["is_annotator"]:
        done, assigned = progress_for(user, project)
        row.update({"done": done, "assigned": assigned,
                    "continue": continue_document(project, user) if done < assigned else None})
    else:
        row["to_adjudicate"] = awaiting_adjudication(project)
    return row


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("project").order_by("project__name")
    rows = [_project_row(m, request.user) for m in memberships if not m.project.is_archived]
    # Archived projects are hidden from the list; their admins still find them here to restore them.
    archived = [m.project for m in memberships if m.project.is_archived and m.role == Role.ADMIN]
    return render(request, "annotate/home.html", {"rows": rows, "archived": archived})


@require_safe
@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    role = role_in(request.user, project)
    # Annotators see the documents given to them; reviewers and admins every document.
    # Keyset pages on the import order (corpus.listing): as fast on page 10,000 as on page 1.
    query = request.GET.get("q", "").strip()
    documents = documents_for(request.user, project).only("id", "external_id", "title", "order")
    page = listing.keyset_page(
        listing.matches(documents, query), after=request.GET.get("after"), before=request.GET.get("before"),
        size=DOCUMENTS_PER_PAGE,
    )
    statuses = dict(
        AnnotationSet.objects.filter(
            owner=request.user, kind=SetKind.ANNOTATOR, document__in=[d.pk for d in page.items]
        ).values_list("document_id", "status")
    )
    rows = [
        {"document": d, "status": statuses.get(d.pk, SetStatus.NOT_STARTED)} for d in page.items
    ]
    for row in rows:
        row["status_label"] = SetStatus(row["status"]).label
    done, assigned = progress_for(request.user, project)
    context = {
        "project": project,
        "page": page,
        "query": query,
        "rows": rows,
        "done": done,
        "assigned": assigned,
        "continue": continue_document(project, request.user) if done < assigned else None,
        "is_admin": role == Role.ADMIN,
        "is_reviewer": role in REVIEW_ROLES,
        "is_annotator": role == Role.ANNOTATOR,
        "uses_assignments": assignment.uses_assignments(project),
    }
    return render(request, "annotate/project_detail.html", context)


@require_safe
@login_required
def guidelines(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    html = render_markdown(project.guidelines)
    return render(request, "annotate/guidelines.html", {"project": project, "guidelines_html": html})
