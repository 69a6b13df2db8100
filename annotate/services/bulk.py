"""Many documents' annotations at once (imports): validated in Python against the
project schema (corpus.schema.ProjectSchema, the rules every writer uses) and the same
offset check as one-at-a-time edits (services.base.check_offsets), then written with
COPY in one go per batch, inside a pghistory context so the history says who imported
what from which file.

Two steps, so a caller can validate a whole file before writing any of it:
`check(...)` turns a record into a CheckedDoc (errors, warnings, unknown types); `insert`
writes checked documents into their sets (or as suggestions).

Only what breaks the schema is refused (unknown role, wrong entity type for a role, too
many fillers, offsets outside the text, unknown attribute value); an event missing a
required role is imported and listed as a warning, like work in progress.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import pghistory
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotate.models import (
    AnnotationSet,
    Argument,
    Event,
    EventCluster,
    KBEntity,
    Relation,
    SetKind,
    SetStatus,
    Span,
    Suggestion,
)
from annotate.services.base import ServiceError, check_offsets
from corpus.formats.base import DocumentRecord
from corpus.schema import ProjectSchema, SchemaError
from tawsim.bulk_sql import array_literal, fetch

STATUSES = {choice for choice, _label in SetStatus.choices}


@dataclass(frozen=True)
class Target:
    """Where imported annotations go: the gold set, one annotator's set, or suggestions."""

    kind: str  # "gold" | "annotator" | "suggestions"
    user: object = None
    tagger: str = "import"

    def describe(self) -> str:
        return f"annotator:{self.user.username}" if self.kind == "annotator" else self.kind


@dataclass
class CheckedDoc:
    document_id: int
    record: DocumentRecord
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)  # (kind, key) -> count
    spans: list[tuple] = field(default_factory=list)  # (entity type, start, end, kb id or None, tagger, score)
    # (event schema, start, end, attributes, [(role, span index)], tagger, score)
    events: list[tuple] = field(default_factory=list)
    relations: list[tuple] = field(default_factory=list)  # (relation schema, source index, target index)


