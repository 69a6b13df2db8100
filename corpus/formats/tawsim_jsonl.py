"""Tawsim JSONL: the native, lossless format. One document (as annotated in one set) per line:

    {"id", "external_id", "title", "text", "meta",
     "entities": [{"id", "type", "start", "end", "text", "kb_id"?, "kb_name"?, "kb_type"?, "tagger"?, "score"?}],
     "events": [{"id", "type", "trigger": {"start", "end", "text"},
                 "arguments": [{"role", "entity_id"}], "attributes": {...}, "cluster"?, "cluster_name"?}],
     "relations": [{"id", "type", "source", "target"}], "annotator"?, "status"}

Offsets are Unicode code-point indices into "text", in logical (reading) order. "id" is
the Tawsim document id (informative; importing matches documents by their text). Lines
are written in canonical order with canonical ids (corpus.formats.canonical).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from corpus.formats import _annotated as a
from corpus.formats import _json as fast_json
from corpus.formats._encoding import iter_lines
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats.base import (
    ArgumentRecord,
    DocumentRecord,
    EventRecord,
    FormatError,
    RelationRecord,
    SpanRecord,
    WriteOptions,
)
from corpus.formats.canonical import canonical
from corpus.formats.jsonl import _parse

EXTENSIONS = (".tawsim.jsonl",)
EXTENSION = ".jsonl"
MEDIA_TYPE = "application/jsonl; charset=utf-8"
ANNOTATED = True


# --- writer ----------------------------------------------------------------------------

def to_json(record: DocumentRecord, with_meta: bool = True) -> dict:
    """The record's line, in canonical order with canonical ids."""
    record = canonical(record)
    text = record.text
    item: dict[str, Any] = {"id": record.document_id, "external_id": record.external_id, "title": record.title,
                            "text": text}
    if with_meta:
        item["meta"] = record.meta
    item["entities"] = [_entity(span, text) for span in record.entities]
    item["events"] = [_event(event, text) for event in record.events]
    item["relations"] = [{"id": r.id, "type": r.type, "source": r.source, "target": r.target} for r in record.relations]
    if record.annotator:
        item["annotator"] = record.annotator
    item["status"] = record.status
    return item


def _entity(span: SpanRecord, text: str) -> dict:
    item = {"id": span.id, "type": span.type, "start": span.start, "end": span.end, "text": text[span.start:span.end]}
    if span.kb_id:
        item["kb_id"] = span.kb_id
    if span.kb_name:
        item["kb_name"], item["kb_type"] = span.kb_name, span.kb_type
    if span.tagger:
        item["tagger"], item["score"] = span.tagger, span.score
    return item


def _event(event: EventRecord, text: str) -> dict:
    item = {
        "id": event.id, "type": event.type,
        "trigger": {"start": event.trigger_start, "end": event.trigger_end,
                    "text": text[event.trigger_start:event.trigger_end]},
        "arguments": [{"role": arg.role, "entity_id": arg.entity_id} for arg in event.arguments],
        "attributes": event.attributes,
    }
    if event.cluster:
        item["cluster"] = event.cluster
    if event.cluster_name:
        item["cluster_name"] = event.cluster_name
    if event.tagger:
        item["tagger"], item["score"] = event.tagger, event.score
    return item


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    return write_items(to_json(record, options.with_meta) for record in records)


def write_items(items: Iterable[dict], block_bytes: int = 1 << 18) -> Iterator[bytes]:
    """Lines of items already shaped as to_json shapes them (annotate.dataset.native), in
    blocks of about `block_bytes`: a write per block, not per line, downstream."""
    block, size = [], 0
    for item in items:
        line = fast_json.dumps_line(item)
        block.append(line)
        size += len(line)
        if size >= block_bytes:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


# --- reader ----------------------------------------------------------------------------

def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    for number, line in iter_lines(stream, file=name, max_line_bytes=options.max_line_bytes):
        if line.strip():
            yield from_json(_parse(line, name, number), name, number, options)


def from_json(item: dict, name: str, line: int | None, options: ReadOptions = ReadOptions()) -> DocumentRecord:
    loc = a.where(name, line)
    if not isinstance(item.get("text"), str):
        raise FormatError(_("missing: every document needs a \"text\" string"), field="text", **loc)
    text = document_text(item["text"], max_chars=options.max_document_chars, field="text", **loc)
    if text != item["text"]:
        raise FormatError(_("the text must have LF line ends and no BOM: offsets count from it"), field="text", **loc)
    record = DocumentRecord(
        text=text, source=name, line=line,
        external_id=_id(item.get("external_id"), "external_id", loc),
        title=a.string(item.get("title"), "title", loc, required=False),
        meta=a.obj(item.get("meta") or {}, "meta", loc),
        annotator=a.string(item.get("annotator"), "annotator", loc, required=False),
        status=a.string(item.get("status"), "status", loc, required=False),
        document_id=item["id"] if isinstance(item.get("id"), int) else None,
    )
    for i, entity in enumerate(a.array(item.get("entities"), "entities", loc)):
        record.entities.append(_read_entity(a.obj(entity, f"entities[{i}]", loc), text, f"entities[{i}]", loc, record))
    known = {span.id for span in record.entities}
    for i, event in enumerate(a.array(item.get("events"), "events", loc)):
        record.events.append(_read_event(a.obj(event, f"events[{i}]", loc), text, f"events[{i}]", loc, record, known))
    for i, relation in enumerate(a.array(item.get("relations"), "relations", loc)):
        record.relations.append(_read_relation(a.obj(relation, f"relations[{i}]", loc), f"relations[{i}]", loc, known))
    return record


