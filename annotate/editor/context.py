"""What the editor's page and partials show, read in a constant number of queries.

editor_context: the whole editor (the text with its marks, the span list, events with
their role slots and attributes, relations, pending suggestions, the set's state; with
`full_page`, the palettes and neighbours around them). span_write_context: the smaller
answer to a span write (SpanWrite), the blocks of text around the span and the span
list's change. The HTML of the text itself is annotate.editor.rendering's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from annotate import services
from annotate.editor.rendering import (
    AttributeView,
    Choice,
    EventView,
    Filler,
    ProposedArgument,
    RelationView,
    Slot,
    SpanView,
    SuggestionView,
    blocks_around,
    render_blocks,
    render_span_item,
    render_span_list,
)
from annotate.models import AnnotationSet, Argument, Event, Relation, Span, Suggestion
from annotate.set_refs import set_ref
from annotate.views.pages import progress_for
from annotate.views.pretag import TAGGER_LABELS
from corpus.models import Document, Project, RoleType, localised_name
from corpus.schema import ProjectSchema
from corpus.text.offsets import valid_span


def _neighbours(document: Document) -> tuple[int | None, int | None]:
    """Previous and next documents in import order (one query: two subqueries)."""
    siblings = Document.objects.filter(project_id=document.project_id)
    before = siblings.filter(order__lt=OuterRef("order")).order_by("-order").values("pk")[:1]
    after = siblings.filter(order__gt=OuterRef("order")).order_by("order").values("pk")[:1]
    row = siblings.filter(pk=document.pk).annotate(
        previous=Subquery(before), following=Subquery(after)).values_list("previous", "following").first()
    return row or (None, None)


def _attribute_views(attributes: dict, values: dict) -> list[AttributeView]:
    out = []
    for key, attribute in attributes.items():
        choices = [Choice(v["key"], localised_name(v), v.get("shortcut", "")) for v in attribute.values or []]
        if attribute.kind == "bool":
            choices = [Choice("true", _("yes"), ""), Choice("false", _("no"), "")]
        value = values.get(key, attribute.default if attribute.kind == "enum" else None)
        if attribute.kind == "bool" and isinstance(value, bool):
            value = "true" if value else "false"
        out.append(AttributeView(key, attribute.label, attribute.kind, value, choices))
    return out


def _event_rows(annotation_set: AnnotationSet, within: tuple[int, int] | None = None) -> list[tuple]:
    """The set's events (with `within`, only those triggered inside that range)."""
    if annotation_set.pk is None:  # not created yet (services.own_set_or_new): empty
        return []
    events = Event.objects.filter(set=annotation_set)
    if within is not None:
        events = events.filter(trigger_start__lt=within[1], trigger_end__gt=within[0])
    return list(events.order_by("trigger_start", "pk").values_list(
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
            r.key: Slot(r.key, r.model.label, sorted(r.allowed), r.min_count, r.max_count)
            for r in event_schema.roles.values()
        }
        for argument_id, role_id, span_id in fillers.get(pk, ()):
            span = spans.get(span_id)
            slot = slots.get(role_keys.get(role_id))
            if span is not None and slot is not None:
                slot.fillers.append(Filler(argument_id, span_id, text[span.start:span.end], span.type_key))
        model = event_schema.model
        views.append(EventView(
            pk, model.key, model.label, model.colour, start, end, text[start:end], list(slots.values()),
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
            pk, model.key, model.label, model.colour, source_id, target_id,
            text[source.start:source.end], text[target.start:target.end],
        ))
    return views


def suggestion_views(annotation_set: AnnotationSet, entity_types: list) -> list[SuggestionView]:
    """The set's pending suggestions (pending_suggestion_views), after one EXISTS query.

    A document nobody pre-tagged skips the service: its query takes ~15 ms to build
    (Django compiles four EXISTS subqueries), a plain EXISTS well under one."""
    if not Suggestion.objects.filter(document_id=annotation_set.document_id).exists():
        return []
    return pending_suggestion_views(annotation_set, entity_types)


def pending_suggestion_views(annotation_set: AnnotationSet, entity_types: list) -> list[SuggestionView]:
    """The set's pending suggestions (annotate.services.pending_suggestions: two queries),
    plus one query for role names when an event suggestion proposes arguments."""
    text = annotation_set.document.text
    pending = services.pending_suggestions(annotation_set)
    type_labels = {t.key: t.label for t in entity_types}
    event_type_ids = {s.event_type_id for s in pending if s.event_type_id and s.arguments}
    role_labels = {
        (role.event_type_id, role.key): role.label
        for role in RoleType.objects.filter(event_type_id__in=event_type_ids)
    } if event_type_ids else {}
    views = []
    for suggestion in pending:
        schema_type = suggestion.entity_type or suggestion.event_type
        arguments = [
            ProposedArgument(
                str(a.get("role", "")),
                role_labels.get((suggestion.event_type_id, a.get("role")), str(a.get("role", ""))),
                str(a.get("type", "")), type_labels.get(a.get("type"), str(a.get("type", ""))),
                text[a["start"]:a["end"]],
            )
            for a in (suggestion.arguments or [])
            if isinstance(a, dict) and valid_span(text, a.get("start"), a.get("end"))
        ]
        views.append(SuggestionView(
            suggestion.pk, suggestion.kind, schema_type.key, schema_type.label, schema_type.colour,
            suggestion.start, suggestion.end, text[suggestion.start:suggestion.end], suggestion.tagger,
            str(TAGGER_LABELS.get(suggestion.tagger, suggestion.tagger)), suggestion.score, suggestion.value,
            arguments,
        ))
    return views


def _palettes(project: Project) -> dict:
    """The event types and the relation types (for the link chooser) of the full page:
    two queries, each relation type's source and target type keys aggregated with it."""
    relation_types = project.relation_types.annotate(
        sources=ArrayAgg("source_types__key", distinct=True), targets=ArrayAgg("target_types__key", distinct=True))
    return {
        "event_types": [{"type": t, "label": t.label} for t in project.event_types.all()],
        "relation_types": [
            # A relation type without sources (or targets) aggregates [None].
            {"key": r.key, "label": r.label, "sources": sorted(filter(None, r.sources)),
             "targets": sorted(filter(None, r.targets))}
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
    spans = span_views(annotation_set, types)
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
        "set_ref": set_ref(annotation_set),
        "locked": locked,
        "status_label": annotation_set.get_status_display(),
        "entity_types": [{"type": t, "label": t.label} for t in types],
        "text_html": render_blocks(
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
        "editor_url": editor_url(document),
    }
    if full_page:
        context.update(_palettes(project))
    context.update(extra)
    return context


def span_views(annotation_set: AnnotationSet, entity_types: list) -> list[SpanView]:
    """Every span of the set, in no particular order (one query; none for a set not
    created yet)."""
    if annotation_set.pk is None:
        return []
    rows = Span.objects.filter(set=annotation_set).order_by().values_list("pk", "entity_type_id", "start", "end")
    return _named_spans(rows, entity_types)


def editor_url(document: Document) -> str:
    return reverse("editor", args=[document.project.slug, document.pk])


@dataclass(frozen=True)
class SpanWrite:
    """What a span endpoint changed: the span, its place, its entity type before and
    after (None: it did not exist before, or no longer does), and whether it reached
    the events or links (it filled a role or ended a link: those panels change too)."""

    span_id: int
    start: int
    end: int
    type_before: int | None
    type_after: int | None
    reaches_links: bool = False
    offered: int = 0  # suggestions it added or retyped at the name's other occurrences (the whole editor is redrawn)

    @property
    def selected(self) -> int | None:
        """The span to select afterwards: the one written, unless it is gone."""
        return self.span_id if self.type_after is not None else None

    @property
    def type_ids(self) -> list[int]:
        return [t for t in (self.type_before, self.type_after) if t is not None]


def span_write_context(annotation_set: AnnotationSet, write: SpanWrite) -> dict | None:
    """What the span write's answer shows (template partial "spanwrite"): the blocks of
    text around the span, the span list's change and count, the set's state. None when
    the suggestions layer moves (the whole editor is then redrawn). One query on a
    document without suggestions or events there (_read_around)."""
    text = annotation_set.document.text
    types = services.entity_types(annotation_set.document.project)  # already loaded by the service
    lo, hi = blocks_around(text, write.start, write.end)
    around = _read_around(annotation_set, write, lo, hi)
    suggestions = _suggestions_if_unmoved(annotation_set, write, types) if around.suggested else []
    if suggestions is None:
        return None
    spans = _named_spans(around.span_rows, types)
    triggers = _trigger_marks(annotation_set, types, around.event_rows)
    return {
        "set": annotation_set,
        "set_ref": set_ref(annotation_set),
        "locked": False,  # a write was just accepted: the set is open
        "status_label": annotation_set.get_status_display(),
        "selected": write.selected,
        "blocks_html": render_blocks(
            text, spans, triggers, [s.as_mark() for s in suggestions], within=(lo, hi), oob=True),
        "span_count": around.span_count,
        **_span_list_change(text, spans, write, around.next_span_id),
    }


class _Around(NamedTuple):
    span_rows: list[tuple]  # the set's spans in the blocks: pk, entity type id, start, end
    span_count: int  # how many spans the set has
    next_span_id: int | None  # the span after the written one in the span list
    event_rows: list[tuple]  # the events triggered in the blocks, shaped like _event_rows'
    suggested: bool  # whether the document has suggestions at all


# Rows (kind, id, type id, start, end): the set's spans in text[lo:hi], their count, the
# span after the written one in list order (start, longest first, id), the events
# triggered in text[lo:hi], and one suggestion of the document if it has any. Written
# out: the same as a union of ORM querysets took longer than the rest of the answer.
_AROUND_SQL = """
SELECT 'span', id, entity_type_id, start, "end" FROM {span}
 WHERE set_id = %(set)s AND start < %(hi)s AND "end" > %(lo)s
UNION ALL
SELECT 'count', count(*), NULL, NULL, NULL FROM {span} WHERE set_id = %(set)s
UNION ALL
(SELECT 'next', id, NULL, NULL, NULL FROM {span}
  WHERE set_id = %(set)s AND (start, -"end", id) > (%(start)s, -%(end)s, %(id)s)
  ORDER BY start, "end" DESC, id LIMIT 1)
UNION ALL
SELECT 'event', id, event_type_id, trigger_start, trigger_end FROM {event}
 WHERE set_id = %(set)s AND trigger_start < %(hi)s AND trigger_end > %(lo)s
UNION ALL
(SELECT 'suggestion', id, NULL, NULL, NULL FROM {suggestion} WHERE document_id = %(document)s LIMIT 1)
"""


def _read_around(annotation_set: AnnotationSet, write: SpanWrite, lo: int, hi: int) -> _Around:
    """What a span write's answer needs from the database (see _AROUND_SQL), in one query."""
    tables = {name: connection.ops.quote_name(model._meta.db_table)
              for name, model in (("span", Span), ("event", Event), ("suggestion", Suggestion))}
    params = {"set": annotation_set.pk, "document": annotation_set.document_id, "lo": lo, "hi": hi,
              "start": write.start, "end": write.end, "id": write.span_id}
    with connection.cursor() as cursor:
        cursor.execute(_AROUND_SQL.format(**tables), params)
        rows = cursor.fetchall()
    found = {"span": [], "count": [], "next": [], "event": [], "suggestion": []}
    for kind, *row in rows:
        found[kind].append(row)
    return _Around(
        span_rows=[tuple(row) for row in found["span"]],
        span_count=found["count"][0][0],
        next_span_id=found["next"][0][0] if found["next"] else None,
        event_rows=[(*row, {}) for row in found["event"]],  # no attributes: a mark does not show them
        suggested=bool(found["suggestion"]),
    )


def _named_spans(rows, entity_types: list) -> list[SpanView]:
    """Span rows (pk, entity type id, start, end) as views: each type's key, colour and
    label looked up once, not once a span."""
    looks = {t.pk: (t.key, t.colour, t.label) for t in entity_types}
    return [SpanView(pk, *looks[type_id], start, end) for pk, type_id, start, end in rows]


def _suggestions_if_unmoved(annotation_set: AnnotationSet, write: SpanWrite, entity_types: list):
    """The pending suggestions of a document that has some, or None when the write
    changes which are pending.

    Only an entity suggestion at the span's place (of any type: a mark of another type
    hides it too) is hidden by it (or shown again without it); merging then decides anew
    among every suggestion overlapping that one, possibly far from the span. So none there
    means nothing moved. A retype leaves the extent marked: only suggestions of its two
    types there move."""
    place = Q(kind=Suggestion.Kind.ENTITY, start=write.start, end=write.end)
    if write.type_before is not None and write.type_after is not None:
        place &= Q(entity_type_id__in=write.type_ids)
    if Suggestion.objects.filter(place, document_id=annotation_set.document_id).exists():
        return None
    return pending_suggestion_views(annotation_set, entity_types)


def _trigger_marks(annotation_set: AnnotationSet, entity_types: list, event_rows: list[tuple]) -> list[SpanView]:
    """The events' trigger marks. Whether one is incomplete (a required role empty)
    takes the schema, the arguments and every span: queries only when there are events."""
    if not event_rows:
        return []
    schema = ProjectSchema.load(annotation_set.document.project)
    spans = {span.id: span for span in span_views(annotation_set, entity_types)}
    return [event.as_mark() for event in event_views(annotation_set, schema, spans, event_rows)]


def _span_list_change(text: str, spans: list[SpanView], write: SpanWrite, next_span_id: int | None) -> dict:
    """The span list's change, for the template: the item to insert and the item it goes
    before (None: at the end), the item to replace, or the id of the item to remove."""
    written = next((span for span in spans if span.id == write.span_id), None)
    if written is None:
        return {"removed_item": write.span_id}
    if write.type_before is not None:
        return {"replaced_item": render_span_item(text, written, oob=True)}
    return {"added_item": render_span_item(text, written), "added_before": next_span_id}


def fills_a_role_or_link(span: Span) -> bool:
    """Whether an event argument or a relation uses the span (one query)."""
    uses = Argument.objects.filter(span_id=span.pk).values("pk").union(
        Relation.objects.filter(Q(source_id=span.pk) | Q(target_id=span.pk)).values("pk"), all=True)
    return uses.exists()