@dataclass
class BulkResult:
    spans: int = 0
    events: int = 0
    arguments: int = 0
    relations: int = 0
    suggestions: int = 0

    def add(self, other: BulkResult) -> None:
        for name in ("spans", "events", "arguments", "relations", "suggestions"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _where(record: DocumentRecord, path: str) -> str:
    place = record.source or _("input")
    if record.line is not None:
        place = _("%(where)s, line %(line)d") % {"where": place, "line": record.line}
    return _("%(where)s, field «%(field)s»") % {"where": place, "field": path} if path else place


def check(schema: ProjectSchema, document_id: int, text: str, record: DocumentRecord,
          type_map: dict[str, str] | None = None) -> CheckedDoc:
    """Validate one record's annotations against the schema and the text. `type_map`
    renames types (SOURCE -> TYPE; an empty TYPE leaves those annotations out)."""
    type_map = type_map or {}
    checked = CheckedDoc(document_id, record)
    checked.warnings.extend(record.warnings)
    index: dict[str, int] = {}
    seen: dict[tuple, int] = {}
    for i, span in enumerate(record.entities):
        path = f"entities[{i}]"
        key = type_map.get(span.type, span.type)
        if not key:
            continue
        if key not in schema.entity_types:
            checked.unknown[("entity", key)] += 1
            continue
        if not _offsets_ok(checked, text, span.start, span.end, f"{path}.start"):
            continue
        identity = (key, span.start, span.end)
        if identity in seen:  # the database keeps one span per type and offsets
            index[span.id] = seen[identity]
            continue
        seen[identity] = index[span.id] = len(checked.spans)
        checked.spans.append((schema.entity_types[key], span.start, span.end, _kb_ref(span, key), span.tagger,
                              span.score))
    dropped = {span.id for span in record.entities} - set(index)
    for i, event in enumerate(record.events):
        _check_event(checked, schema, text, event, f"events[{i}]", type_map, index, dropped)
    for i, relation in enumerate(record.relations):
        _check_relation(checked, schema, relation, f"relations[{i}]", type_map, index, dropped)
    return checked


def _kb_ref(span, key: str):
    """What names a span's KB entry: its type and name when the file gives them (found in
    any project), else its id (found in this project only)."""
    if span.kb_name:
        return ("name", span.kb_type or key, span.kb_name)
    return span.kb_id or None


def _cluster_ref(event):
    if event.cluster_name:
        return ("name", event.cluster_name)
    return event.cluster or None


def _offsets_ok(checked: CheckedDoc, text: str, start, end, path: str) -> bool:
    try:
        check_offsets(text, start, end, path)
    except ServiceError as error:
        checked.errors.append(f"{_where(checked.record, error.field)}: {error.message}")
        return False
    return True


def _refuse(checked: CheckedDoc, path: str, error: SchemaError) -> None:
    checked.errors.append(f"{_where(checked.record, path)}: {error.message}")


def _check_event(checked, schema, text, event, path, type_map, index, dropped) -> None:
    key = type_map.get(event.type, event.type)
    if not key:
        return
    if key not in schema.event_types:
        checked.unknown[("event", key)] += 1
        return
    if not _offsets_ok(checked, text, event.trigger_start, event.trigger_end, f"{path}.trigger.start"):
        return
    event_schema = schema.event_types[key]
    counts: Counter = Counter()
    arguments = []
    for j, arg in enumerate(event.arguments):
        if arg.entity_id in dropped:
            checked.warnings.append(_("%(where)s: the argument's entity was left out, so is the argument")
                                    % {"where": _where(checked.record, f"{path}.arguments[{j}]")})
            continue
        if arg.entity_id not in index:
            checked.errors.append(_("%(where)s: refers to entity «%(id)s», which this document does not have")
                                  % {"where": _where(checked.record, f"{path}.arguments[{j}]"), "id": arg.entity_id})
            continue
        span_index = index[arg.entity_id]
        try:
            role = schema.check_argument(key, arg.role, checked.spans[span_index][0].key, counts[arg.role])
        except SchemaError as error:
            _refuse(checked, f"{path}.arguments[{j}]", error)
            continue
        counts[arg.role] += 1
        arguments.append((role, span_index))
    attributes = schema.default_attributes(key)
    for name, value in event.attributes.items():
        try:
            attributes[name] = schema.check_attribute(key, name, value)
        except SchemaError as error:
            _refuse(checked, f"{path}.attributes.{name}", error)
    for role, minimum in schema.missing_roles(key, counts):
        checked.warnings.append(
            _("%(where)s: %(event)s «%(trigger)s» needs at least %(min)s %(role)s (imported as work in progress)")
            % {"where": _where(checked.record, path), "event": key, "min": minimum, "role": role,
               "trigger": text[event.trigger_start:event.trigger_end]})
    checked.events.append((event_schema, event.trigger_start, event.trigger_end, attributes, arguments,
                           _cluster_ref(event), event.tagger, event.score))


def _check_relation(checked, schema, relation, path, type_map, index, dropped) -> None:
    key = type_map.get(relation.type, relation.type)
    if not key:
        return
    if key not in schema.relation_types:
        checked.unknown[("relation", key)] += 1
        return
    if relation.source in dropped or relation.target in dropped:
        checked.warnings.append(_("%(where)s: an entity it links was left out, so is the relation")
                                % {"where": _where(checked.record, path)})
        return
    if relation.source not in index or relation.target not in index:
        checked.errors.append(_("%(where)s: refers to an entity this document does not have")
                              % {"where": _where(checked.record, path)})
        return
    source, target = index[relation.source], index[relation.target]
    if source == target:
        checked.errors.append(_("%(where)s: a relation links two different entities")
                              % {"where": _where(checked.record, path)})
        return
    try:
        relation_schema = schema.check_relation(key, checked.spans[source][0].key, checked.spans[target][0].key)
    except SchemaError as error:
        _refuse(checked, path, error)
        return
    checked.relations.append((relation_schema, source, target))


# --- writing -------------------------------------------------------------------------------

def non_empty_sets(project, target: Target, document_ids: list[int]) -> set[int]:
    """Documents whose target set already holds annotations: importing never mixes into them."""
    busy = """AND (EXISTS (SELECT 1 FROM annotate_span x WHERE x.set_id = a.id)
                   OR EXISTS (SELECT 1 FROM annotate_event x WHERE x.set_id = a.id)
                   OR EXISTS (SELECT 1 FROM annotate_relation x WHERE x.set_id = a.id))"""
    return set(_target_set_ids(target, document_ids, busy))


def _target_set_ids(target: Target, document_ids: list[int], condition: str = "") -> dict[int, int]:
    """document id -> id of its target set, for those documents that have one."""
    owner, params = "", [document_ids, target.kind]
    if target.kind == SetKind.ANNOTATOR:
        owner = "AND a.owner_id = %s"
        params.append(target.user.pk)
    return dict(fetch(f"""SELECT a.document_id, a.id FROM annotate_annotationset a
                          WHERE a.document_id = ANY(%s::bigint[]) AND a.kind = %s {owner} {condition}""", params))


def insert(project, target: Target, docs: list[CheckedDoc], user, *, source: str,
           create_kb: bool = False) -> BulkResult:
    """Write checked documents (errors already refused by the caller) in the caller's transaction."""
    # A record with nothing to store makes no set, unless it names the set's status (Tawsim JSONL).
    docs = [doc for doc in docs if doc.spans or doc.events or (doc.record.status and target.kind != "suggestions")]
    if not docs:
        return BulkResult()
    if target.kind == "suggestions":
        return _insert_suggestions(docs, target)
    if not connection.in_atomic_block:  # the history context reaches the COPY rows only within one
        raise RuntimeError("bulk.insert must run inside the caller's transaction")
    with pghistory.context(user=getattr(user, "pk", None), action="import", file=source):
        set_ids = _target_sets(target, docs)
        return _insert_into_sets(project, docs, set_ids, source, create_kb)


def _target_sets(target: Target, docs: list[CheckedDoc]) -> dict[int, int]:
    """document id -> set id, creating missing sets (at version 1); every existing set's
    version is bumped. That UPDATE comes first, even with no set to bump: pghistory sets
    its context (transaction-local) with each write through Django's cursor, and the COPY
    statements that follow (these sets, then their annotations) find it in the transaction."""
    existing = _target_set_ids(target, [doc.document_id for doc in docs])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE annotate_annotationset SET version = version + 1 WHERE id = ANY(%s::bigint[])",
                       [array_literal(existing.values())])
    missing = [doc for doc in docs if doc.document_id not in existing]
    now, owner = timezone.now(), getattr(target.user, "pk", None)
    rows = []
    for pk, doc in zip(_allocate(AnnotationSet, len(missing)), missing, strict=True):
        status = doc.record.status if doc.record.status in STATUSES else (
            SetStatus.IN_PROGRESS if doc.spans or doc.events else SetStatus.NOT_STARTED)
        rows.append((pk, doc.document_id, target.kind, owner, status, 1, now))
        existing[doc.document_id] = pk
    _copy(AnnotationSet, ("id", "document", "kind", "owner", "status", "version", "updated_at"), rows)
    return existing


