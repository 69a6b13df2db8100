"""The canonical form of an annotated document: the one definition of an export's order
and ids, whatever the format and whatever the database ids.

* entities by (start, -end, type, tagger), numbered T1, T2, …: outer spans before the
  spans nested in them, types in code-point order (as Python compares strings);
* events by (trigger start, -trigger end, type), numbered E1, E2, …; an event's
  arguments by (role, their entity's number);
* relations by (type, source's number, target's number), numbered R1, R2, ….

Ties keep the order given: an export gives them in database id order. Every reference
(an argument's entity, a relation's ends) is renamed to the new entity ids; a reference
to an id the record does not have is left as it is, sorted first.

tawsim_jsonl.to_json writes this form; annotate.dataset.native builds the same lines
straight from rows that the database already returns in this order, and
tests/annotate/test_export_items.py holds the two to the same bytes.
"""
from __future__ import annotations

from dataclasses import replace

from corpus.formats.base import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord


def canonical(record: DocumentRecord) -> DocumentRecord:
    """A copy of `record` in canonical order with canonical ids (the record is unchanged)."""
    entities = sorted(record.entities, key=_entity_key)
    names: dict[str, str] = {}
    number: dict[str, int] = {}
    spans = []
    for n, span in enumerate(entities, 1):
        new_id = f"T{n}"
        if span.id and span.id not in names:
            names[span.id], number[span.id] = new_id, n
        spans.append(SpanRecord(span.type, span.start, span.end, new_id, span.kb_id, span.tagger, span.score,
                                span.kb_name, span.kb_type))

    def argument_key(argument: ArgumentRecord) -> tuple:
        return argument.role, number.get(argument.entity_id, 0)

    events = [
        EventRecord(e.type, e.trigger_start, e.trigger_end,
                    [ArgumentRecord(a.role, names.get(a.entity_id, a.entity_id))
                     for a in sorted(e.arguments, key=argument_key)],
                    e.attributes, f"E{n}", e.cluster, e.tagger, e.score, e.cluster_name)
        for n, e in enumerate(sorted(record.events, key=_event_key), 1)
    ]
    ordered = sorted(record.relations, key=lambda r: (r.type, number.get(r.source, 0), number.get(r.target, 0)))
    relations = [RelationRecord(r.type, names.get(r.source, r.source), names.get(r.target, r.target), f"R{n}")
                 for n, r in enumerate(ordered, 1)]
    return replace(record, entities=spans, events=events, relations=relations)


def _entity_key(span: SpanRecord) -> tuple:
    return span.start, -span.end, span.type, span.tagger


def _event_key(event: EventRecord) -> tuple:
    return event.trigger_start, -event.trigger_end, event.type
