"""The schema editor (project admins): entity, event, relation and attribute types,
with a live preview of the editor's palette and event panel, and the schema as JSON.

Every change goes through annotate.services.schema_changes, which checks it against the
annotations that exist; the forms are plain posts answered with a message and a redirect
(back_with_message), the preview an htmx partial re-rendered as the admin types."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from annotate.access import get_project_for
from annotate.editor.rendering import Slot
from annotate.services import ServiceError
from annotate.services import schema_changes as changes
from annotate.views.http import BadInput, back_with_message, int_field, whole_number
from corpus.colour import MIN_CONTRAST, label_contrast
from corpus.models import COLOUR_PATTERN, AttributeType, EntityType, EventType, RelationType, Role, RoleType
from corpus.schema_file import dump_schema
from corpus.schema_rules import COUNT_MAX

KINDS = {"entity": EntityType, "event": EventType, "role": RoleType, "relation": RelationType,
         "attribute": AttributeType}
SESSION_MERGE = "schema_last_merge"
SESSION_NARROW = "schema_narrow_offer"
KIND_LABELS = {AttributeType.Kind.ENUM: _lazy("enumeration"), AttributeType.Kind.BOOL: _lazy("yes or no"),
               AttributeType.Kind.TEXT: _lazy("text")}


def _admin_project(request: HttpRequest, slug: str):
    return get_project_for(request.user, slug, roles=(Role.ADMIN,))


def _item(project, kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise Http404("no such kind")
    scope = {"event_type__project": project} if model is RoleType else {"project": project}
    item = model.objects.filter(pk=pk, **scope).first()
    if item is None:
        raise Http404("no such schema item")
    return item


def _label(item) -> str:
    ar = (get_language() or "ar").startswith("ar")
    if isinstance(item, dict):
        return item.get("name_ar" if ar else "name_en") or item.get("key", "")
    return (item.name_ar if ar else item.name_en) or item.key


# --- the page ------------------------------------------------------------------------

@login_required
@require_GET
def schema_editor(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    entity_types = list(project.entity_types.all())
    event_types = list(project.event_types.prefetch_related("roles__allowed_types", "attribute_types"))
    relation_types = list(project.relation_types.prefetch_related("source_types", "target_types"))
    attribute_types = list(project.attribute_types.prefetch_related("event_types"))
    context = {
        "project": project,
        "entity_types": [{"type": t, "label": _label(t), "usage": changes.entity_type_usage(t),
                          "contrast": label_contrast(t.colour)} for t in entity_types],
        "event_types": [{"type": t, "label": _label(t), "usage": changes.event_type_usage(t),
                         "roles": [{"role": r, "allowed": {a.pk for a in r.allowed_types.all()}}
                                   for r in t.roles.all()]} for t in event_types],
        "relation_types": [{"type": t, "label": _label(t), "usage": changes.relation_type_usage(t),
                            "sources": {a.pk for a in t.source_types.all()},
                            "targets": {a.pk for a in t.target_types.all()}} for t in relation_types],
        "attribute_types": [{"type": t, "label": _label(t), "values_text": _values_text(t.values),
                             "kind_label": KIND_LABELS.get(t.kind, t.kind),
                             "choices": [(v.get("key", ""), _label(v)) for v in t.values],
                             "event_types": {e.pk for e in t.event_types.all()}} for t in attribute_types],
        "all_entity_types": entity_types,
        "all_event_types": event_types,
        "attribute_kinds": list(KIND_LABELS.items()),
        "count_max": COUNT_MAX,
        "last_merge": request.session.get(SESSION_MERGE),
        "narrow_offer": request.session.pop(SESSION_NARROW, None),  # offered once, after its refusal
        "preview": _preview(project, {}),
    }
    return render(request, "annotate/schema/editor.html", context)


def _values_text(values: list[dict]) -> str:
    return "\n".join(" | ".join([v.get("key", ""), v.get("name_ar", ""), v.get("name_en", ""), v.get("shortcut", "")])
                     .rstrip(" |") for v in values)


# --- the live preview ----------------------------------------------------------------

@dataclass
class PanelPreview:
    """The event panel as the editor would draw it (its role slots, without fillers)."""

    label: str
    colour: str
    triggers: list[str]
    slots: list[Slot] = field(default_factory=list)
    attributes: list[dict] = field(default_factory=list)


def _draft(params, model, original):
    """A schema item as the form currently describes it (not saved): the original's
    fields overridden by the ones the form sends."""
    draft = model() if original is None else model.objects.get(pk=original.pk)
    for name in ("key", "name_ar", "name_en", "colour", "shortcut"):
        if name in params and hasattr(draft, name):
            setattr(draft, name, params[name].strip())
    return draft


def _preview(project, params) -> dict:
    """What the editor's palette and event panel would look like with the draft applied."""
    kind, pk = params.get("kind", ""), whole_number(params.get("id"), "id", required=False) if params else None
    original = _item(project, kind, pk) if kind in KINDS and pk else None
    entity_types = list(project.entity_types.all())
    event_types = list(project.event_types.all())
    draft = None
    if kind == "entity":
        draft = _draft(params, EntityType, original)
        entity_types = [draft if t == original else t for t in entity_types] + ([draft] if original is None else [])
    elif kind == "event":
        draft = _draft(params, EventType, original)
        event_types = [draft if t == original else t for t in event_types] + ([draft] if original is None else [])
    colour = params.get("colour", "").strip().lower() if params else ""
    contrast = None
    if colour and _is_colour(colour):
        contrast = {"colour": colour, "ratio": label_contrast(colour), "ok": label_contrast(colour) >= MIN_CONTRAST,
                    "min": MIN_CONTRAST}
    panel_event = _panel_event(project, kind, params, original, draft, event_types)
    return {
        "entity_types": [{"type": t, "label": _label(t)} for t in entity_types if _is_colour(t.colour)],
        "event_types": [{"type": t, "label": _label(t)} for t in event_types if _is_colour(t.colour)],
        "panel": _panel(project, panel_event, kind, params, original, entity_types) if panel_event else None,
        "contrast": contrast,
    }


