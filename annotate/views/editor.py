"""The entity editor page and its span endpoints (what they show: annotate.editor).

Endpoints parse the form, check access (annotate.access: 404 for anything not the
user's), call annotate.services, and answer htmx requests with the editor's partials:
the text as the main swap, the span list, the set's state (version, status, progress)
and the message area out of band. Plain form posts are redirected back to the editor.

The span endpoints (create, change type, delete) answer with less: the blocks of text
the span touches, its item in the span list, the count, the set's state and the
message, all out of band (annotate.editor.context.SpanWrite). Only when the write reaches
further (the span filled a role or ended a link, a suggestion at its place is hidden or
shown again, or its name was suggested at its other occurrences: annotate.services.
other_occurrences) is the whole editor redrawn, as for every other change.

The page also shows the set's pending suggestions (dashed marks, their data in the
annotations JSON); deciding on one goes through annotate.views.pretag's endpoints,
after which editor.js fetches these partials again with an htmx GET of the page.
"""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from annotate import services
from annotate.access import get_openable_document_for, get_project_for, get_set_for, get_span_for
from annotate.editor.context import (
    SpanWrite,
    editor_context,
    editor_url,
    fills_a_role_or_link,
    span_write_context,
)
from annotate.models import AnnotationSet
from annotate.views.http import (
    BadInput,
    back_with_message,
    int_field,
    int_param,
    refused,
    vary_on_htmx,
)

TEMPLATE = "annotate/editor.html"


@require_safe
@login_required
def editor(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug)
    document = get_openable_document_for(request.user, project, document_id)
    # Reading writes nothing: without a set yet, the page shows an empty, unsaved one
    # and its first write creates it (annotate.set_refs).
    annotation_set = services.own_set_or_new(document, request.user)
    annotation_set.document = document  # share the instances already loaded
    document.project = project
    # An htmx GET (the "reload" link after a conflict) refreshes the parts in place.
    # ?event=N opens that event's panel (editor.js asks for it when an event is clicked).
    selected_event = int_param(request, "event")
    if request.htmx:
        context = editor_context(request, annotation_set, selected_event=selected_event)
        return vary_on_htmx(render(request, TEMPLATE + "#update", context))
    context = editor_context(request, annotation_set, full_page=True, selected_event=selected_event)
    return vary_on_htmx(render(request, TEMPLATE, context))


def _type_field(request: HttpRequest, kind: str | None = None) -> str:
    key = request.POST.get("type", "").strip()
    if not key and kind is None:
        raise BadInput(_("The field «type» is missing: choose an entity type."), "type")
    if not key:
        raise BadInput(_("The field «type» is missing: choose %(kind)s.") % {"kind": kind}, "type")
    return key


def snap_requested(request: HttpRequest) -> bool:
    """A selection is snapped to words unless it was drawn with Alt held (`exact=1`):
    then it is taken exactly as drawn."""
    return request.POST.get("exact") != "1"


def _respond(
    request: HttpRequest, annotation_set: AnnotationSet, change: Callable[[], tuple[str, int | None]]
) -> HttpResponse:
    """Run `change` (a service call returning a message, the span to select and
    optionally the event to select) and answer: the re-rendered partials on success;
    a message and nothing else on refusal."""
    try:
        message, selected, *event = change()
    except (services.StaleVersion, services.Invalid) as error:
        return _refusal(request, annotation_set, error)
    if not request.htmx:
        return _back_to_editor(request, annotation_set, message)
    return _full_update(request, annotation_set, message, selected, event[0] if event else _selected_event(request))


def _full_update(
    request: HttpRequest, annotation_set: AnnotationSet, message: str, selected: int | None, selected_event: int | None
) -> HttpResponse:
    """The whole editor again: the text, every panel and list, the set's state."""
    context = editor_context(
        request, annotation_set, message=message, message_level="success", selected=selected,
        selected_event=selected_event,
    )
    return vary_on_htmx(render(request, TEMPLATE + "#update", context))


def _back_to_editor(request: HttpRequest, annotation_set: AnnotationSet, message: str) -> HttpResponse:
    return back_with_message(request, editor_url(annotation_set.document), message)


def _selected_event(request: HttpRequest) -> int | None:
    """The event the page had selected (sent with every change), kept selected after it."""
    try:
        return int_field(request, "event", required=False)
    except BadInput:
        return None


