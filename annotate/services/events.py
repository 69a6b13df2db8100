"""Events: a trigger, a type, attribute values and arguments (role → span), all
validated against the project schema. A missing required role does not block
saving work in progress; it blocks Submit (see `set_problems`)."""
from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from annotate.models import AnnotationSet, Argument, Event, Span
from annotate.services.base import (
    Invalid,
    bump_version,
    check_offsets,
    ensure_editable,
    from_schema,
    recorded,
    snapped,
)
from annotate.services.spans import add_span
from corpus.schema import ProjectSchema


def schema_of(annotation_set: AnnotationSet) -> ProjectSchema:
    return ProjectSchema.load(annotation_set.document.project)


def create_event(
    annotation_set: AnnotationSet,
    user,
    *,
    event_type: str,
    trigger_start: int,
    trigger_end: int,
    version: int | None,
    attributes: dict | None = None,
    snap_to_tokens: bool = True,
    origin: dict | None = None,
) -> Event:
    document = annotation_set.document
    schema = schema_of(annotation_set)
    with from_schema():
        event_schema = schema.event(event_type)
        values = schema.default_attributes(event_type)
        for key, value in (attributes or {}).items():
            values[key] = schema.check_attribute(event_type, key, value)
    start, end = check_offsets(document.text, trigger_start, trigger_end, "trigger_start")
    if snap_to_tokens:
        start, end = snapped(document, start, end)
    with recorded(user, "create_event", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        return Event.objects.create(
            set=annotation_set, event_type=event_schema.model, trigger_start=start, trigger_end=end,
            attributes=values, origin=origin or {},
        )


def change_event_type(event: Event, user, *, event_type: str, version: int | None) -> Event:
    """Change the type; arguments keep their role when the new type has it and accepts
    their entity type, otherwise the change is refused (nothing is dropped silently)."""
    annotation_set = event.set
    schema = schema_of(annotation_set)
    arguments = list(event.arguments.select_related("role", "span__entity_type"))
    with from_schema():
        new = schema.event(event_type)
        counts: Counter = Counter()
        for argument in arguments:
            schema.check_argument(event_type, argument.role.key, argument.span.entity_type.key,
                                  counts[argument.role.key])
            counts[argument.role.key] += 1
        attributes = {k: v for k, v in event.attributes.items() if k in new.attributes}
    with recorded(user, "change_event_type", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        for argument in arguments:
            argument.role = new.roles[argument.role.key].model
            argument.save(update_fields=["role"])
        event.event_type, event.attributes = new.model, {**schema.default_attributes(event_type), **attributes}
        event.save(update_fields=["event_type", "attributes"])
    return event


def set_event_attribute(event: Event, user, *, key: str, value, version: int | None) -> Event:
    annotation_set = event.set
    with from_schema():
        value = schema_of(annotation_set).check_attribute(event.event_type.key, key, value)
    with recorded(user, "set_event_attribute", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        event.attributes = {**event.attributes, key: value}
        event.save(update_fields=["attributes"])
    return event


def delete_event(event: Event, user, *, version: int | None) -> None:
    """Delete the event and its arguments; the argument spans stay (they are entities)."""
    annotation_set = event.set
    with recorded(user, "delete_event", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        event.delete()


def _check_new_argument(event: Event, role: str, entity_key: str) -> None:
    already = event.arguments.filter(role__key=role).count()
    with from_schema():
        schema_of(event.set).check_argument(event.event_type.key, role, entity_key, already)


def add_argument(event: Event, user, *, role: str, span: Span, version: int | None) -> Argument:
    annotation_set = event.set
    if span.set_id != annotation_set.pk:
        raise Invalid(_("An argument must be a span of the same annotation set."), "span")
    with recorded(user, "add_argument", annotation_set):
        ensure_editable(annotation_set)
        _check_new_argument(event, role, span.entity_type.key)
        bump_version(annotation_set, version)
        return _insert_argument(event, role, span)


def add_argument_from_selection(
    event: Event, user, *, role: str, entity_type: str, start: int, end: int, version: int | None,
    snap_to_tokens: bool = True,
) -> Argument:
    """Mark the selected text as an entity (or reuse the identical span) and fill the
    role with it, in one step and one version."""
    annotation_set = event.set
    with recorded(user, "add_argument", annotation_set):
        ensure_editable(annotation_set)
        _check_new_argument(event, role, entity_type)
        span = add_span(annotation_set, entity_type=entity_type, start=start, end=end,
                        snap_to_tokens=snap_to_tokens, reuse=True)
        bump_version(annotation_set, version)
        return _insert_argument(event, role, span)


def _insert_argument(event: Event, role: str, span: Span) -> Argument:
    role_type = schema_of(event.set).role(event.event_type.key, role).model
    try:
        with transaction.atomic():
            return Argument.objects.create(event=event, role=role_type, span=span)
    except IntegrityError:
        raise Invalid(_("That span already fills this role."), "span") from None


def remove_argument(argument: Argument, user, *, version: int | None) -> None:
    annotation_set = argument.event.set
    with recorded(user, "remove_argument", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        argument.delete()


def set_problems(annotation_set: AnnotationSet) -> list[str]:
    """What blocks Submit: events lacking required roles, each named with its trigger."""
    if annotation_set.pk is None:  # not created yet: no events
        return []
    schema = schema_of(annotation_set)
    events = annotation_set.events.select_related("event_type").prefetch_related("arguments__role")
    problems = []
    for event in events:
        counts = Counter(argument.role.key for argument in event.arguments.all())
        for role, minimum in schema.missing_roles(event.event_type.key, counts):
            problems.append(
                _("%(event)s «%(trigger)s» needs at least %(min)s %(role)s.")
                % {"event": event.event_type.key, "trigger": event.trigger_text,
                   "min": minimum, "role": role}
            )
    return problems
