"""Hugging Face datasets: a zip with `data/<split>.jsonl`, `dataset_info.json` (features
and label names) and a dataset card (`README.md`). Load it with

    datasets.load_dataset("json", data_files={"train": "data/train.jsonl", ...},
                          features=datasets.Features.from_dict(info["features"]))

One document per line:

    {"id": "doc-1", "text": "...", "tokens": ["التقى", ...], "ner_tags": [0, 1, 2, ...],
     "entities": [{"start": 6, "end": 15, "label": "PER", "text": "سمير داود"}],
     "events": [{"type": "MEET", "trigger_start": 0, "trigger_end": 5,
                 "arguments": [{"role": "Participant", "entity": 0}]}],
     "relations": [{"type": "AFFILIATION", "source": 0, "target": 1}]}

`entities` holds every span, nested ones included, with offsets in Unicode code points
into `text` (logical order); `tokens`/`ner_tags` are the CoNLL view (camel-tools tokens
split at entity boundaries, BIO over the outermost layer). Arguments and relations
point at entities by their index in `entities`.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from corpus.formats import _annotated as a
from corpus.formats import _json
from corpus.formats._encoding import BOM, decode
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats._zip import _checked
from corpus.formats._zipstream import stream_zip
from corpus.formats.base import (
    ArgumentRecord,
    DocumentRecord,
    EventRecord,
    FormatError,
    RelationRecord,
    SpanRecord,
    WriteOptions,
)

EXTENSIONS = (".hf.zip",)
EXTENSION = ".zip"
MEDIA_TYPE = "application/zip"
ANNOTATED = True
ARCHIVE = True
SPLIT_NAMES = {"": "train", "dev": "validation"}
OFFSETS_NOTE = ("Offsets (`start`, `end`, `trigger_start`, `trigger_end`) are Unicode code-point indices into "
                "`text`, in logical (reading) order.")


def _value(dtype: str) -> dict:
    return {"dtype": dtype, "_type": "Value"}


def _list(feature) -> dict:
    return {"feature": feature, "_type": "Sequence"}


def features(labels: list[str]) -> dict:
    return {
        "id": _value("string"),
        "text": _value("string"),
        "tokens": _list(_value("string")),
        "ner_tags": _list({"names": labels, "_type": "ClassLabel"}),
        "entities": [{"start": _value("int32"), "end": _value("int32"), "label": _value("string"),
                      "text": _value("string")}],
        "events": [{"type": _value("string"), "trigger_start": _value("int32"), "trigger_end": _value("int32"),
                    "arguments": [{"role": _value("string"), "entity": _value("int32")}]}],
        "relations": [{"type": _value("string"), "source": _value("int32"), "target": _value("int32")}],
    }


class _Labels:
    """BIO label names: the schema's first (stable ids), unknown types appended as met."""

    def __init__(self, types: list[str]):
        self.names = ["O"]
        self.ids: dict[str, int] = {"O": 0}
        for key in types:
            self.add(key)

    def add(self, key: str) -> None:
        for name in (f"B-{key}", f"I-{key}"):
            if name not in self.ids:
                self.ids[name] = len(self.names)
                self.names.append(name)

    def __call__(self, tag: str) -> int:
        if tag not in self.ids:
            self.add(tag[2:])
        return self.ids[tag]


def to_json(record: DocumentRecord, labels: _Labels, warnings: list[str]) -> dict:
    text = record.text
    layer, _inner = a.outermost(record.entities)
    tokens = a.split_tokens(text, [o for s in layer for o in (s.start, s.end)])
    tags, _lost = a.bio_tags(tokens, layer)
    index = {span.id: i for i, span in enumerate(record.entities)}
    return {
        "id": record.external_id,
        "text": text,
        "tokens": [t.text for t in tokens],
        "ner_tags": [labels(tag) for tag in tags],
        "entities": [{"start": s.start, "end": s.end, "label": s.type, "text": text[s.start:s.end]}
                     for s in record.entities],
        "events": [{"type": e.type, "trigger_start": e.trigger_start, "trigger_end": e.trigger_end,
                    "arguments": [{"role": arg.role, "entity": index[arg.entity_id]} for arg in e.arguments]}
                   for e in record.events],
        "relations": [{"type": r.type, "source": index[r.source], "target": index[r.target]} for r in record.relations],
    }


def jsonl_member(rows: Iterable[dict]) -> Iterator[bytes]:
    for row in rows:
        yield (json.dumps(row, ensure_ascii=False) + "\n").encode()


def members(parts: list[tuple[str, Iterable[DocumentRecord]]], options: WriteOptions, *,
            encode: Callable[[Iterable[dict]], Iterator[bytes]] = jsonl_member,
            suffix: str = ".jsonl") -> Iterator[tuple[str, Iterable[bytes]]]:
    """The archive's members: one data file per split (`encode` turns rows into its
    bytes: JSONL here, Parquet in hf_parquet), then dataset_info.json and the card."""
    labels, counts = _Labels(options.entity_types), {}
    for split, records in parts:
        name = SPLIT_NAMES.get(split, split)
        counts[name] = 0

        def rows(records=records, name=name) -> Iterator[dict]:
            for record in records:
                counts[name] += 1
                yield to_json(record, labels, options.warnings)

        yield f"data/{name}{suffix}", encode(rows())
    info = {
        "description": f"Tawsim export of {options.project or 'a project'}. {OFFSETS_NOTE}",
        "features": features(labels.names),
        "splits": {name: {"name": name, "num_examples": n} for name, n in counts.items()},
        "data_files": {name: f"data/{name}{suffix}" for name in counts},
    }
    yield "dataset_info.json", [json.dumps(info, ensure_ascii=False, indent=2).encode()]
    yield "README.md", [card(options, labels.names, counts, suffix).encode()]


