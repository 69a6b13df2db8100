"""Event, argument, relation, undo/redo and history endpoints of the editor.

Same pattern as annotate.views.editor: parse the form, check access (404 for anything
not the user's), call annotate.services, answer htmx with the editor's partials.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from annotate import services
from annotate.access import (
    get_argument_for,
    get_event_for,
    get_relation_for,
    get_set_for,
    get_span_for,
)
from annotate.editor.context import editor_url
from annotate.models import Event, Relation, Span, Suggestion
from annotate.services import history
from annotate.services.suggestions import offered_to
from annotate.views.editor import _respond, _type_field, snap_requested
from annotate.views.http import BadInput, int_field, vary_on_htmx
from corpus.models import localised_name
from corpus.schema import ProjectSchema

# --- endpoints ---------------------------------------------------------------------------

def _event_message(event: Event) -> dict:
    return {"type": event.event_type.label, "text": event.trigger_text}


@require_POST
@login_required
def event_create(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        event = services.create_event(
            annotation_set, request.user, event_type=_type_field(request, _("an event type")),
            trigger_start=int_field(request, "start"), trigger_end=int_field(request, "end"),
            version=int_field(request, "version"), snap_to_tokens=snap_requested(request),
        )
        message = _("New %(type)s event «%(text)s»: fill its roles.") % _event_message(event)
        return message, None, event.pk

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def event_change_type(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_event_for(request.user, event_id, write=True)

    def change():
        services.change_event_type(
            event, request.user, event_type=_type_field(request, _("an event type")),
            version=int_field(request, "version"),
        )
        return _("The event is now %(type)s.") % {"type": event.event_type.label}, None, event.pk

    return _respond(request, event.set, change)


@require_POST
@login_required
def event_delete(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_event_for(request.user, event_id, write=True)

    def change():
        words = _event_message(event)
        services.delete_event(event, request.user, version=int_field(request, "version"))
        return _("Deleted the %(type)s event «%(text)s»; its entity marks stay.") % words, None, None

    return _respond(request, event.set, change)


def _attribute_value(request: HttpRequest, event: Event, key: str):
    """The form's string as the attribute's kind wants it (true/false for a bool)."""
    raw = request.POST.get("value", "")
    kind = ProjectSchema.load(event.set.document.project).attributes.get(key)
    if kind is not None and kind.kind == "bool":
        if raw not in ("true", "false"):
            raise BadInput(_("The field «value» must be true or false, not «%(value)s».") % {"value": raw[:20]},
                           "value")
        return raw == "true"
    return raw


def _attribute_words(event: Event, key: str, value) -> dict:
    """The attribute's and the value's names in the interface language."""
    attribute = ProjectSchema.load(event.set.document.project).attributes[key]
    names = {v["key"]: localised_name(v) for v in attribute.values or []}
    return {"attribute": attribute.label, "value": names.get(value, value)}


@require_POST
@login_required
def event_attribute(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_event_for(request.user, event_id, write=True)

    def change():
        key = request.POST.get("key", "").strip()
        if not key:
            raise BadInput(_("The field «key» is missing: name the attribute."), "key")
        value = _attribute_value(request, event, key)
        services.set_event_attribute(event, request.user, key=key, value=value, version=int_field(request, "version"))
        return _("%(attribute)s: %(value)s.") % _attribute_words(event, key, value), None, event.pk

    return _respond(request, event.set, change)


@require_POST
@login_required
def argument_add(request: HttpRequest, event_id: int) -> HttpResponse:
    """Fill a role with a clicked span (`span`), a clicked suggestion (`suggestion`,
    accepted in the same step), or the selected text (`type`, `start`, `end`), which
    becomes an entity span in the same step."""
    event = get_event_for(request.user, event_id, write=True)
    annotation_set = event.set

    def change():
        role = request.POST.get("role", "").strip()
        if not role:
            raise BadInput(_("The field «role» is missing: choose a role slot first."), "role")
        version = int_field(request, "version")
        if request.POST.get("span"):
            span = (Span.objects.select_related("entity_type")
                    .filter(pk=int_field(request, "span"), set=annotation_set).first())
            if span is None:
                raise services.Invalid(_("That mark is not in this annotation set."), "span")
            argument = services.add_argument(event, request.user, role=role, span=span, version=version)
        elif request.POST.get("suggestion"):
            suggestion = Suggestion.objects.filter(
                offered_to(annotation_set.owner_id), pk=int_field(request, "suggestion"),
                document_id=annotation_set.document_id,
            ).select_related("entity_type").first()
            if suggestion is None:
                raise services.Invalid(_("This suggestion belongs to another document."), "suggestion")
            argument = services.accept_suggestion_into_role(
                suggestion, request.user, event, role=role, version=version
            )
        else:
            argument = services.add_argument_from_selection(
                event, request.user, role=role, entity_type=_type_field(request), start=int_field(request, "start"),
                end=int_field(request, "end"), version=version, snap_to_tokens=snap_requested(request),
            )
        text = annotation_set.document.text[argument.span.start:argument.span.end]
        return _("«%(text)s» is the %(role)s.") % {"text": text, "role": argument.role.label}, None, event.pk

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def argument_remove(request: HttpRequest, argument_id: int) -> HttpResponse:
    argument = get_argument_for(request.user, argument_id, write=True)
    annotation_set = argument.event.set

    def change():
        text = annotation_set.document.text[argument.span.start:argument.span.end]
        services.remove_argument(argument, request.user, version=int_field(request, "version"))
        message = _("«%(text)s» no longer fills %(role)s.") % {"text": text, "role": argument.role.label}
        return message, None, argument.event_id

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def relation_create(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        ids = {name: int_field(request, name) for name in ("source", "target")}
        found = {
            s.pk: s for s in Span.objects.select_related("entity_type").filter(pk__in=ids.values(), set=annotation_set)
        }
        for name, pk in ids.items():
            if pk not in found:
                raise services.Invalid(_("That mark is not in this annotation set."), name)
        relation = services.create_relation(
            annotation_set, request.user, relation_type=_type_field(request, _("a relation type")),
            source=found[ids["source"]], target=found[ids["target"]], version=int_field(request, "version"),
        )
        return _("Linked by %(type)s.") % {"type": relation.relation_type.label}, ids["source"]

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def relation_delete(request: HttpRequest, relation_id: int) -> HttpResponse:
    relation = get_relation_for(request.user, relation_id, write=True)

    def change():
        source = relation.source_id
        services.delete_relation(relation, request.user, version=int_field(request, "version"))
        return _("Removed the %(type)s link.") % {"type": relation.relation_type.label}, source

    return _respond(request, relation.set, change)


def _history_step(request: HttpRequest, set_id: int, step, done: str) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change():
        action = step(annotation_set, request.user, version=int_field(request, "version"))
        return done % {"action": action_label(action)}, None

    return _respond(request, annotation_set, change)


@require_POST
@login_required
def set_undo(request: HttpRequest, set_id: int) -> HttpResponse:
    return _history_step(request, set_id, history.undo, _("Undone: %(action)s."))


@require_POST
@login_required
def set_redo(request: HttpRequest, set_id: int) -> HttpResponse:
    return _history_step(request, set_id, history.redo, _("Redone: %(action)s."))


# --- panels (GET) -------------------------------------------------------------------------

@require_safe
@login_required
def span_panel(request: HttpRequest, span_id: int) -> HttpResponse:
    """The selected mark's relations (and the knowledge-base panel, when it exists)."""
    span = get_span_for(request.user, span_id)
    text = span.set.document.text
    relations = (
        Relation.objects.filter(Q(source=span) | Q(target=span)).select_related("relation_type", "source", "target")
        .order_by("pk")
    )
    items = [
        {"relation": r, "label": r.relation_type.label, "outgoing": r.source_id == span.pk,
         "other": text[(o := r.target if r.source_id == span.pk else r.source).start:o.end]}
        for r in relations
    ]
    context = {"span": span, "relations": items, "locked": span.set.status in services.LOCKED_STATUSES}
    return vary_on_htmx(render(request, "annotate/_span_panel.html", context))