def _insert_into_sets(project, docs: list[CheckedDoc], set_ids: dict[int, int], source: str,
                      create_kb: bool = False) -> BulkResult:
    result = BulkResult()
    kb = _kb_ids(project, {s[3] for d in docs for s in d.spans if s[3]}, create_kb)
    clusters = _cluster_ids(project, {e[5] for d in docs for e in d.events if e[5]}, create_kb)
    origin = json.dumps({"import": source}, ensure_ascii=False)
    span_ids = _allocate(Span, sum(len(d.spans) for d in docs))
    event_ids = _allocate(Event, sum(len(d.events) for d in docs))
    spans, events, arguments, relations = [], [], [], []
    span_cursor = event_cursor = 0
    for doc in docs:
        set_id = set_ids[doc.document_id]
        mine = span_ids[span_cursor:span_cursor + len(doc.spans)]
        span_cursor += len(doc.spans)
        for pk, (etype, start, end, kb_id, _tagger, _score) in zip(mine, doc.spans, strict=True):
            spans.append((pk, set_id, etype.pk, start, end, kb.get(kb_id), origin))
        for event, (eschema, start, end, attributes, args, cluster, _t, _s) in zip(
            event_ids[event_cursor:event_cursor + len(doc.events)], doc.events, strict=True
        ):
            events.append((event, set_id, eschema.model.pk, start, end, json.dumps(attributes, ensure_ascii=False),
                           clusters.get(cluster), origin))
            arguments.extend((event, role.model.pk, mine[index]) for role, index in args)
        event_cursor += len(doc.events)
        relations.extend((set_id, r.model.pk, mine[s], mine[t]) for r, s, t in doc.relations)
        doc.warnings.extend(_unlinked(doc, kb, clusters))
    arguments = [(pk, *row) for pk, row in zip(_allocate(Argument, len(arguments)), arguments, strict=True)]
    relations = [(pk, *row) for pk, row in zip(_allocate(Relation, len(relations)), relations, strict=True)]
    _copy(Span, ("id", "set", "entity_type", "start", "end", "kb_entity", "origin"), spans)
    _copy(Event, ("id", "set", "event_type", "trigger_start", "trigger_end", "attributes", "cluster", "origin"), events)
    _copy(Argument, ("id", "event", "role", "span"), arguments)
    _copy(Relation, ("id", "set", "relation_type", "source", "target"), relations)
    result.spans, result.events = len(spans), len(events)
    result.arguments, result.relations = len(arguments), len(relations)
    return result


