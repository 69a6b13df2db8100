"""doccano JSONL, both of its sequence-labelling shapes, one document per line:

    {"text": "...", "label": [[start, end, "TYPE"], ...]}
    {"text": "...", "entities": [{"id": 1, "label": "TYPE", "start_offset": 0, "end_offset": 5}],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "REL"}]}

doccano's server counts offsets in code points, like Tawsim; it gives no span text to
check them against, so offsets past the end are reported (with a hint when the text has
characters that UTF-16 counts twice). Other keys ("id", "title", ...) go to meta, as the
plain JSONL reader does. Writing uses the first shape, or the second when the document
has relations; events have no place in doccano and are counted in the warnings.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.formats import _annotated as a
from corpus.formats._encoding import iter_lines
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats.base import DocumentRecord, FormatError, RelationRecord, SpanRecord, WriteOptions
from corpus.formats.jsonl import _parse

EXTENSIONS = (".doccano.jsonl",)
EXTENSION = ".jsonl"
MEDIA_TYPE = "application/jsonl; charset=utf-8"
ANNOTATED = True
_OWN_KEYS = ("text", "label", "entities", "relations", "id", "external_id", "title", "meta")


def to_json(record: DocumentRecord, options: WriteOptions) -> dict:
    a.warn_events_dropped(options.warnings, record, "doccano")
    item: dict = {"id": record.external_id, "text": record.text}
    if record.title:
        item["title"] = record.title
    if options.with_meta and record.meta:
        item["meta"] = record.meta
    if not record.relations:
        item["label"] = [[s.start, s.end, s.type] for s in record.entities]
        return item
    numbers = {span.id: i for i, span in enumerate(record.entities, 1)}
    item["entities"] = [{"id": numbers[s.id], "label": s.type, "start_offset": s.start, "end_offset": s.end}
                        for s in record.entities]
    item["relations"] = [{"id": i, "from_id": numbers[r.source], "to_id": numbers[r.target], "type": r.type}
                         for i, r in enumerate(record.relations, 1)]
    return item


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    for record in records:
        yield (json.dumps(to_json(record, options), ensure_ascii=False) + "\n").encode("utf-8")


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    for number, line in iter_lines(stream, file=name, max_line_bytes=options.max_line_bytes):
        if line.strip():
            yield from_json(_parse(line, name, number), name, number, options)


def from_json(item: dict, name: str, line: int, options: ReadOptions = ReadOptions()) -> DocumentRecord:
    loc = a.where(name, line)
    if not isinstance(item.get("text"), str):
        raise FormatError(_("missing: every line needs a \"text\" string"), field="text", **loc)
    text, mapping = a.newline_map(item["text"])
    text = document_text(text, max_chars=options.max_document_chars, field="text", **loc)
    meta = dict(a.obj(item.get("meta") or {}, "meta", loc))
    meta.update({k: v for k, v in item.items() if k not in _OWN_KEYS})
    external = item.get("external_id", item.get("id"))
    record = DocumentRecord(
        text=text, source=name, line=line, meta=meta,
        external_id="" if external is None else str(external),
        title=a.string(item.get("title"), "title", loc, required=False),
    )
    if "entities" in item:
        _read_entities(item, record, mapping, loc)
    else:
        for i, label in enumerate(a.array(item.get("label"), "label", loc)):
            field = f"label[{i}]"
            if not isinstance(label, list) or len(label) != 3:
                raise FormatError(_("expected [start, end, \"TYPE\"]"), field=field, **loc)
            start = a.integer(label[0], f"{field}[0]", loc)
            end = a.integer(label[1], f"{field}[1]", loc)
            record.entities.append(SpanRecord(a.string(label[2], f"{field}[2]", loc), a.moved(mapping, start),
                                              a.moved(mapping, end), f"T{i + 1}"))
    for i, span in enumerate(record.entities):
        _check_end(text, span, f"label[{i}]" if "label" in item else f"entities[{i}]", loc)
    return record


def _read_entities(item: dict, record: DocumentRecord, mapping, loc: dict) -> None:
    ids: dict = {}
    for i, entity in enumerate(a.array(item.get("entities"), "entities", loc)):
        field = f"entities[{i}]"
        entity = a.obj(entity, field, loc)
        start = a.integer(entity.get("start_offset"), f"{field}.start_offset", loc)
        end = a.integer(entity.get("end_offset"), f"{field}.end_offset", loc)
        ids[entity.get("id", i)] = f"T{i + 1}"
        record.entities.append(SpanRecord(a.string(entity.get("label"), f"{field}.label", loc),
                                          a.moved(mapping, start), a.moved(mapping, end), f"T{i + 1}"))
    for i, relation in enumerate(a.array(item.get("relations"), "relations", loc)):
        field = f"relations[{i}]"
        relation = a.obj(relation, field, loc)
        for key in ("from_id", "to_id"):
            if relation.get(key) not in ids:
                raise FormatError(_("refers to entity %(id)s, which this line does not have")
                                  % {"id": json.dumps(relation.get(key))}, field=f"{field}.{key}", **loc)
        record.relations.append(RelationRecord(a.string(relation.get("type"), f"{field}.type", loc),
                                               ids[relation["from_id"]], ids[relation["to_id"]], f"R{i + 1}"))


def _check_end(text: str, span: SpanRecord, field: str, loc: dict) -> None:
    if span.end > len(text) and any(ord(c) > 0xFFFF for c in text):
        raise FormatError(
            ngettext("offsets %(start)d–%(end)d run past the text (%(length)d character); they look like UTF-16 "
                     "code units (older doccano front ends): convert them to code points",
                     "offsets %(start)d–%(end)d run past the text (%(length)d characters); they look like UTF-16 "
                     "code units (older doccano front ends): convert them to code points", len(text))
            % {"start": span.start, "end": span.end, "length": len(text)}, field=field, **loc,
        )
