"""Changes to a project's schema, checked against the annotations that exist.

A rename, a recolour, a new type or a wider role is always allowed. What would leave an
annotation outside the schema (deleting a type in use, narrowing a role's allowed types
or its maximum, removing an attribute value in use) is refused with the counts, unless
the admin merges the type into another one first. A merge is one recorded action in
every affected set (one pghistory context per set, all sharing a `merge` id), bumps each
set's version (so an open editor gets a stale-version refusal), and is undone as a
whole by `undo_merge`. What a merge changes outside the sets (the suggestions of the
type, their proposed arguments, knowledge-base entries) is kept in one more record of the
merge (`MERGE_RECORD`), so that the undo puts those back too.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pghistory.models import Context

from annotate.models import AnnotationSet, Argument, Event, KBEntity, Relation, Span, Suggestion
from annotate.services import history
from annotate.services.base import ANY_VERSION, Invalid, bump_version, recorded
from corpus import schema_rules
from corpus.colour import MIN_CONTRAST, label_contrast
from corpus.keyboard import physical_key
from corpus.models import (
    COLOUR,
    AttributeType,
    Document,
    EntityType,
    EventType,
    Project,
    RelationType,
    RoleType,
)

MERGE = "merge_type"
NARROW = "narrow_role"  # a role narrowed with the arguments it no longer allows: undone as a merge
MERGE_RECORD = "merge_outside_sets"


class InUse(Invalid):
    """A change refused because annotations use what it would remove."""


# --- counting ------------------------------------------------------------------------

def _spans_in_documents(spans: int, documents: int) -> dict:
    return {
        "spans": ngettext("%(count)d span", "%(count)d spans", spans) % {"count": spans},
        "documents": ngettext("%(count)d document", "%(count)d documents", documents) % {"count": documents},
    }


def _events_in_documents(events: int, documents: int) -> dict:
    return {
        "events": ngettext("%(count)d event", "%(count)d events", events) % {"count": events},
        "documents": ngettext("%(count)d document", "%(count)d documents", documents) % {"count": documents},
    }


def _count(queryset, document_path: str) -> tuple[int, int]:
    found = queryset.aggregate(rows=Count("pk"), documents=Count(document_path, distinct=True))
    return found["rows"], found["documents"]


def entity_type_usage(entity_type: EntityType) -> str:
    """"used by 312 spans in 40 documents" (and knowledge-base entries), or "" when unused."""
    spans, documents = _count(Span.objects.filter(entity_type=entity_type), "set__document")
    kb = KBEntity.objects.filter(entity_type=entity_type).count()
    parts = []
    if spans:
        parts.append(_("used by %(spans)s in %(documents)s") % _spans_in_documents(spans, documents))
    if kb:
        parts.append(ngettext("by %(count)d knowledge-base entry", "by %(count)d knowledge-base entries", kb)
                     % {"count": kb})
    return ", ".join(parts)


def event_type_usage(event_type: EventType) -> str:
    events, documents = _count(Event.objects.filter(event_type=event_type), "set__document")
    return _("used by %(events)s in %(documents)s") % _events_in_documents(events, documents) if events else ""


def relation_type_usage(relation_type: RelationType) -> str:
    relations, documents = _count(Relation.objects.filter(relation_type=relation_type), "set__document")
    if not relations:
        return ""
    return _("used by %(relations)s") % {"relations": _relations_message(relations, documents)}


def _arguments_message(arguments: int, documents: int) -> str:
    return ngettext("%(count)d argument", "%(count)d arguments", arguments) % {"count": arguments} + " " + (
        ngettext("in %(count)d document", "in %(count)d documents", documents) % {"count": documents}
    )


def _relations_message(relations: int, documents: int) -> str:
    return ngettext("%(count)d relation", "%(count)d relations", relations) % {"count": relations} + " " + (
        ngettext("in %(count)d document", "in %(count)d documents", documents) % {"count": documents}
    )


def _refuse(what: str, usage: str, field: str = "") -> None:
    raise InUse(_("%(what)s is %(usage)s: merge it into another type first, or keep it.")
                % {"what": what, "usage": usage}, field)


# --- validating one item -------------------------------------------------------------

def _check_common(model, project: Project, instance, key: str, name_ar: str, name_en: str, scope: dict) -> None:
    with _rules():
        schema_rules.check_key(key)
        schema_rules.check_name(name_ar, "name_ar")
        schema_rules.check_name(name_en, "name_en")
    if model.objects.filter(key=key, **scope).exclude(pk=getattr(instance, "pk", None)).exists():
        raise Invalid(_("The key «%(key)s» is taken in this project.") % {"key": key}, "key")


@contextmanager
def _rules():
    """corpus.schema_rules' refusals as this module's Invalid."""
    try:
        yield
    except schema_rules.RuleBroken as broken:  # values[1].key is the form's field "values"
        raise Invalid(broken.message, broken.field.split("[")[0].split(".")[0]) from None


def check_colour(colour: str, previous: str | None = None) -> str:
    """The colour, or Invalid when it is not #rrggbb or white label text on it would be
    hard to read (an unchanged colour is kept as it is)."""
    colour = colour.strip().lower()
    try:
        COLOUR(colour)
    except ValidationError:
        raise Invalid(_("A colour is written #rrggbb, not «%(colour)s».") % {"colour": colour[:20]}, "colour") from None
    if colour != (previous or "").lower() and label_contrast(colour) < MIN_CONTRAST:
        raise Invalid(
            _("White label text on %(colour)s has a contrast of %(ratio).2f:1, below %(min)s:1; "
              "choose a darker colour.")
            % {"colour": colour, "ratio": label_contrast(colour), "min": MIN_CONTRAST},
            "colour",
        )
    return colour


def check_shortcut(project: Project, shortcut: str, instance=None) -> str:
    """One character on a key no other entity or event type of the project uses, with a
    Latin or an Arabic layout (corpus.schema_rules.check_shortcut)."""
    taken = {physical_key(other.shortcut): (other.shortcut, other.key)
             for model in (EntityType, EventType)
             for other in model.objects.filter(project=project).exclude(shortcut="") if other != instance}
    with _rules():
        return schema_rules.check_shortcut(shortcut, taken)


# --- entity types --------------------------------------------------------------------

@transaction.atomic
def save_entity_type(project: Project, instance: EntityType | None = None, *, key: str, name_ar: str, name_en: str,
                     colour: str, shortcut: str = "", description: str = "", kb_linkable: bool = True) -> EntityType:
    _check_common(EntityType, project, instance, key, name_ar, name_en, {"project": project})
    colour = check_colour(colour, instance.colour if instance else None)
    shortcut = check_shortcut(project, shortcut, instance)
    if instance is None:
        instance = EntityType(project=project, order=_next_order(project.entity_types))
    instance.key, instance.name_ar, instance.name_en = key, name_ar.strip(), name_en.strip()
    instance.colour, instance.shortcut, instance.description = colour, shortcut, description.strip()
    instance.kb_linkable = kb_linkable
    instance.save()
    return instance


def delete_entity_type(entity_type: EntityType) -> None:
    usage = entity_type_usage(entity_type)
    if usage:
        _refuse(entity_type.key, usage)
    entity_type.delete()


# --- event types and roles -----------------------------------------------------------

@transaction.atomic
def save_event_type(project: Project, instance: EventType | None = None, *, key: str, name_ar: str, name_en: str,
                    colour: str, shortcut: str = "", triggers: list[str] | None = None) -> EventType:
    _check_common(EventType, project, instance, key, name_ar, name_en, {"project": project})
    colour = check_colour(colour, instance.colour if instance else None)
    shortcut = check_shortcut(project, shortcut, instance)
    if instance is None:
        instance = EventType(project=project, order=_next_order(project.event_types))
    instance.key, instance.name_ar, instance.name_en = key, name_ar.strip(), name_en.strip()
    instance.colour, instance.shortcut = colour, shortcut
    instance.triggers = list(dict.fromkeys(t.strip() for t in (triggers or []) if t.strip()))
    instance.save()
    return instance


def delete_event_type(event_type: EventType) -> None:
    usage = event_type_usage(event_type)
    if usage:
        _refuse(event_type.key, usage)
    event_type.delete()


@transaction.atomic
def save_role(event_type: EventType, instance: RoleType | None = None, *, key: str, name_ar: str, name_en: str,
              allowed: list[EntityType], min_count: int = 0, max_count: int | None = None) -> RoleType:
    """Add or change a role; narrowing one (fewer allowed types, a lower maximum) is
    refused while annotations would stop fitting it."""
    _check_common(RoleType, event_type.project, instance, key, name_ar, name_en, {"event_type": event_type})
    if any(t.project_id != event_type.project_id for t in allowed):
        raise Invalid(_("An allowed type belongs to another project."), "allowed")
    if not allowed:
        raise Invalid(_("A role allows at least one entity type."), "allowed")
    with _rules():
        min_count, max_count = schema_rules.check_counts(min_count, max_count)
    if instance is not None:
        _check_role_narrowing(instance, allowed, max_count)
    else:
        instance = RoleType(event_type=event_type, order=_next_order(event_type.roles))
    instance.key, instance.name_ar, instance.name_en = key, name_ar.strip(), name_en.strip()
    instance.min_count, instance.max_count = min_count, max_count
    instance.save()
    instance.allowed_types.set(allowed)
    return instance


def _check_role_narrowing(role: RoleType, allowed: list[EntityType], max_count: int | None) -> None:
    """Refuse a narrowing that existing arguments would not fit, saying which step comes
    first: narrowing is one change of the schema, moving annotations another (a merge or
    the editor), so the refusal names the types, the counts and the documents to open."""
    outside = Argument.objects.filter(role=role).exclude(span__entity_type__in=allowed)
    arguments, documents = _count(outside, "event__set__document")
    if arguments:
        types = ", ".join(EntityType.objects.filter(spans__arguments__in=outside).distinct()
                          .order_by("key").values_list("key", flat=True))
        raise InUse(
            _("%(arguments)s fill the role %(role)s with %(types)s, which this change would no longer allow "
              "(%(titles)s). First change those arguments in the editor, or merge %(types)s into a type the role "
              "keeps (Entity types, Merge into: every span of the type changes); or keep %(types)s allowed.")
            % {"arguments": _arguments_message(arguments, documents), "role": role.key, "types": types,
               "titles": _titles(outside.values("event__set__document"))},
            "allowed",
        )
    if max_count is not None and (role.max_count is None or max_count < role.max_count):
        crowded = (Event.objects.filter(arguments__role=role).annotate(fillers=Count("arguments"))
                   .filter(fillers__gt=max_count))
        events, documents = crowded.count(), len({row[0] for row in crowded.values_list("set__document")})
        if events:
            raise InUse(
                _("%(events)s in %(documents)s have more than %(max)s %(role)s (%(titles)s). First remove the extra "
                  "arguments in the editor; or keep the maximum.")
                % {**_events_in_documents(events, documents), "max": max_count, "role": role.key,
                   "titles": _titles(crowded.values("set__document"))},
                "max_count",
            )


def _titles(document_ids, limit: int = 3) -> str:
    """The first documents' titles (or external ids), for a refusal that says where to look."""
    found = Document.objects.filter(pk__in=document_ids).order_by("order", "pk")
    names = [d.title or d.external_id for d in found[:limit]]
    more = found.count() - len(names)
    if more:
        names.append(ngettext("%(count)d more", "%(count)d more", more) % {"count": more})
    return ", ".join(names)