def _refusal(request: HttpRequest, annotation_set: AnnotationSet, error: services.ServiceError) -> HttpResponse:
    """The refusal (annotate.views.http): the message area alone, whatever the request
    targeted; a plain form post is sent back to the editor with the message."""
    url = editor_url(annotation_set.document)
    if not request.htmx:
        return back_with_message(request, url, error.message, error=True)
    conflict = isinstance(error, services.StaleVersion)
    context = {"message": error.message, "message_level": "error", "conflict": conflict, "editor_url": url}
    response = render(request, TEMPLATE + "#message", context)
    return refused(response, error, version=annotation_set.version if conflict else None, target="#editor-messages")


def _respond_to_span_write(
    request: HttpRequest, annotation_set: AnnotationSet, change: Callable[[], tuple[str, SpanWrite]]
) -> HttpResponse:
    """Run `change` (a span service call returning a message and the SpanWrite) and
    answer with what it changed (the whole editor when it reached further); refusals
    as in _respond."""
    try:
        message, write = change()
    except (services.StaleVersion, services.Invalid) as error:
        return _refusal(request, annotation_set, error)
    if not request.htmx:
        return _back_to_editor(request, annotation_set, message)
    context = None if write.reaches_links or write.offered else span_write_context(annotation_set, write)
    if context is None:
        return _full_update(request, annotation_set, message, write.selected, _selected_event(request))
    context.update(message=message, message_level="success", editor_url=editor_url(annotation_set.document))
    response = render(request, TEMPLATE + "#spanwrite", context)
    # The main swap is a marker element editor.js reacts to; the rest goes out of band.
    return vary_on_htmx(reswap(retarget(response, "#editor-change"), "outerHTML"))


@require_POST
@login_required
def span_create(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        span = services.create_span(
            annotation_set, request.user, entity_type=_type_field(request),
            start=int_field(request, "start"), end=int_field(request, "end"),
            version=int_field(request, "version"), snap_to_tokens=snap_requested(request),
        )
        offered = services.offer_other_occurrences(annotation_set, span)
        text = span.text
        message = _("Marked «%(text)s» as %(type)s.") % {"text": text, "type": span.entity_type.label}
        if offered:
            message += " " + ngettext(
                "Suggested at %(count)d other occurrence in this document.",
                "Suggested at %(count)d other occurrences in this document.", offered) % {"count": offered}
        return message, SpanWrite(span.pk, span.start, span.end, None, span.entity_type_id, offered=offered)

    return _respond_to_span_write(request, annotation_set, change)


@require_POST
@login_required
def span_change_type(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span_for(request.user, span_id, write=True)

    def change():
        before = span.entity_type_id
        services.change_span_type(
            span, request.user, entity_type=_type_field(request), version=int_field(request, "version")
        )
        text = span.text
        message = _("«%(text)s» is now %(type)s.") % {"text": text, "type": span.entity_type.label}
        # Offers of the name that followed the new type are redrawn with the whole editor.
        return message, SpanWrite(span.pk, span.start, span.end, before, span.entity_type_id,
                                  offered=span.retyped_offers)

    return _respond_to_span_write(request, span.set, change)


@require_POST
@login_required
def span_delete(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span_for(request.user, span_id, write=True)

    def change():
        text = span.text
        version = int_field(request, "version")
        # Asked before the delete: the arguments and links go with the span.
        linked = fills_a_role_or_link(span)
        services.delete_span(span, request.user, version=version)
        message = _("Removed the mark on «%(text)s».") % {"text": text}
        return message, SpanWrite(span_id, span.start, span.end, span.entity_type_id, None, reaches_links=linked)

    return _respond_to_span_write(request, span.set, change)


@require_POST
@login_required
def set_submit(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        version = int_field(request, "version")
        # Undecided suggestions: the annotator says what becomes of them (the editor's dialog
        # answers this refusal); the count is the server's, whatever the page last saw.
        undecided = request.POST.get("undecided", "")
        if undecided not in ("", *services.UNDECIDED_CHOICES):
            raise BadInput(_("«undecided» is «keep» or «reject», not «%(value)s».") % {"value": undecided[:20]},
                           "undecided")
        services.submit_as_asked(annotation_set, request.user, version=version, undecided=undecided)
        return _("Submitted. This document is now read-only; reopen it to make changes."), None

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def set_reopen(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        services.reopen_set(annotation_set, request.user, version=int_field(request, "version"))
        return _("Reopened: you can change this document again."), None

    return _respond(request, annotation_set, change)