def card(options: WriteOptions, labels: list[str], counts: dict, suffix: str = ".jsonl") -> str:
    files = "\n".join(f"  - split: {name}\n    path: data/{name}{suffix}" for name in counts)
    return (
        f"---\nconfigs:\n- config_name: default\n  data_files:\n{files}\nlanguage:\n- ar\n"
        f"task_categories:\n- token-classification\n---\n\n# {options.project or 'Tawsim export'}\n\n"
        f"Exported from Tawsim. {OFFSETS_NOTE}\n\n"
        "`tokens`/`ner_tags` are camel-tools tokens split at entity boundaries, with BIO tags over the outermost "
        "layer of nested entities; `entities` keeps every span. Arguments and relations point at entities by their "
        "index in `entities`.\n\n"
        f"Label names (`ner_tags`): {', '.join(labels)}\n\n"
        "Examples per split: " + ", ".join(f"{name}: {n}" for name, n in counts.items()) + "\n"
    )


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    yield from stream_zip(members([("", records)], options))


# --- reader ----------------------------------------------------------------------------

def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    try:
        archive = zipfile.ZipFile(stream)
        with archive:
            infos = [i for i in _checked(archive.infolist(), name, options)
                     if i.filename.startswith("data/") and i.filename.endswith(".jsonl")]
            if not infos:
                raise FormatError(_("the archive holds no data/*.jsonl files"), file=name)
            for info in sorted(infos, key=lambda i: i.filename):
                where = f"{name}/{info.filename}"
                with archive.open(info) as member:
                    for number, raw in enumerate(member, 1):
                        if raw.strip():
                            yield from_json(_line(raw, where, number), where, number, options)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise FormatError(_("damaged zip archive: %(error)s") % {"error": error}, file=name) from None


def _line(raw: bytes, where: str, number: int) -> dict:
    raw = raw[len(BOM):] if number == 1 and raw.startswith(BOM) else raw
    try:
        return a.obj(json.loads(decode(raw, file=where, line=number)), "line", a.where(where, number))
    except json.JSONDecodeError as error:
        raise FormatError(_("malformed JSON: %(error)s") % {"error": _json.reason(error)},
                          file=where, line=number) from None


def from_json(item: dict, name: str, line: int, options: ReadOptions = ReadOptions()) -> DocumentRecord:
    loc = a.where(name, line)
    text = document_text(a.string(item.get("text"), "text", loc), max_chars=options.max_document_chars,
                         field="text", **loc)
    record = DocumentRecord(text=text, external_id=str(item.get("id") or ""), source=name, line=line)
    for i, entity in enumerate(a.array(item.get("entities"), "entities", loc)):
        field = f"entities[{i}]"
        entity = a.obj(entity, field, loc)
        start = a.integer(entity.get("start"), f"{field}.start", loc)
        end = a.integer(entity.get("end"), f"{field}.end", loc)
        start, end = a.matched_offsets(text, start, end, entity.get("text"), f"{field}.text", loc, record.warnings)
        label = a.string(entity.get("label"), f"{field}.label", loc)
        record.entities.append(SpanRecord(label, start, end, f"T{i + 1}"))
    count = len(record.entities)
    for i, event in enumerate(a.array(item.get("events"), "events", loc)):
        field = f"events[{i}]"
        event = a.obj(event, field, loc)
        arguments = [ArgumentRecord(a.string(arg.get("role"), f"{field}.arguments[{j}].role", loc),
                                    f"T{_index(arg.get('entity'), count, f'{field}.arguments[{j}].entity', loc) + 1}")
                     for j, arg in enumerate(a.array(event.get("arguments"), f"{field}.arguments", loc))]
        record.events.append(EventRecord(
            a.string(event.get("type"), f"{field}.type", loc),
            a.integer(event.get("trigger_start"), f"{field}.trigger_start", loc),
            a.integer(event.get("trigger_end"), f"{field}.trigger_end", loc), arguments=arguments, id=f"E{i + 1}"))
    for i, relation in enumerate(a.array(item.get("relations"), "relations", loc)):
        field = f"relations[{i}]"
        relation = a.obj(relation, field, loc)
        record.relations.append(RelationRecord(
            a.string(relation.get("type"), f"{field}.type", loc),
            f"T{_index(relation.get('source'), count, f'{field}.source', loc) + 1}",
            f"T{_index(relation.get('target'), count, f'{field}.target', loc) + 1}", f"R{i + 1}"))
    return record


def _index(value, count: int, field: str, loc: dict) -> int:
    index = a.integer(value, field, loc)
    if not 0 <= index < count:
        raise FormatError(_("entity index %(index)d is not in «entities» (%(count)d of them)")
                          % {"index": index, "count": count}, field=field, **loc)
    return index