def _is_colour(colour: str) -> bool:
    return bool(re.fullmatch(COLOUR_PATTERN, colour or ""))


def _panel_event(project, kind, params, original, draft, event_types):
    if kind == "event":
        return draft
    if kind == "role":
        event_id = original.event_type_id if original else whole_number(params.get("event_type"), "event_type",
                                                                        required=False)
        return next((t for t in event_types if t.pk == event_id), None)
    return event_types[0] if event_types else None


def _panel(project, event_type, kind, params, original, entity_types) -> PanelPreview:
    names = {t.pk: t.key for t in entity_types}
    roles = list(event_type.roles.prefetch_related("allowed_types")) if event_type.pk else []
    slots = [Slot(r.key, _label(r), sorted(a.key for a in r.allowed_types.all()), r.min_count, r.max_count)
             for r in roles if not (kind == "role" and original is not None and r.pk == original.pk)]
    if kind == "role":
        allowed = [names[pk] for pk in _ids(params, "allowed") if pk in names]
        minimum = whole_number(params.get("min_count"), "min_count", required=False) or 0
        maximum = whole_number(params.get("max_count"), "max_count", required=False)
        label = _label({"key": params.get("key", ""), "name_ar": params.get("name_ar", ""),
                        "name_en": params.get("name_en", "")})
        slots.append(Slot(params.get("key", ""), label, sorted(allowed), minimum, maximum))
    labels = {t.key: _label(t) for t in entity_types}
    for slot in slots:  # what may fill the role, by name (the editor keeps keys for its data)
        slot.allowed_labels = [labels.get(key, key) for key in slot.allowed]
    triggers = _lines(params.get("triggers", "")) if kind == "event" else list(event_type.triggers or [])
    attributes = []
    if event_type.pk:
        applicable = project.attribute_types.filter(Q(event_types=event_type) | Q(event_types=None)).distinct()
        for attribute in applicable:
            attributes.append({"label": _label(attribute), "kind": attribute.kind,
                               "choices": [{"label": _label(v), "shortcut": v.get("shortcut", "")}
                                           for v in attribute.values or []]})
    return PanelPreview(_label(event_type), event_type.colour, triggers, slots, attributes)