def _id(value: Any, field: str, loc: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return a.string(value, field, loc, required=False)


def _score(value: Any, field: str, loc: dict) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatError(_("must be a number"), field=field, **loc)
    return float(value)


def _read_entity(item: dict, text: str, field: str, loc: dict, record: DocumentRecord) -> SpanRecord:
    start, end, kind, entity_id = item.get("start"), item.get("end"), item.get("type"), item.get("id")
    # The common, well-formed entity in one test (this runs for every entity of a large
    # import); anything else goes through the checks below, which name what is wrong.
    if (type(start) is int and type(end) is int and type(kind) is str and kind and type(entity_id) is str
            and "kb_id" not in item and "tagger" not in item and "score" not in item):
        given = item.get("text")
        if given is None or text[start:end] == given:
            return SpanRecord(kind, start, end, entity_id)
    start = a.integer(item.get("start"), f"{field}.start", loc)
    end = a.integer(item.get("end"), f"{field}.end", loc)
    start, end = a.matched_offsets(text, start, end, item.get("text"), f"{field}.text", loc, record.warnings)
    return SpanRecord(
        type=a.string(item.get("type"), f"{field}.type", loc), start=start, end=end,
        id=_id(item.get("id"), f"{field}.id", loc), kb_id=_id(item.get("kb_id"), f"{field}.kb_id", loc),
        tagger=a.string(item.get("tagger"), f"{field}.tagger", loc, required=False),
        score=_score(item.get("score"), f"{field}.score", loc),
        kb_name=a.string(item.get("kb_name"), f"{field}.kb_name", loc, required=False),
        kb_type=a.string(item.get("kb_type"), f"{field}.kb_type", loc, required=False),
    )


def _read_event(item: dict, text: str, field: str, loc: dict, record: DocumentRecord, known: set) -> EventRecord:
    trigger = a.obj(item.get("trigger"), f"{field}.trigger", loc)
    start = a.integer(trigger.get("start"), f"{field}.trigger.start", loc)
    end = a.integer(trigger.get("end"), f"{field}.trigger.end", loc)
    start, end = a.matched_offsets(text, start, end, trigger.get("text"), f"{field}.trigger.text", loc, record.warnings)
    arguments = []
    for j, arg in enumerate(a.array(item.get("arguments"), f"{field}.arguments", loc)):
        where = f"{field}.arguments[{j}]"
        arg = a.obj(arg, where, loc)
        entity_id = _id(arg.get("entity_id"), f"{where}.entity_id", loc)
        _known(entity_id, known, f"{where}.entity_id", loc)
        arguments.append(ArgumentRecord(a.string(arg.get("role"), f"{where}.role", loc), entity_id))
    return EventRecord(
        type=a.string(item.get("type"), f"{field}.type", loc), trigger_start=start, trigger_end=end,
        arguments=arguments, attributes=a.obj(item.get("attributes") or {}, f"{field}.attributes", loc),
        id=_id(item.get("id"), f"{field}.id", loc), cluster=_id(item.get("cluster"), f"{field}.cluster", loc),
        tagger=a.string(item.get("tagger"), f"{field}.tagger", loc, required=False),
        score=_score(item.get("score"), f"{field}.score", loc),
        cluster_name=a.string(item.get("cluster_name"), f"{field}.cluster_name", loc, required=False),
    )


def _read_relation(item: dict, field: str, loc: dict, known: set) -> RelationRecord:
    source, target = _id(item.get("source"), f"{field}.source", loc), _id(item.get("target"), f"{field}.target", loc)
    _known(source, known, f"{field}.source", loc)
    _known(target, known, f"{field}.target", loc)
    return RelationRecord(a.string(item.get("type"), f"{field}.type", loc), source, target,
                          _id(item.get("id"), f"{field}.id", loc))


def _known(entity_id: str, known: set, field: str, loc: dict) -> None:
    if entity_id not in known:
        raise FormatError(_("refers to entity «%(id)s», which this document does not have") % {"id": entity_id},
                          field=field, **loc)
