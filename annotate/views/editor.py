"""The entity editor page and its span endpoints.

Endpoints parse the form, check access (annotate.access: 404 for anything not the
user's), call annotate.services, and answer htmx requests with the editor's partials:
the text as the main swap, the span list, the set's state (version, status, progress)
and the message area out of band. Plain form posts are redirected back to the editor.

The page also shows the set's pending suggestions (dashed marks, their data in the
annotations JSON); deciding on one goes through annotate.views.pretag's endpoints,
after which editor.js fetches these partials again with an htmx GET of the page.
"""
from __future__ import annotations

import json
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.db.models import OuterRef, Subquery
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotate import services
from annotate.access import get_document_for, get_project_for, get_set_for, get_span_for
from annotate.models import AnnotationSet, Argument, Event, Relation, Span, Suggestion
from annotate.rendering import (
    AttributeView,
    Choice,
    EventView,
    Filler,
    ProposedArgument,
    RelationView,
    Slot,
    SpanView,
    SuggestionView,
    render_span_list,
    render_text,
)
from annotate.views.pages import STATUS_LABELS, progress_for
from annotate.views.pretag import TAGGER_LABELS
from corpus.models import Document, Project, RoleType
from corpus.schema import ProjectSchema

TEMPLATE = "annotate/editor.html"


class BadInput(services.Invalid):
    """A malformed request (missing or non-numeric field): HTTP 400, not 422."""


def _type_label(entity_type) -> str:
    return entity_type.name_ar if (get_language() or "ar").startswith("ar") else entity_type.name_en


def _neighbours(document: Document) -> tuple[int | None, int | None]:
    """Previous and next documents in import order (one query: two subqueries)."""
    siblings = Document.objects.filter(project_id=document.project_id)
    before = siblings.filter(order__lt=OuterRef("order")).order_by("-order").values("pk")[:1]
    after = siblings.filter(order__gt=OuterRef("order")).order_by("order").values("pk")[:1]
    row = siblings.filter(pk=document.pk).annotate(
        previous=Subquery(before), following=Subquery(after)).values_list("previous", "following").first()
    return row or (None, None)


def _label(item) -> str:
    """A schema item's (or attribute value's) name in the interface language."""
    ar = (get_language() or "ar").startswith("ar")
    if isinstance(item, dict):
        return item.get("name_ar" if ar else "name_en") or item.get("key", "")
    return item.name_ar if ar else item.name_en


def _attribute_views(attributes: dict, values: dict) -> list[AttributeView]:
    out = []
    for key, attribute in attributes.items():
        choices = [Choice(v["key"], _label(v), v.get("shortcut", "")) for v in attribute.values or []]
        if attribute.kind == "bool":
            choices = [Choice("true", _("yes"), ""), Choice("false", _("no"), "")]
        value = values.get(key, attribute.default if attribute.kind == "enum" else None)
        if attribute.kind == "bool" and isinstance(value, bool):
            value = "true" if value else "false"
        out.append(AttributeView(key, _label(attribute), attribute.kind, value, choices))
    return out


def _event_rows(annotation_set: AnnotationSet) -> list[tuple]:
    return list(Event.objects.filter(set=annotation_set).order_by("trigger_start", "pk").values_list(
        "pk", "event_type_id", "trigger_start", "trigger_end", "attributes"
    ))


def _relation_rows(annotation_set: AnnotationSet) -> list[tuple]:
    return list(Relation.objects.filter(set=annotation_set).order_by("pk").values_list(
        "pk", "relation_type_id", "source_id", "target_id"
    ))


def event_views(
    annotation_set: AnnotationSet, schema: ProjectSchema, spans: dict[int, SpanView], rows: list[tuple]
) -> list[EventView]:
    """The set's events (`rows` from _event_rows) with their role slots (every role of
    the type, filled or not) and attributes: one query for the arguments."""
    text = annotation_set.document.text
    events_by_type_id = {e.model.pk: e for e in schema.event_types.values()}
    role_keys = {r.model.pk: r.key for e in schema.event_types.values() for r in e.roles.values()}
    fillers: dict[int, list[tuple[int, int, int]]] = {}
    arguments = Argument.objects.filter(event__set=annotation_set).order_by("pk")
    for pk, event_id, role_id, span_id in arguments.values_list("pk", "event_id", "role_id", "span_id") if rows else ():
        fillers.setdefault(event_id, []).append((pk, role_id, span_id))
    views = []
    for pk, type_id, start, end, values in rows:
        event_schema = events_by_type_id[type_id]
        slots = {
            r.key: Slot(r.key, _label(r.model), sorted(r.allowed), r.min_count, r.max_count)
            for r in event_schema.roles.values()
        }
        for argument_id, role_id, span_id in fillers.get(pk, ()):
            span = spans.get(span_id)
            slot = slots.get(role_keys.get(role_id))
            if span is not None and slot is not None:
                slot.fillers.append(Filler(argument_id, span_id, text[span.start:span.end], span.type_key))
        model = event_schema.model
        views.append(EventView(
            pk, model.key, _label(model), model.colour, start, end, text[start:end], list(slots.values()),
            _attribute_views(event_schema.attributes, values),
        ))
    return views