def delete_role(role: RoleType) -> None:
    arguments, documents = _count(Argument.objects.filter(role=role), "event__set__document")
    if arguments:
        _refuse(role.key, _("filled by %(arguments)s") % {"arguments": _arguments_message(arguments, documents)})
    role.delete()


# --- relation types ------------------------------------------------------------------

@transaction.atomic
def save_relation_type(project: Project, instance: RelationType | None = None, *, key: str, name_ar: str,
                       name_en: str, sources: list[EntityType], targets: list[EntityType]) -> RelationType:
    _check_common(RelationType, project, instance, key, name_ar, name_en, {"project": project})
    if not sources or not targets:
        raise Invalid(_("A relation links at least one source type to at least one target type."),
                      "sources" if not sources else "targets")
    if any(t.project_id != project.pk for t in [*sources, *targets]):
        raise Invalid(_("An entity type belongs to another project."), "sources")
    if instance is not None:
        outside = Relation.objects.filter(relation_type=instance).filter(
            ~Q(source__entity_type__in=sources) | ~Q(target__entity_type__in=targets))
        relations, documents = _count(outside, "set__document")
        if relations:
            raise InUse(
                _("%(relations)s link types this change would no longer allow; keep those types.")
                % {"relations": _relations_message(relations, documents)},
                "sources",
            )
    else:
        instance = RelationType(project=project, order=_next_order(project.relation_types))
    instance.key, instance.name_ar, instance.name_en = key, name_ar.strip(), name_en.strip()
    instance.save()
    instance.source_types.set(sources)
    instance.target_types.set(targets)
    return instance