@login_required
@require_GET
def schema_preview(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    try:
        preview = _preview(project, request.GET)
    except ServiceError:  # a half-typed number: show the schema as it is
        preview = _preview(project, {})
    return render(request, "annotate/schema/_preview.html", {"preview": preview, "project": project})


# --- writes --------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("،", "\n").replace(",", "\n").splitlines() if line.strip()]


def _ids(params, name: str) -> list[int]:
    return [int(v) for v in params.getlist(name) if v.isdecimal() and v.isascii()]


def _entity_types(project, request, name: str) -> list[EntityType]:
    return list(EntityType.objects.filter(project=project, pk__in=_ids(request.POST, name)))


def _parse_values(text: str) -> list[dict]:
    """One value a line: KEY | Arabic name | English name | shortcut (names default to the key)."""
    values = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        value = {"key": parts[0], "name_ar": parts[1] if len(parts) > 1 and parts[1] else parts[0],
                 "name_en": parts[2] if len(parts) > 2 and parts[2] else parts[0]}
        if len(parts) > 3 and parts[3]:
            value["shortcut"] = parts[3]
        values.append(value)
    return values


def _refuse_nul(post) -> None:
    """PostgreSQL keeps no text holding the NUL character: refused here, not with a 500."""
    for name, values in post.lists():
        if any("\x00" in value for value in values):
            raise BadInput(_("The field «%(field)s» holds the NUL character, which cannot be kept.")
                           % {"field": name}, name)


def _save(project, request, kind: str, item):
    post = request.POST
    _refuse_nul(post)
    common = {"key": post.get("key", "").strip(), "name_ar": post.get("name_ar", ""),
              "name_en": post.get("name_en", "")}
    if kind == "entity":
        return changes.save_entity_type(project, item, **common, colour=post.get("colour", ""),
                                        shortcut=post.get("shortcut", ""), description=post.get("description", ""),
                                        kb_linkable=post.get("kb_linkable") == "on")
    if kind == "event":
        return changes.save_event_type(project, item, **common, colour=post.get("colour", ""),
                                       shortcut=post.get("shortcut", ""), triggers=_lines(post.get("triggers", "")))
    if kind == "role":
        event_type = item.event_type if item else _item(project, "event", int_field(request, "event_type"))
        return changes.save_role(event_type, item, **common, allowed=_entity_types(project, request, "allowed"),
                                 min_count=int_field(request, "min_count", required=False) or 0,
                                 max_count=int_field(request, "max_count", required=False))
    if kind == "relation":
        return changes.save_relation_type(project, item, **common, sources=_entity_types(project, request, "sources"),
                                          targets=_entity_types(project, request, "targets"))
    if kind == "attribute":
        return changes.save_attribute_type(
            project, item, **common, kind=post.get("kind", ""), values=_parse_values(post.get("values", "")),
            default=post.get("default", "").strip(),
            event_types=list(EventType.objects.filter(project=project, pk__in=_ids(post, "event_types"))))
    raise Http404("no such kind")


@login_required
@require_POST
def schema_save(request: HttpRequest, slug: str, kind: str, pk: int | None = None) -> HttpResponse:
    project = _admin_project(request, slug)
    item = _item(project, kind, pk) if pk is not None else None
    if kind not in KINDS:
        raise Http404("no such kind")
    url = reverse("schema_editor", args=[project.slug])
    try:
        saved = _save(project, request, kind, item)
    except ServiceError as error:
        if kind == "role" and item is not None and isinstance(error, changes.InUse) and error.field == "allowed":
            _offer_narrowing(request, project, item)
        return back_with_message(request, url, error.message, error=True)
    message = _("Saved %(key)s.") % {"key": saved.key} if item else _("Added %(key)s.") % {"key": saved.key}
    return back_with_message(request, f"{url}#{kind}-{saved.pk}", message)


def _offer_narrowing(request: HttpRequest, project, role: RoleType) -> None:
    """After a narrowing refused because arguments fill the role with a type it would
    leave out: the editor offers to do it in one step, naming what it would remove (the
    role's fields as posted are carried by the offer's form)."""
    offer = changes.narrowing_offer(role, _entity_types(project, request, "allowed"))
    if offer is None:
        return
    post = request.POST
    request.session[SESSION_NARROW] = {
        **offer, "role": role.pk, "key": role.key, "allowed": _ids(post, "allowed"),
        "fields": {name: post.get(name, "") for name in ("key", "name_ar", "name_en", "min_count", "max_count")},
    }


@login_required
@require_POST
def schema_narrow(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Narrow a role and remove the arguments it no longer allows, as one change
    (schema_changes.narrow_role), undone like a merge."""
    project = _admin_project(request, slug)
    role = _item(project, "role", pk)
    url = reverse("schema_editor", args=[project.slug])
    post = request.POST
    request.session.pop(SESSION_NARROW, None)
    allowed = _entity_types(project, request, "allowed")
    offer = changes.narrowing_offer(role, allowed) or {"arguments": ""}
    try:
        _refuse_nul(post)
        merge_id = changes.narrow_role(
            request.user, role, expected=int_field(request, "expected"), key=post.get("key", "").strip(),
            name_ar=post.get("name_ar", ""), name_en=post.get("name_en", ""), allowed=allowed,
            min_count=int_field(request, "min_count", required=False) or 0,
            max_count=int_field(request, "max_count", required=False))
    except ServiceError as error:
        return back_with_message(request, url, error.message, error=True)
    role.refresh_from_db()
    request.session[SESSION_MERGE] = {"id": merge_id, "source": role.key, "target": "", "narrowed": True}
    message = _("Narrowed the role %(role)s and removed %(arguments)s.") % {"role": role.key,
                                                                           "arguments": offer["arguments"]}
    return back_with_message(request, f"{url}#role-{role.pk}", message)


@login_required
@require_POST
def schema_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    project = _admin_project(request, slug)
    item = _item(project, kind, pk)
    remove = {"entity": changes.delete_entity_type, "event": changes.delete_event_type, "role": changes.delete_role,
              "relation": changes.delete_relation_type, "attribute": changes.delete_attribute_type}[kind]
    url = reverse("schema_editor", args=[project.slug])
    try:
        remove(item)
    except ServiceError as error:
        return back_with_message(request, url, error.message, error=True)
    return back_with_message(request, url, _("Deleted %(key)s.") % {"key": item.key})


@login_required
@require_POST
def schema_merge(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    project = _admin_project(request, slug)
    merge = {"entity": changes.merge_entity_type, "event": changes.merge_event_type, "role": changes.merge_role,
             "relation": changes.merge_relation_type}.get(kind)
    if merge is None and kind != "attribute":
        raise Http404("no merge for this kind")
    source = _item(project, kind, pk)
    url = reverse("schema_editor", args=[project.slug])
    try:
        if kind == "attribute":  # one value of the enumeration into another
            value, into = request.POST.get("value", ""), request.POST.get("into", "")
            merge_id = changes.merge_attribute_value(request.user, source, value, into)
            source, target = f"{source.key}={value}", f"{source.key}={into}"
        else:
            target = _item(project, kind, int_field(request, "target"))
            merge_id = merge(request.user, source, target)
            source, target = source.key, target.key
    except ServiceError as error:
        return back_with_message(request, url, error.message, error=True)
    request.session[SESSION_MERGE] = {"id": merge_id, "source": source, "target": target}
    return back_with_message(
        request, url, _("Merged %(source)s into %(target)s: %(source)s is now unused and can be deleted.")
        % {"source": source, "target": target})


@login_required
@require_POST
def schema_merge_undo(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    url = reverse("schema_editor", args=[project.slug])
    try:
        count = changes.undo_merge(request.user, project, request.POST.get("merge", ""))
    except ServiceError as error:
        return back_with_message(request, url, error.message, error=True)
    last = request.session.pop(SESSION_MERGE, None) or {}
    if last.get("narrowed") and last.get("id") == request.POST.get("merge"):
        return back_with_message(request, url, _("The narrowing of %(role)s was undone: the role and its arguments "
                                                 "are back, in %(sets)s.") % {"role": last["source"],
                                                                               "sets": _sets(count)})
    return back_with_message(request, url, _("The merge was undone in %(sets)s.") % {
        "sets": _sets(count)})


def _sets(count: int) -> str:
    return ngettext("%(count)d annotation set", "%(count)d annotation sets", count) % {"count": count}


@login_required
@require_GET
def schema_download(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    body = json.dumps(dump_schema(project), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-schema.json"'
    return response