def relation_views(
    annotation_set: AnnotationSet, schema: ProjectSchema, spans: dict[int, SpanView], rows: list[tuple]
) -> list[RelationView]:
    text = annotation_set.document.text
    types = {r.model.pk: r.model for r in schema.relation_types.values()}
    views = []
    for pk, type_id, source_id, target_id in rows:
        source, target, model = spans.get(source_id), spans.get(target_id), types[type_id]
        if source is None or target is None:
            continue
        views.append(RelationView(
            pk, model.key, _label(model), model.colour, source_id, target_id,
            text[source.start:source.end], text[target.start:target.end],
        ))
    return views


def suggestion_views(annotation_set: AnnotationSet, entity_types: list) -> list[SuggestionView]:
    """The set's pending suggestions (annotate.services.pending_suggestions: one query),
    plus one query for role names when an event suggestion proposes arguments.

    A document nobody pre-tagged skips the service: its query takes ~15 ms to build
    (Django compiles four EXISTS subqueries), a plain EXISTS well under one."""
    text = annotation_set.document.text
    if not Suggestion.objects.filter(document_id=annotation_set.document_id).exists():
        return []
    pending = services.pending_suggestions(annotation_set)
    type_labels = {t.key: _type_label(t) for t in entity_types}
    event_type_ids = {s.event_type_id for s in pending if s.event_type_id and s.arguments}
    role_labels = {
        (role.event_type_id, role.key): _label(role)
        for role in RoleType.objects.filter(event_type_id__in=event_type_ids)
    } if event_type_ids else {}
    views = []
    for suggestion in pending:
        schema_type = suggestion.entity_type or suggestion.event_type
        arguments = [
            ProposedArgument(
                str(a.get("role", "")), role_labels.get((suggestion.event_type_id, a.get("role")), str(a.get("role", ""))),
                str(a.get("type", "")), type_labels.get(a.get("type"), str(a.get("type", ""))),
                text[a["start"]:a["end"]],
            )
            for a in (suggestion.arguments or []) if isinstance(a, dict) and _offsets_fit(a, len(text))
        ]
        views.append(SuggestionView(
            suggestion.pk, suggestion.kind, schema_type.key, _label(schema_type), schema_type.colour,
            suggestion.start, suggestion.end, text[suggestion.start:suggestion.end], suggestion.tagger,
            str(TAGGER_LABELS.get(suggestion.tagger, suggestion.tagger)), suggestion.score, suggestion.value,
            arguments,
        ))
    return views


def _offsets_fit(argument: dict, length: int) -> bool:
    start, end = argument.get("start"), argument.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length


def _palettes(project: Project) -> dict:
    """The event types and the relation types (for the link chooser) of the full page."""
    relation_types = project.relation_types.prefetch_related("source_types", "target_types")
    return {
        "event_types": [{"type": t, "label": _label(t)} for t in project.event_types.all()],
        "relation_types": [
            {"key": r.key, "label": _label(r), "sources": sorted(t.key for t in r.source_types.all()),
             "targets": sorted(t.key for t in r.target_types.all())}
            for r in relation_types
        ],
    }