def delete_relation_type(relation_type: RelationType) -> None:
    usage = relation_type_usage(relation_type)
    if usage:
        _refuse(relation_type.key, usage)
    relation_type.delete()


# --- attribute types -----------------------------------------------------------------

def _events_with(attribute_key: str, **filters):
    return Event.objects.filter(attributes__has_key=attribute_key, **filters)


@transaction.atomic
def save_attribute_type(project: Project, instance: AttributeType | None = None, *, key: str, name_ar: str,
                        name_en: str, kind: str, values: list[dict] | None = None, default: str = "",
                        event_types: list[EventType] | None = None) -> AttributeType:
    """An enumeration (values: [{"key", "name_ar", "name_en", "shortcut"?}]), a boolean or
    text. Removing a value in use, changing the kind of an attribute in use, or taking it
    from an event type whose events carry it is refused with the counts."""
    _check_common(AttributeType, project, instance, key, name_ar, name_en, {"project": project})
    with _rules():
        values, default = schema_rules.check_attribute(kind, values or [], default)
    value_keys = [v["key"] for v in values]
    event_types = event_types or []
    if any(e.project_id != project.pk for e in event_types):
        raise Invalid(_("An event type belongs to another project."), "event_types")
    if instance is not None:
        _check_attribute_narrowing(instance, kind, value_keys, event_types)
    else:
        instance = AttributeType(project=project, order=_next_order(project.attribute_types))
    instance.key, instance.name_ar, instance.name_en = key, name_ar.strip(), name_en.strip()
    instance.kind, instance.values, instance.default = kind, values, default
    instance.save()
    instance.event_types.set(event_types)
    return instance