def _unlinked(doc: CheckedDoc, kb: dict, clusters: dict) -> list[str]:
    missing = ({s[3] for s in doc.spans if s[3] and s[3] not in kb}
               | {e[5] for e in doc.events if e[5] and e[5] not in clusters})
    if not missing:
        return []
    shown = sorted(ref[-1] if isinstance(ref, tuple) else ref for ref in missing)
    return [_("%(where)s: knowledge-base entries or clusters %(ids)s are not in this project; the links were left out "
              "(create them with --create-kb)")
            % {"where": _where(doc.record, ""), "ids": ", ".join(f"«{name}»" for name in shown)}]


KB_NAME_MAX = KBEntity._meta.get_field("name").max_length


def _numbers(wanted) -> set[int]:
    return {int(x) for x in wanted if not isinstance(x, tuple) and str(x).isdecimal() and str(x).isascii()}


def _kb_ids(project, wanted: set, create: bool) -> dict:
    """KB references (ids of this project, or (type, name) of any) -> entries of this
    project; with `create`, named entries the project lacks are created."""
    found = {str(pk): pk for pk in KBEntity.objects.filter(project=project, pk__in=_numbers(wanted))
             .values_list("pk", flat=True)}
    named = {ref for ref in wanted if isinstance(ref, tuple)}
    if named:
        existing = {("name", key, name): pk for pk, key, name in KBEntity.objects.filter(
            project=project, name__in={ref[2] for ref in named}).values_list("pk", "entity_type__key", "name")}
        types = dict(project.entity_types.values_list("key", "pk"))
        for ref in sorted(named):
            if ref in existing:
                found[ref] = existing[ref]
            elif create and ref[1] in types and 0 < len(ref[2]) <= KB_NAME_MAX:
                found[ref] = KBEntity.objects.create(project=project, entity_type_id=types[ref[1]], name=ref[2]).pk
    return found


def _cluster_ids(project, wanted: set, create: bool) -> dict:
    """Cluster references (ids of this project, or names) -> clusters of this project;
    with `create`, named clusters the project lacks are created."""
    found = {str(pk): pk for pk in EventCluster.objects.filter(project=project, pk__in=_numbers(wanted))
             .values_list("pk", flat=True)}
    named = {ref for ref in wanted if isinstance(ref, tuple)}
    if named:
        existing = {}
        for pk, name in EventCluster.objects.filter(project=project, name__in={ref[1] for ref in named}).order_by(
                "pk").values_list("pk", "name"):
            existing.setdefault(("name", name), pk)
        for ref in sorted(named):
            if ref in existing:
                found[ref] = existing[ref]
            elif create and 0 < len(ref[1]) <= KB_NAME_MAX:
                found[ref] = EventCluster.objects.create(project=project, name=ref[1]).pk
    return found


def _allocate(model, count: int) -> list[int]:
    """Primary keys from the table's own sequence, so rows can be written with COPY and
    still be referred to (arguments point at spans) without a round trip per row."""
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence is named once: pg_get_serial_sequence per row costs five times the nextval.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        [sequence] = cursor.fetchone()
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY is several times faster than INSERT for many rows; the table's row triggers
    (offset and same-set checks, history) still run for each row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert_suggestions(docs: list[CheckedDoc], target: Target) -> BulkResult:
    """Machine output is kept apart from human sets: entities and events become
    Suggestions (tagger from the file, else the target's); relations have no place there."""
    now, rows = timezone.now(), []
    for doc in docs:
        for etype, start, end, _kb, tagger, score in doc.spans:
            rows.append(Suggestion(document_id=doc.document_id, kind=Suggestion.Kind.ENTITY,
                                   tagger=tagger or target.tagger, entity_type=etype, start=start, end=end,
                                   score=1.0 if score is None else score, created_at=now))
        for eschema, start, end, _attributes, args, _cluster, tagger, score in doc.events:
            arguments = [
                {"role": role.key, "type": doc.spans[i][0].key, "start": doc.spans[i][1], "end": doc.spans[i][2]}
                for role, i in args
            ]
            rows.append(Suggestion(document_id=doc.document_id, kind=Suggestion.Kind.EVENT,
                                   tagger=tagger or target.tagger, event_type=eschema.model, start=start, end=end,
                                   arguments=arguments, score=1.0 if score is None else score, created_at=now))
        if doc.relations:
            doc.warnings.append(
                ngettext("%(where)s: %(count)d relation not imported: suggestions hold entities and events only",
                         "%(where)s: %(count)d relations not imported: suggestions hold entities and events only",
                         len(doc.relations))
                % {"where": _where(doc.record, ""), "count": len(doc.relations)}
            )
    Suggestion.objects.bulk_create(rows, batch_size=2000)
    return BulkResult(suggestions=len(rows))