def editor_context(
    request: HttpRequest, annotation_set: AnnotationSet, *, full_page: bool = False, selected_event: int | None = None,
    **extra,
) -> dict:
    """Everything the editor partials show (and with `full_page`, the page around them),
    in a constant number of queries, events and relations included."""
    document = annotation_set.document
    project: Project = document.project
    types = services.entity_types(project)  # loaded once per request, shared with the service
    by_id = {t.pk: t for t in types}
    rows = Span.objects.filter(set=annotation_set).values_list("pk", "entity_type_id", "start", "end")
    spans = [
        SpanView(pk, by_id[type_id].key, by_id[type_id].colour, _type_label(by_id[type_id]), start, end)
        for pk, type_id, start, end in rows
    ]
    spans_by_id = {span.id: span for span in spans}
    event_rows = _event_rows(annotation_set)
    relation_rows = _relation_rows(annotation_set) if len(spans) > 1 else []
    # The whole schema (roles, attributes, relation types) only when something needs it:
    # a document without events or links costs two queries more than spans alone.
    schema = ProjectSchema.load(project) if event_rows or relation_rows else None
    events = event_views(annotation_set, schema, spans_by_id, event_rows) if event_rows else []
    relations = relation_views(annotation_set, schema, spans_by_id, relation_rows) if relation_rows else []
    # A submitted set takes no decisions: its suggestions are not shown (nor queried).
    locked = annotation_set.status in services.LOCKED_STATUSES
    suggestions = [] if locked else suggestion_views(annotation_set, types)
    done, assigned = progress_for(request.user, project)
    previous, following = _neighbours(document) if full_page else (None, None)
    context = {
        "project": project,
        "document": document,
        "set": annotation_set,
        "locked": locked,
        "status_label": STATUS_LABELS.get(annotation_set.status, annotation_set.status),
        "entity_types": [{"type": t, "label": _type_label(t)} for t in types],
        "text_html": render_text(
            document.text, spans, [event.as_mark() for event in events], [s.as_mark() for s in suggestions]),
        "text_length": len(document.text),
        "span_list_html": render_span_list(document.text, spans),
        "span_count": len(spans),
        "events": events,
        "event": next((e for e in events if e.id == selected_event), None),
        "relations": relations,
        "annotations": json.dumps(
            {"events": [e.as_data() for e in events], "relations": [r.as_data() for r in relations],
             "suggestions": [s.as_data() for s in suggestions]},
            ensure_ascii=False,
        ),
        "suggestion_count": len(suggestions),
        "done": done,
        "assigned": assigned,
        "previous_id": previous,
        "next_id": following,
        "editor_url": _editor_url(document),
    }
    if full_page:
        context.update(_palettes(project))
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
    # ?event=N opens that event's panel (editor.js asks for it when an event is clicked).
    raw_event = request.GET.get("event", "")
    selected_event = int(raw_event) if raw_event.isdecimal() and raw_event.isascii() else None
    if request.htmx:
        context = editor_context(request, annotation_set, selected_event=selected_event)
        return _with_vary(render(request, TEMPLATE + "#update", context))
    context = editor_context(request, annotation_set, full_page=True, selected_event=selected_event)
    return _with_vary(render(request, TEMPLATE, context))


def _int_field(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "").strip()
    try:
        return int(raw)
    except ValueError:
        raise BadInput(
            _("The field «%(field)s» must be a whole number, not «%(value)s».") % {"field": name, "value": raw[:20]},
            name,
        ) from None


def _type_field(request: HttpRequest, kind: str | None = None) -> str:
    key = request.POST.get("type", "").strip()
    if not key and kind is None:
        raise BadInput(_("The field «type» is missing: choose an entity type."), "type")
    if not key:
        raise BadInput(_("The field «type» is missing: choose %(kind)s.") % {"kind": kind}, "type")
    return key


def _respond(
    request: HttpRequest, annotation_set: AnnotationSet, change: Callable[[], tuple[str, int | None]]
) -> HttpResponse:
    """Run `change` (a service call returning a message, the span to select and
    optionally the event to select) and answer: the re-rendered partials on success;
    a message and nothing else on refusal."""
    try:
        message, selected, *event = change()
    except services.Conflict as error:
        return _refused(request, annotation_set, error, 409, conflict=True)
    except BadInput as error:
        return _refused(request, annotation_set, error, 400)
    except services.Invalid as error:
        return _refused(request, annotation_set, error, 422)
    if not request.htmx:
        messages.success(request, message)
        return _with_vary(redirect(_editor_url(annotation_set.document)))
    selected_event = event[0] if event else _selected_event(request)
    context = editor_context(
        request, annotation_set, message=message, message_level="success", selected=selected,
        selected_event=selected_event,
    )
    return _with_vary(render(request, TEMPLATE + "#update", context))


def _selected_event(request: HttpRequest) -> int | None:
    """The event the page had selected (sent with every change), kept selected after it."""
    raw = request.POST.get("event", "")
    return int(raw) if raw.isdecimal() and raw.isascii() else None


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