def _check_attribute_narrowing(attribute: AttributeType, kind: str, value_keys: list[str], event_types) -> None:
    used = _events_with(attribute.key, event_type__project=attribute.project)
    if kind != attribute.kind:
        events, documents = _count(used, "set__document")
        if events:
            raise InUse(_("%(key)s is set on %(events)s in %(documents)s: its kind cannot change.")
                        % {"key": attribute.key, **_events_in_documents(events, documents)}, "kind")
    if kind == AttributeType.Kind.ENUM:
        removed = [v["key"] for v in attribute.values if v["key"] not in value_keys]
        for value in removed:
            events, documents = _count(used.filter(**{f"attributes__{attribute.key}": value}), "set__document")
            if events:
                raise InUse(
                    _("The value %(value)s of %(key)s is set on %(events)s in %(documents)s; "
                      "change those events first.")
                    % {"value": value, "key": attribute.key, **_events_in_documents(events, documents)},
                    "values",
                )
    if event_types:
        events, documents = _count(used.exclude(event_type__in=event_types), "set__document")
        if events:
            raise InUse(
                _("%(key)s is set on %(events)s in %(documents)s of event types this change leaves out.")
                % {"key": attribute.key, **_events_in_documents(events, documents)},
                "event_types",
            )


def delete_attribute_type(attribute: AttributeType) -> None:
    events, documents = _count(_events_with(attribute.key, event_type__project=attribute.project), "set__document")
    if events:
        _refuse(attribute.key, _("set on %(events)s in %(documents)s") % _events_in_documents(events, documents))
    attribute.delete()


# --- narrowing a role in use in one step ------------------------------------------------

def arguments_outside(role: RoleType, allowed):
    """The arguments filling `role` with a type `allowed` leaves out."""
    return Argument.objects.filter(role=role).exclude(span__entity_type__in=allowed)


def narrowing_offer(role: RoleType, allowed) -> dict | None:
    """What narrowing `role` to `allowed` would remove: {"count", "arguments", "summary"},
    the number, "3 arguments in 2 documents" and that with the documents' titles; None
    when nothing would go."""
    outside = arguments_outside(role, allowed)
    arguments, documents = _count(outside, "event__set__document")
    if not arguments:
        return None
    titles = _titles(outside.values("event__set__document"))
    counted = _arguments_message(arguments, documents)
    return {"count": arguments, "arguments": counted,
            "summary": _("%(arguments)s (%(titles)s)") % {"arguments": counted, "titles": titles}}


def narrow_role(user, role: RoleType, *, expected: int, key: str, name_ar: str, name_en: str,
                allowed: list[EntityType], min_count: int = 0, max_count: int | None = None) -> str:
    """Narrow the role's allowed types and remove the arguments whose filler type it no
    longer allows, as one change: one recorded action in every set it touches (sharing a
    merge id, as a merge does) and a record of the role as it was, so that undo_merge puts
    back both the role and the arguments. `expected` is the number of arguments the admin
    was shown: when it has changed since, nothing is done. Every other rule of save_role
    holds (a lower maximum still crowded is refused), all or nothing."""
    outside = arguments_outside(role, allowed)
    with transaction.atomic():
        RoleType.objects.select_for_update().filter(pk=role.pk).first()
        ids = list(outside.values_list("pk", flat=True))
        if len(ids) != expected:
            raise InUse(_("The arguments to remove changed since they were counted (now %(arguments)s); "
                          "look again before narrowing the role.")
                        % {"arguments": ngettext("%(count)d argument", "%(count)d arguments", len(ids))
                           % {"count": len(ids)}}, "allowed")
        before = {"role": role.pk, "allowed": sorted(role.allowed_types.values_list("pk", flat=True)),
                  "min": role.min_count, "max": role.max_count}
        gone = ", ".join(sorted(set(outside.values_list("span__entity_type__key", flat=True))))

        def remove(annotation_set):
            Argument.objects.filter(pk__in=ids, event__set=annotation_set).delete()

        merge_id = _per_set(user, outside.values("event__set_id"), remove, f"{role.key} − {gone}", action=NARROW)
        _record_outside_sets(merge_id, role.event_type.project_id, narrowed_role=before)
        save_role(role.event_type, role, key=key, name_ar=name_ar, name_en=name_en, allowed=allowed,
                  min_count=min_count, max_count=max_count)
    return merge_id