@require_safe
@login_required
def set_history(request: HttpRequest, set_id: int) -> HttpResponse:
    """Who changed what in this set, and when: newest first."""
    annotation_set = get_set_for(request.user, set_id)
    actions = history.set_history(annotation_set)
    for action in actions:
        action.title = action_label(action.action)
        if action.action in (history.UNDO, history.REDO):
            action.title += " — " + action_label(action.label)
        for change in action.changes:
            change.op_label = str(CHANGE_OPS.get(change.op, change.op))
            change.kind_label = str(CHANGE_KINDS.get(change.kind, change.kind))
    context = {
        "set": annotation_set, "document": annotation_set.document, "project": annotation_set.document.project,
        "actions": actions, "editor_url": editor_url(annotation_set.document),
    }
    template = "annotate/history.html#actions" if request.htmx else "annotate/history.html"
    return vary_on_htmx(render(request, template, context))


# What a history row did, and to what, in the reader's words (pghistory's labels and model names).
CHANGE_OPS = {"insert": _lazy("added"), "update": _lazy("changed"), "delete": _lazy("removed")}
CHANGE_KINDS = {"span": _lazy("mark"), "event": _lazy("event"), "argument": _lazy("role filler"),
                "relation": _lazy("link")}

ACTION_LABELS = {
    "create_span": _lazy("mark an entity"),
    "change_span_type": _lazy("change a mark's type"),
    "delete_span": _lazy("delete a mark"),
    "create_event": _lazy("create an event"),
    "change_event_type": _lazy("change an event's type"),
    "set_event_attribute": _lazy("set an event attribute"),
    "delete_event": _lazy("delete an event"),
    "add_argument": _lazy("fill a role"),
    "remove_argument": _lazy("clear a role"),
    "create_relation": _lazy("link two marks"),
    "delete_relation": _lazy("delete a link"),
    "submit": _lazy("submit"),
    "reopen": _lazy("reopen"),
    "undo": _lazy("undo"),
    "redo": _lazy("redo"),
    "accept_suggestion": _lazy("accept a suggestion"),
    "reject_suggestion": _lazy("reject a suggestion"),
    "accept_all_suggestions": _lazy("accept all suggestions of a type"),
    "kb_create_from_span": _lazy("create a knowledge-base entry from a mark"),
    "kb_link": _lazy("link a mark to the knowledge base"),
    "kb_link_identical": _lazy("link the identical mentions"),
    "kb_unlink": _lazy("unlink a mark from the knowledge base"),
    "cluster_create": _lazy("create an event cluster"),
    "cluster_join": _lazy("add an event to a cluster"),
    "cluster_leave": _lazy("take an event out of its cluster"),
    "merge_type": _lazy("merge a type into another"),
    "narrow_role": _lazy("narrow a role, removing the arguments it no longer allows"),
    "adjudication_pre_accept": _lazy("pre-accept what annotators agree on"),
    "adjudication_accept": _lazy("accept a variant"),
    "adjudication_edit": _lazy("accept a variant with another type"),
    "adjudication_reject": _lazy("reject a conflict's variants"),
    "adjudication_keep": _lazy("keep every variant"),
    "adjudication_delete": _lazy("remove a mark from gold"),
    "adjudication_confirm": _lazy("confirm gold"),
    "adjudication_reopen": _lazy("reopen gold"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
