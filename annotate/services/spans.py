"""Entity spans: create (validated and snapped), change type, delete."""
from __future__ import annotations

import json

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from annotate.models import AnnotationSet, Span
from annotate.services.base import (
    Invalid,
    bump_version,
    check_offsets,
    ensure_editable,
    entity_type_for,
    from_schema,
    recorded,
    snapped,
)
from corpus.schema import ProjectSchema


def create_span(
    annotation_set: AnnotationSet,
    user,
    *,
    entity_type,
    start: int,
    end: int,
    version: int | None,
    snap_to_tokens: bool = True,
    origin: dict | None = None,
) -> Span:
    with recorded(user, "create_span", annotation_set):
        ensure_editable(annotation_set)
        span = add_span(
            annotation_set, entity_type=entity_type, start=start, end=end,
            snap_to_tokens=snap_to_tokens, origin=origin,
        )
        bump_version(annotation_set, version)
        return span


def add_span(
    annotation_set: AnnotationSet,
    *,
    entity_type,
    start: int,
    end: int,
    snap_to_tokens: bool = True,
    origin: dict | None = None,
    reuse: bool = False,
) -> Span:
    """Validate, snap and insert a span inside the caller's recorded transaction
    (the caller bumps the version). With `reuse`, an identical span is returned
    instead of refused."""
    document = annotation_set.document
    etype = entity_type_for(document.project, entity_type)
    start, end = check_offsets(document.text, start, end)
    if snap_to_tokens:
        start, end = snapped(document, start, end)
    if reuse:
        existing = Span.objects.filter(set=annotation_set, entity_type=etype, start=start, end=end).first()
        if existing is not None:
            return existing
    inserted = insert_spans(annotation_set, {(etype.pk, start, end): origin or {}})
    if not inserted:
        raise Invalid(
            _("«%(text)s» is already marked as %(type)s.")
            % {"text": document.text[start:end], "type": etype.label or etype.key},
            "start",
        )
    span = Span(id=inserted[(etype.pk, start, end)], set=annotation_set, entity_type=etype, start=start, end=end,
                origin=origin or {})
    span._state.adding, span._state.db = False, connection.alias
    return span


_INSERT_SPANS = """
INSERT INTO annotate_span (set_id, entity_type_id, start, "end", kb_entity_id, origin)
SELECT %s, u.t, u.s, u.e, u.k, u.o::jsonb
FROM unnest(%s::bigint[], %s::integer[], %s::integer[], %s::bigint[], %s::text[]) AS u(t, s, e, k, o)
ON CONFLICT ON CONSTRAINT span_unique_in_set DO NOTHING RETURNING entity_type_id, start, "end", id
"""


def insert_spans(annotation_set: AnnotationSet, new: dict[tuple[int, int, int], dict],
                 links: dict[tuple[int, int, int], int] | None = None) -> dict[tuple, int]:
    """Insert spans, (type id, start, end) -> origin (and -> knowledge-base entity id in
    `links`, for those that link one), in one statement; returns the id of each one
    inserted. A place the set already has is left out: the unique constraint answers
    "already marked" in the same statement (no look-up first, and two clicks racing get
    the message, not an error). Django's cursor, so the history context goes with it."""
    if not new:
        return {}
    places = list(new)
    links = links or {}
    params = [annotation_set.pk, [p[0] for p in places], [p[1] for p in places], [p[2] for p in places],
              [links.get(p) for p in places], [json.dumps(new[p], ensure_ascii=False) for p in places]]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SPANS, params)
        return {(t, s, e): pk for t, s, e, pk in cursor.fetchall()}


def change_span_type(span: Span, user, *, entity_type, version: int | None) -> Span:
    """Change the type. Refused while the span fills a role or a relation end that the
    new type may not; a knowledge-base link to an entity of another type is dropped. The
    name's undecided offers in the document follow the new type (other_occurrences);
    `span.retyped_offers` says how many did."""
    from annotate.services.other_occurrences import retype_other_occurrences  # it imports the services

    annotation_set = span.set
    etype = entity_type_for(annotation_set.document.project, entity_type)
    span.retyped_offers = 0
    if etype.pk == span.entity_type_id:
        return span
    _check_uses_allow(span, etype.key)
    with recorded(user, "change_span_type", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        before = span.entity_type_id
        span.entity_type = etype
        if span.kb_entity_id and span.kb_entity.entity_type_id != etype.pk:
            span.kb_entity = None
        try:
            with transaction.atomic():
                span.save(update_fields=["entity_type", "kb_entity"])
        except IntegrityError:
            raise Invalid(_("The same text is already marked as %(type)s.") % {"type": etype.label or etype.key},
                          "entity_type") from None
        span.retyped_offers = retype_other_occurrences(annotation_set, span, before)
    return span


def _check_uses_allow(span: Span, type_key: str) -> None:
    schema = ProjectSchema.load(span.set.document.project)
    for argument in span.arguments.select_related("event__event_type", "role"):
        allowed = schema.role(argument.event.event_type.key, argument.role.key).allowed
        if type_key not in allowed:
            raise Invalid(
                _("This span is the %(role)s of a %(event)s event, which cannot be a %(type)s; remove it from the event first.")  # noqa: E501 (one msgid)
                % {"role": argument.role.key, "event": argument.event.event_type.key, "type": type_key},
                "entity_type",
            )
    relations = [(r, "source") for r in span.outgoing_relations.select_related("relation_type", "target__entity_type")]
    relations += [(r, "target") for r in span.incoming_relations.select_related("relation_type", "source__entity_type")]
    for relation, end in relations:
        source = type_key if end == "source" else relation.source.entity_type.key
        target = type_key if end == "target" else relation.target.entity_type.key
        with from_schema():
            schema.check_relation(relation.relation_type.key, source, target)


def delete_span(span: Span, user, *, version: int | None) -> None:
    annotation_set = span.set
    with recorded(user, "delete_span", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        span.delete()