def _restore_narrowed_role(before: dict) -> None:
    """The role as it was before narrow_role (its allowed types and counts)."""
    role = RoleType.objects.filter(pk=before["role"]).first()
    role.min_count, role.max_count = before["min"], before["max"]
    role.save(update_fields=["min_count", "max_count"])
    role.allowed_types.set(EntityType.objects.filter(pk__in=before["allowed"]))


# --- merging a type into another -----------------------------------------------------

def merge_entity_type(user, source: EntityType, target: EntityType) -> str:
    """Every span of `source` becomes a `target` span, in every set, as one recorded
    action per set; returns the merge id (for undo_merge). Refused, changing nothing,
    when a moved span would stop fitting a role or relation, or would duplicate a span."""
    _check_pair(source, target)
    spans = Span.objects.filter(entity_type=source)
    arguments = Argument.objects.filter(span__entity_type=source).exclude(role__allowed_types=target)
    rows, documents = _count(arguments, "event__set__document")
    if rows:
        raise InUse(_("%(arguments)s fill roles that do not allow %(target)s.")
                    % {"arguments": _arguments_message(rows, documents), "target": target.key}, "target")
    misfits = Relation.objects.filter(
        Q(source__entity_type=source) & ~Q(relation_type__source_types=target)
        | Q(target__entity_type=source) & ~Q(relation_type__target_types=target))
    rows, documents = _count(misfits, "set__document")
    if rows:
        raise InUse(_("%(relations)s cannot link a %(target)s there.")
                    % {"relations": _relations_message(rows, documents), "target": target.key}, "target")
    twins = spans.filter(set__spans__entity_type=target, set__spans__start=F("start"),
                         set__spans__end=F("end"))
    rows, documents = _count(twins, "set__document")
    if rows:
        raise InUse(_("%(spans)s in %(documents)s already have a %(target)s span at the same place; "
                      "delete one of each pair first.")
                    % {**_spans_in_documents(rows, documents), "target": target.key}, "target")

    def move(annotation_set):
        Span.objects.filter(set=annotation_set, entity_type=source).update(entity_type=target)

    with transaction.atomic():
        merge_id = _per_set(user, spans.values("set_id"), move, f"{source.key} → {target.key}",
                            entity_source=source.pk, entity_target=target.pk)
        kb_ids = list(KBEntity.objects.filter(entity_type=source).values_list("pk", flat=True))
        KBEntity.objects.filter(pk__in=kb_ids).update(entity_type=target)
        in_project = Suggestion.objects.filter(document__project=source.project_id)
        _record_outside_sets(merge_id, source.project_id, kb=kb_ids, entity_source=source.pk,
                             suggestions=_retype_suggestions(in_project, "entity_type_id", source.pk, target.pk),
                             suggestion_arguments=_rename_in_arguments(in_project, "type", source.key, target.key))
    return merge_id


