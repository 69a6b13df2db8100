"""Label Studio's JSON export: an array of tasks.

    [{"id": 1, "data": {"text": "...", "external_id"?, "title"?, "meta"?},
      "annotations": [{"result": [
          {"id": "T1", "type": "labels", "from_name": "label", "to_name": "text",
           "value": {"start": 0, "end": 5, "text": "...", "labels": ["PER"]}},
          {"id": "E1", "type": "labels", "from_name": "trigger", "to_name": "text",
           "value": {"start": 6, "end": 11, "text": "...", "labels": ["MEET"]}},
          {"type": "relation", "from_id": "E1", "to_id": "T1", "direction": "right", "labels": ["Participant"]},
          {"type": "relation", "from_id": "T1", "to_id": "T2", "direction": "right", "labels": ["AFFILIATION"]}]}]}]

Entities are `labels` results from any control but "trigger"; events are `labels` results
from the "trigger" control, their arguments relations from the trigger to an entity
labelled with the role. Offsets are checked against each result's "text": Label Studio
counts UTF-16 code units in some versions, and such offsets are converted (and said so)
when the text confirms them. A task with several annotations contributes its first one
(the others are named in the warnings); cancelled annotations are skipped. Event
attributes have no place here and are counted in the warnings.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.deferred_text import ngettext_deferred
from corpus.formats import _annotated as a
from corpus.formats import _json
from corpus.formats._encoding import BOM, check_not_foreign, decode
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

EXTENSIONS = (".labelstudio.json",)
EXTENSION = ".json"
MEDIA_TYPE = "application/json; charset=utf-8"
ANNOTATED = True
TRIGGER = "trigger"


# --- writer ----------------------------------------------------------------------------

def _labels(ident: str, control: str, text: str, start: int, end: int, label: str) -> dict:
    return {"id": ident, "type": "labels", "from_name": control, "to_name": "text",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _relation(source: str, target: str, label: str) -> dict:
    return {"type": "relation", "from_id": source, "to_id": target, "direction": "right", "labels": [label]}


def to_json(record: DocumentRecord, options: WriteOptions) -> dict:
    text = record.text
    result = [_labels(s.id, "label", text, s.start, s.end, s.type) for s in record.entities]
    for event in record.events:
        result.append(_labels(event.id, TRIGGER, text, event.trigger_start, event.trigger_end, event.type))
        result.extend(_relation(event.id, arg.entity_id, arg.role) for arg in event.arguments)
    result.extend(_relation(r.source, r.target, r.type) for r in record.relations)
    dropped = sum(1 for e in record.events for _k in e.attributes)
    a.warn_dropped(options.warnings, record, ngettext_deferred(
        "%(count)d event attribute value",
        "%(count)d event attribute values", dropped, count=dropped),
        "Label Studio")
    data: dict = {"text": text, "external_id": record.external_id}
    if record.title:
        data["title"] = record.title
    if options.with_meta and record.meta:
        data["meta"] = record.meta
    task: dict = {"data": data, "annotations": [{"result": result}]}
    if record.document_id is not None:
        task["id"] = record.document_id
    return task


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    separator = b"[\n"
    for record in records:
        yield separator + json.dumps(to_json(record, options), ensure_ascii=False).encode("utf-8")
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"


# --- reader ----------------------------------------------------------------------------

def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    data = stream.read(options.max_unzipped_bytes + 1)
    check_not_foreign(data, file=name)
    start = len(BOM) if data.startswith(BOM) else 0
    try:
        tasks = json.loads(decode(data[start:], file=name, start=start))
    except json.JSONDecodeError as error:
        raise FormatError(_("malformed JSON: %(error)s at line %(line)d column %(column)d")
                          % {"error": _json.reason(error), "line": error.lineno, "column": error.colno},
                          file=name) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(_("expected an array of tasks"), file=name)
    for number, task in enumerate(tasks, 1):
        yield from_json(task, name, number, options)


def from_json(task, name: str, number: int, options: ReadOptions = ReadOptions()) -> DocumentRecord:
    # Errors name the task by its position in the array ("item"): the file is one JSON value.
    loc = {"file": f"{name}, task {number}", "line": None}
    task = a.obj(task, "task", loc)
    data = a.obj(task.get("data"), "data", loc)
    if not isinstance(data.get("text"), str):
        raise FormatError(_("missing: every task needs a \"data.text\" string"), field="data.text", **loc)
    text, mapping = a.newline_map(data["text"])
    text = document_text(text, max_chars=options.max_document_chars, field="data.text", **loc)
    external = data.get("external_id", task.get("id"))
    record = DocumentRecord(
        text=text, source=name, line=number, external_id="" if external is None else str(external),
        title=a.string(data.get("title"), "data.title", loc, required=False),
        meta=a.obj(data.get("meta") or {}, "data.meta", loc),
        document_id=task["id"] if isinstance(task.get("id"), int) and not isinstance(task["id"], bool) else None,
    )
    annotations = [x for x in a.array(task.get("annotations"), "annotations", loc)
                   if isinstance(x, dict) and not x.get("was_cancelled")]
    if len(annotations) > 1:
        record.warnings.append(ngettext("%(where)s: %(count)d annotation; the first one was imported",
                                        "%(where)s: %(count)d annotations; the first one was imported",
                                        len(annotations)) % {"where": loc["file"], "count": len(annotations)})
    if annotations:
        _results(a.array(annotations[0].get("result"), "annotations[0].result", loc), record, mapping, loc)
    return record


def _results(results: list, record: DocumentRecord, mapping, loc: dict) -> None:
    entities: dict[str, SpanRecord] = {}
    events: dict[str, EventRecord] = {}
    links = []
    for i, result in enumerate(results):
        field = f"annotations[0].result[{i}]"
        result = a.obj(result, field, loc)
        if result.get("type") == "relation":
            links.append((field, result))
            continue
        value = result.get("value")
        if not isinstance(value, dict) or "start" not in value:
            continue  # choices, ratings, text areas: nothing we store
        start = a.moved(mapping, a.integer(value.get("start"), f"{field}.value.start", loc))
        end = a.moved(mapping, a.integer(value.get("end"), f"{field}.value.end", loc))
        start, end = a.matched_offsets(record.text, start, end, value.get("text"), f"{field}.value.text", loc,
                                       record.warnings)
        labels = [x for x in a.array(value.get("labels") or value.get("hypertextlabels"), f"{field}.value.labels", loc)]
        if len(labels) != 1 or not isinstance(labels[0], str):
            raise FormatError(_("expected exactly one label"), field=f"{field}.value.labels", **loc)
        ident = str(result.get("id") or f"r{i}")
        if result.get("from_name") == TRIGGER:
            events[ident] = EventRecord(labels[0], start, end, id=ident)
        else:
            entities[ident] = SpanRecord(labels[0], start, end, ident)
    for field, link in links:
        source, target = str(link.get("from_id")), str(link.get("to_id"))
        labels = a.array(link.get("labels"), f"{field}.labels", loc)
        if len(labels) != 1 or not isinstance(labels[0], str):
            raise FormatError(_("expected exactly one label (the relation type or role)"),
                              field=f"{field}.labels", **loc)
        if target not in entities:
            raise FormatError(_("«%(id)s» is not an entity of this task") % {"id": target},
                              field=f"{field}.to_id", **loc)
        if source in events:
            events[source].arguments.append(ArgumentRecord(labels[0], target))
        elif source in entities:
            record.relations.append(RelationRecord(labels[0], source, target, f"R{len(record.relations) + 1}"))
        else:
            raise FormatError(_("«%(id)s» is not a result of this task") % {"id": source},
                              field=f"{field}.from_id", **loc)
    record.entities, record.events = list(entities.values()), list(events.values())
