"""The entity editor page and its span endpoints.

Endpoints parse the form, check access (annotate.access: 404 for anything not the
user's), call annotate.services, and answer htmx requests with the editor's partials:
the text as the main swap, the span list, the set's state (version, status, progress)
and the message area out of band. Plain form posts are redirected back to the editor.
"""
from __future__ import annotations

from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotate import services
from annotate.access import get_document_for, get_project_for, get_set_for, get_span_for
from annotate.models import AnnotationSet, Span
from annotate.rendering import SpanView, render_span_list, render_text
from annotate.views.pages import STATUS_LABELS, progress_for
from corpus.models import Document, Project

TEMPLATE = "annotate/editor.html"


class BadInput(services.Invalid):
    """A malformed request (missing or non-numeric field): HTTP 400, not 422."""


def _type_label(entity_type) -> str:
    return entity_type.name_ar if (get_language() or "ar").startswith("ar") else entity_type.name_en


def _neighbours(document: Document) -> tuple[int | None, int | None]:
    """Previous and next documents in import order."""
    siblings = Document.objects.filter(project_id=document.project_id)
    previous = siblings.filter(order__lt=document.order).order_by("-order").values_list("pk", flat=True).first()
    following = siblings.filter(order__gt=document.order).order_by("order").values_list("pk", flat=True).first()
    return previous, following


def editor_context(request: HttpRequest, annotation_set: AnnotationSet, *, full_page: bool = False, **extra) -> dict:
    """Everything the editor partials show (and with `full_page`, the page around them),
    in a constant number of queries."""
    document = annotation_set.document
    project: Project = document.project
    types = list(project.entity_types.all())
    by_id = {t.pk: t for t in types}
    rows = Span.objects.filter(set=annotation_set).values_list("pk", "entity_type_id", "start", "end")
    spans = [
        SpanView(pk, by_id[type_id].key, by_id[type_id].colour, _type_label(by_id[type_id]), start, end)
        for pk, type_id, start, end in rows
    ]
    done, assigned = progress_for(request.user, project)
    previous, following = _neighbours(document) if full_page else (None, None)
    context = {
        "project": project,
        "document": document,
        "set": annotation_set,
        "locked": annotation_set.status in services.LOCKED_STATUSES,
        "status_label": STATUS_LABELS.get(annotation_set.status, annotation_set.status),
        "entity_types": [{"type": t, "label": _type_label(t)} for t in types],
        "text_html": render_text(document.text, spans),
        "text_length": len(document.text),
        "span_list_html": render_span_list(document.text, spans),
        "span_count": len(spans),
        "done": done,
        "assigned": assigned,
        "previous_id": previous,
        "next_id": following,
        "editor_url": _editor_url(document),
    }
    context.update(extra)
    return context


def _editor_url(document: Document) -> str:
    return reverse("editor", args=[document.project.slug, document.pk])


def _with_vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def editor(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug)
    document = get_document_for(request.user, project, document_id)
    annotation_set = services.own_set(document, request.user)
    annotation_set.document = document  # share the instances already loaded
    document.project = project
    # An htmx GET (the "reload" link after a conflict) refreshes the parts in place.
    if request.htmx:
        return _with_vary(render(request, TEMPLATE + "#update", editor_context(request, annotation_set)))
    return _with_vary(render(request, TEMPLATE, editor_context(request, annotation_set, full_page=True)))


def _int_field(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "").strip()
    try:
        return int(raw)
    except ValueError:
        raise BadInput(
            _("The field «%(field)s» must be a whole number, not «%(value)s».") % {"field": name, "value": raw[:20]},
            name,
        ) from None


def _type_field(request: HttpRequest) -> str:
    key = request.POST.get("type", "").strip()
    if not key:
        raise BadInput(_("The field «type» is missing: choose an entity type."), "type")
    return key


def _respond(
    request: HttpRequest, annotation_set: AnnotationSet, change: Callable[[], tuple[str, int | None]]
) -> HttpResponse:
    """Run `change` (a service call returning a message and the span to select) and
    answer: the re-rendered partials on success; a message and nothing else on refusal."""
    try:
        message, selected = change()
    except services.Conflict as error:
        return _refused(request, annotation_set, error, 409, conflict=True)
    except BadInput as error:
        return _refused(request, annotation_set, error, 400)
    except services.Invalid as error:
        return _refused(request, annotation_set, error, 422)
    if not request.htmx:
        messages.success(request, message)
        return _with_vary(redirect(_editor_url(annotation_set.document)))
    context = editor_context(request, annotation_set, message=message, message_level="success", selected=selected)
    return _with_vary(render(request, TEMPLATE + "#update", context))


def _refused(
    request: HttpRequest, annotation_set: AnnotationSet, error: services.ServiceError, status: int, conflict: bool = False
) -> HttpResponse:
    url = _editor_url(annotation_set.document)
    if not request.htmx:
        messages.error(request, error.message)
        return _with_vary(redirect(url))
    context = {"message": error.message, "message_level": "error", "conflict": conflict, "editor_url": url}
    response = render(request, TEMPLATE + "#message", context, status=status)
    # Whatever the request targeted, only the message area changes.
    response["HX-Retarget"] = "#editor-messages"
    response["HX-Reswap"] = "outerHTML"
    return _with_vary(response)


def _text_of(annotation_set: AnnotationSet, start: int, end: int) -> str:
    return annotation_set.document.text[start:end]


@require_POST
@login_required
def span_create(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        span = services.create_span(
            annotation_set, request.user, entity_type=_type_field(request),
            start=_int_field(request, "start"), end=_int_field(request, "end"),
            version=_int_field(request, "version"),
        )
        text = _text_of(annotation_set, span.start, span.end)
        return _("Marked «%(text)s» as %(type)s.") % {"text": text, "type": _type_label(span.entity_type)}, span.pk

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def span_change_type(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span_for(request.user, span_id, write=True)

    def change():
        services.change_span_type(
            span, request.user, entity_type=_type_field(request), version=_int_field(request, "version")
        )
        text = _text_of(span.set, span.start, span.end)
        return _("«%(text)s» is now %(type)s.") % {"text": text, "type": _type_label(span.entity_type)}, span.pk

    return _respond(request, span.set, change)


@require_POST
@login_required
def span_delete(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span_for(request.user, span_id, write=True)

    def change():
        text = _text_of(span.set, span.start, span.end)
        services.delete_span(span, request.user, version=_int_field(request, "version"))
        return _("Removed the mark on «%(text)s».") % {"text": text}, None

    return _respond(request, span.set, change)


@require_POST
@login_required
def set_submit(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        services.submit_set(annotation_set, request.user, version=_int_field(request, "version"))
        return _("Submitted. This document is now read-only; reopen it to make changes."), None

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def set_reopen(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        services.reopen_set(annotation_set, request.user, version=_int_field(request, "version"))
        return _("Reopened: you can change this document again."), None

    return _respond(request, annotation_set, change)