def merge_event_type(user, source: EventType, target: EventType) -> str:
    """Every event of `source` becomes a `target` event, its arguments moving to the
    target's roles of the same key; refused when one would not fit the target."""
    _check_pair(source, target)
    events = Event.objects.filter(event_type=source)
    target_roles = {r.key: r for r in target.roles.prefetch_related("allowed_types")}
    for role in source.roles.all():
        arguments = Argument.objects.filter(role=role)
        if role.key not in target_roles:
            rows, documents = _count(arguments, "event__set__document")
            if rows:
                raise InUse(_("%(arguments)s fill the role %(role)s, which %(target)s does not have.")
                            % {"arguments": _arguments_message(rows, documents), "role": role.key,
                               "target": target.key}, "target")
            continue
        new = target_roles[role.key]
        rows, documents = _count(arguments.exclude(span__entity_type__in=new.allowed_types.all()),
                                 "event__set__document")
        if rows:
            raise InUse(_("%(arguments)s fill %(role)s with a type %(target)s does not allow there.")
                        % {"arguments": _arguments_message(rows, documents), "role": role.key,
                           "target": target.key}, "target")
        if new.max_count is not None:
            crowded = events.filter(arguments__role=role).annotate(n=Count("arguments")).filter(n__gt=new.max_count)
            if crowded.exists():
                raise InUse(_("%(events)s have more %(role)s than %(target)s allows (%(max)s).")
                            % {"events": ngettext("%(count)d event", "%(count)d events", crowded.count())
                               % {"count": crowded.count()}, "role": role.key, "target": target.key,
                               "max": new.max_count}, "target")
    applicable = {a.key for a in target.project.attribute_types.filter(Q(event_types=target) | Q(event_types=None))}
    for attribute in source.project.attribute_types.exclude(key__in=applicable):
        rows, documents = _count(events.filter(attributes__has_key=attribute.key), "set__document")
        if rows:
            raise InUse(_("%(key)s is set on %(events)s in %(documents)s, and %(target)s events do not take it.")
                        % {"key": attribute.key, "target": target.key, **_events_in_documents(rows, documents)},
                        "target")
    role_moves = [(role, target_roles[role.key]) for role in source.roles.all() if role.key in target_roles]

    def move(annotation_set):
        for old, new in role_moves:
            Argument.objects.filter(event__set=annotation_set, role=old).update(role=new)
        Event.objects.filter(set=annotation_set, event_type=source).update(event_type=target)

    with transaction.atomic():
        merge_id = _per_set(user, events.values("set_id"), move, f"{source.key} → {target.key}")
        in_project = Suggestion.objects.filter(document__project=source.project_id)
        _record_outside_sets(merge_id, source.project_id, event_source=source.pk,
                             suggestions=_retype_suggestions(in_project, "event_type_id", source.pk, target.pk))
    return merge_id


def merge_relation_type(user, source: RelationType, target: RelationType) -> str:
    _check_pair(source, target)
    relations = Relation.objects.filter(relation_type=source)
    outside = relations.filter(~Q(source__entity_type__in=target.source_types.all())
                               | ~Q(target__entity_type__in=target.target_types.all()))
    twins = relations.filter(set__relations__relation_type=target, set__relations__source=F("source"),
                             set__relations__target=F("target"))
    for queryset in (outside, twins):
        rows, documents = _count(queryset, "set__document")
        if rows:
            raise InUse(_("%(relations)s cannot become %(target)s relations.")
                        % {"relations": _relations_message(rows, documents), "target": target.key}, "target")

    def move(annotation_set):
        Relation.objects.filter(set=annotation_set, relation_type=source).update(relation_type=target)

    with transaction.atomic():
        return _per_set(user, relations.values("set_id"), move, f"{source.key} → {target.key}")


def merge_role(user, source: RoleType, target: RoleType) -> str:
    """Every argument filling `source` fills `target` (a role of the same event type)
    instead: how a role in use is removed or narrowed without losing annotations."""
    if source.pk == target.pk or source.event_type_id != target.event_type_id:
        raise Invalid(_("Merge a role into another role of the same event type."), "target")
    arguments = Argument.objects.filter(role=source)
    rows, documents = _count(arguments.exclude(span__entity_type__in=target.allowed_types.all()),
                             "event__set__document")
    if rows:
        raise InUse(_("%(arguments)s fill %(role)s with a type %(target)s does not allow there.")
                    % {"arguments": _arguments_message(rows, documents), "role": source.key,
                       "target": target.key}, "target")
    twins = Event.objects.filter(pk__in=arguments.filter(event__arguments__role=target,
                                                        event__arguments__span=F("span")).values("event_id"))
    if target.max_count is not None:
        crowded = (Event.objects.filter(arguments__role__in=[source, target]).annotate(n=Count("arguments"))
                   .filter(n__gt=target.max_count))
    else:
        crowded = Event.objects.none()
    for queryset in (twins, crowded):
        rows, documents = _count(queryset, "set__document")
        if rows:
            raise InUse(_("%(events)s in %(documents)s would have too many %(role)s, or the same filler twice.")
                        % {**_events_in_documents(rows, documents), "role": target.key}, "target")

    def move(annotation_set):
        Argument.objects.filter(event__set=annotation_set, role=source).update(role=target)

    with transaction.atomic():
        merge_id = _per_set(user, arguments.values("event__set_id"), move, f"{source.key} → {target.key}")
        proposals = Suggestion.objects.filter(event_type=source.event_type_id)
        _record_outside_sets(merge_id, source.event_type.project_id,
                             suggestion_arguments=_rename_in_arguments(proposals, "role", source.key, target.key))
    return merge_id


def merge_attribute_value(user, attribute: AttributeType, value: str, into: str) -> str:
    """Every event whose attribute has `value` gets `into` instead, so the value can then
    be removed from the enumeration."""
    keys = [v["key"] for v in attribute.values or []]
    if attribute.kind != AttributeType.Kind.ENUM or value not in keys or into not in keys or value == into:
        raise Invalid(_("Merge a value into another value of the same attribute."), "into")
    events = Event.objects.filter(event_type__project=attribute.project, **{f"attributes__{attribute.key}": value})

    def move(annotation_set):
        changed = list(events.filter(set=annotation_set))
        for event in changed:
            event.attributes = {**event.attributes, attribute.key: into}
        Event.objects.bulk_update(changed, ["attributes"])

    with transaction.atomic():
        return _per_set(user, events.values("set_id"), move, f"{attribute.key}: {value} → {into}")


def _check_pair(source, target) -> None:
    if source.pk == target.pk or getattr(source, "project_id", None) != getattr(target, "project_id", None):
        raise Invalid(_("Merge a type into another type of the same project."), "target")


def _per_set(user, set_ids, move, label: str, action: str = MERGE, **extra) -> str:
    """Run `move(set)` for each set as its own recorded action (the set's history and
    undo stack show it), bumping each set's version; all share one merge id."""
    merge_id = uuid.uuid4().hex
    sets = AnnotationSet.objects.select_for_update().filter(pk__in=set_ids).order_by("pk")
    for annotation_set in sets:
        with recorded(user, action, annotation_set), pghistory.context(merge=merge_id, label=label, **extra):
            bump_version(annotation_set, ANY_VERSION)
            move(annotation_set)
    return merge_id


def _retype_suggestions(suggestions, field: str, source: int, target: int) -> dict:
    """The suggestions of type `source` (pending or decided) become `target` ones; what
    moved, for the undo."""
    ids = list(suggestions.filter(**{field: source}).values_list("pk", flat=True))
    Suggestion.objects.filter(pk__in=ids).update(**{field: target})
    return {"field": field, "from": source, "to": target, "ids": ids} if ids else {}


def _rename_in_arguments(suggestions, name: str, old: str, new: str) -> dict:
    """In event suggestions' proposed arguments ({"role", "type", ...}), `name` old → new;
    which arguments changed, for the undo."""
    changed, where = [], {}
    for suggestion in suggestions.filter(kind=Suggestion.Kind.EVENT, arguments__contains=[{name: old}]):
        hits = [i for i, argument in enumerate(suggestion.arguments) if argument.get(name) == old]
        for i in hits:
            suggestion.arguments[i][name] = new
        where[str(suggestion.pk)] = hits
        changed.append(suggestion)
    Suggestion.objects.bulk_update(changed, ["arguments"], batch_size=500)
    return {"name": name, "from": old, "to": new, "at": where} if where else {}


def _record_outside_sets(merge_id: str, project_id: int, **changed) -> None:
    """Keep what the merge changed outside the annotation sets, for undo_merge."""
    Context.objects.create(metadata={"merge": merge_id, "action": MERGE_RECORD, "project": project_id, **changed})


def _restore_outside_sets(record: Context) -> None:
    moved = record.metadata.get("suggestions")
    if moved:
        Suggestion.objects.filter(pk__in=moved["ids"], **{moved["field"]: moved["to"]}).update(
            **{moved["field"]: moved["from"]})
    renamed = record.metadata.get("suggestion_arguments")
    if renamed:
        changed = list(Suggestion.objects.filter(pk__in=[int(pk) for pk in renamed["at"]]))
        for suggestion in changed:
            for i in renamed["at"][str(suggestion.pk)]:
                if i < len(suggestion.arguments) and suggestion.arguments[i].get(renamed["name"]) == renamed["to"]:
                    suggestion.arguments[i][renamed["name"]] = renamed["from"]
        Suggestion.objects.bulk_update(changed, ["arguments"], batch_size=500)
    record.metadata["undone"] = True
    record.save(update_fields=["metadata", "updated_at"])


def merge_contexts(merge_id: str) -> list[Context]:
    return list(Context.objects.filter(metadata__merge=merge_id, metadata__action__in=[MERGE, NARROW])
                .order_by("created_at"))


def _merge_record(merge_id: str) -> Context | None:
    return Context.objects.select_for_update().filter(metadata__merge=merge_id, metadata__action=MERGE_RECORD).first()


@transaction.atomic
def undo_merge(user, project: Project, merge_id: str) -> int:
    """Revert a merge in every set it touched (each set's version bumped); returns the
    number of sets. Refused, changing nothing, when a merged annotation changed since or
    the merged type was deleted. The suggestions and knowledge-base entries the merge
    moved go back too (merges recorded before MERGE_RECORD existed keep `kb` in their
    set contexts)."""
    contexts = merge_contexts(merge_id)
    record = _merge_record(merge_id)
    sets = {s.pk: s for s in AnnotationSet.objects.select_for_update().filter(
        pk__in=[c.metadata["set"] for c in contexts], document__project=project)}
    if (not contexts and record is None) or len(sets) != len(contexts) or (
            record is not None and record.metadata.get("project") != project.pk):
        raise Invalid(_("No such merge in this project."), "merge")
    if (record is not None and record.metadata.get("undone")) or Context.objects.filter(
            metadata__reverts__in=[str(c.id) for c in contexts]).exists():
        raise Invalid(_("This merge was undone already."), "merge")
    outside = record.metadata if record is not None else contexts[0].metadata
    entity_source, event_source = outside.get("entity_source"), outside.get("event_source")
    if (entity_source and not EntityType.objects.filter(pk=entity_source).exists()) or (
            event_source and not EventType.objects.filter(pk=event_source).exists()):
        raise Invalid(_("The merged type was deleted since: the merge cannot be undone."), "merge")
    narrowed = outside.get("narrowed_role")
    if narrowed:  # the role first, so that the arguments put back fit it
        if not RoleType.objects.filter(pk=narrowed["role"]).exists():
            raise Invalid(_("The narrowed role was deleted since: the change cannot be undone."), "merge")
        _restore_narrowed_role(narrowed)
    for context in contexts:
        history.revert_context(sets[context.metadata["set"]], user, context, history.UNDO, ANY_VERSION, locked_too=True)
    kb = outside.get("kb") or []
    if kb:
        KBEntity.objects.filter(pk__in=kb).update(entity_type_id=entity_source)
    if record is not None:
        _restore_outside_sets(record)
    return len(contexts)


def _next_order(manager) -> int:
    last = manager.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


# --- replacing the whole schema (PUT /api/projects/<slug>/schema/) ----------------------

@transaction.atomic
def replace_schema(project: Project, data: dict) -> None:
    """Make the project's schema the one described (the schema file format), item by
    item through the checks above: matched by key, added, changed or deleted. The first
    refusal undoes the whole replacement."""
    from corpus.schema_file import check_schema

    problems = check_schema(data)
    if problems:
        raise Invalid("; ".join(problems[:5]), "schema")
    entities = {t.key: t for t in project.entity_types.all()}
    for item in data.get("entity_types", []):
        existing = entities.get(item["key"])
        entities[item["key"]] = save_entity_type(
            project, existing, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            colour=item.get("colour", existing.colour if existing else "#5c6b73"), shortcut=item.get("shortcut", ""),
            description=item.get("description", ""),
            kb_linkable=item.get("kb_linkable", existing.kb_linkable if existing else True))
    events = {e.key: e for e in project.event_types.all()}
    for item in data.get("event_types", []):
        existing = events.get(item["key"])
        event_type = events[item["key"]] = save_event_type(
            project, existing, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            colour=item.get("colour", existing.colour if existing else "#5c6b73"), shortcut=item.get("shortcut", ""),
            triggers=item.get("triggers", []))
        roles = {r.key: r for r in event_type.roles.all()}
        for role in item.get("roles", []):
            save_role(event_type, roles.pop(role["key"], None), key=role["key"], name_ar=role["name_ar"],
                      name_en=role["name_en"], allowed=[entities[k] for k in role["allowed"]],
                      min_count=role.get("min", 0), max_count=role.get("max"))
        for role in roles.values():
            delete_role(role)
    attributes = {a.key: a for a in project.attribute_types.all()}
    for item in data.get("attribute_types", []):
        save_attribute_type(project, attributes.pop(item["key"], None), key=item["key"], name_ar=item["name_ar"],
                            name_en=item["name_en"], kind=item.get("kind", "enum"), values=item.get("values", []),
                            default=item.get("default", ""),
                            event_types=[events[k] for k in item.get("event_types", [])])
    relations = {r.key: r for r in project.relation_types.all()}
    for item in data.get("relation_types", []):
        save_relation_type(project, relations.pop(item["key"], None), key=item["key"], name_ar=item["name_ar"],
                           name_en=item["name_en"], sources=[entities[k] for k in item["source"]],
                           targets=[entities[k] for k in item["target"]])
    for relation in relations.values():
        delete_relation_type(relation)
    for attribute in attributes.values():
        delete_attribute_type(attribute)
    wanted = {item["key"] for item in data.get("event_types", [])}
    for key, event_type in events.items():
        if key not in wanted:
            delete_event_type(event_type)
    wanted = {item["key"] for item in data.get("entity_types", [])}
    for key, entity_type in entities.items():
        if key not in wanted:
            delete_entity_type(entity_type)
