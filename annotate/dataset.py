"""AnnotatedDoc <-> database: imports with annotations, and streamed exports.

Import: corpus.importing stores the documents (one transaction per file) and hands each
batch to an AnnotationSink, which validates the annotations against the schema
(annotate.services.bulk) and writes them into the chosen sets, or as suggestions.
Unknown types and refused items are collected over the whole file and reported together;
then the file is rolled back: nothing is half-imported.

Export: documents are read in chunks of CHUNK, each chunk's sets, spans, events,
arguments and relations in one query each (no query per document), turned into records
in canonical order (entities T1.. by start, -end, type; events E1..; relations R1..), and
handed to a corpus.formats writer. Memory stays flat whatever the project's size.
Offsets are Unicode code points into the text, in logical order.
"""
from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from annotate import export_rows
from annotate.export_items import item_builder
from annotate.models import SetKind, Suggestion
from annotate.services import bulk
from corpus import importing
from corpus.formats import WRITERS
from corpus.formats._zipstream import stream_zip
from corpus.formats.base import (
    ArgumentRecord,
    DocumentRecord,
    EventRecord,
    RelationRecord,
    SpanRecord,
    WriteOptions,
)
from corpus.models import Document, EntityType, Membership, Project
from corpus.schema import ProjectSchema
from tawsim.gc_pause import gc_paused

CHUNK = 1000
_SPAN_KEY = itemgetter(0, 1, 2)  # a checked span's (entity type, start, end)
MAX_MESSAGES = 50  # per file: enough to fix a file, not a flood
SPLITS = ("train", "dev", "test")


# --- targets and type maps ---------------------------------------------------------------

def parse_target(project: Project, spec: str) -> bulk.Target:
    """"gold", "suggestions" or "annotator:NAME" (a member of the project)."""
    spec = (spec or "gold").strip()
    if spec in ("gold", "suggestions"):
        return bulk.Target(spec)
    kind, _sep, name = spec.partition(":")
    if kind == "annotator" and name:
        user = get_user_model().objects.filter(username=name).first()
        if user is None or not Membership.objects.filter(project=project, user=user).exists():
            raise ValueError(_("«%(name)s» is not a member of this project") % {"name": name})
        return bulk.Target(SetKind.ANNOTATOR, user)
    raise ValueError(_("«%(spec)s»: choose gold, suggestions or annotator:NAME") % {"spec": spec})


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """["Politician=PER", "Book="] -> {"Politician": "PER", "Book": ""} (empty: leave out)."""
    mapping = {}
    for item in items:
        for part in re.split(r"[,\n]", item):
            if not part.strip():
                continue
            source, sep, target = part.partition("=")
            if not sep or not source.strip():
                raise ValueError(_("«%(item)s»: write a mapping as SOURCE=TYPE (or SOURCE= to leave it out)")
                                 % {"item": part.strip()})
            mapping[source.strip()] = target.strip()
    return mapping


# --- import --------------------------------------------------------------------------------

@dataclass
class AnnotationSink:
    """Stores the annotations of one file's documents (see corpus.importing.Sink)."""

    project: Project
    target: bulk.Target
    user: object = None
    type_map: dict = field(default_factory=dict)
    create_types: bool = False
    source: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    result: bulk.BulkResult = field(default_factory=bulk.BulkResult)
    seen: dict = field(default_factory=dict)  # document id -> what this file gave it

    def __post_init__(self) -> None:
        ProjectSchema.load(self.project)  # cached on the project: prepare() runs in the reader thread, without the database

    @property
    def schema(self) -> ProjectSchema:
        return ProjectSchema.load(self.project)

    def prepare(self, text: str, record: DocumentRecord) -> bulk.CheckedDoc | None:
        """Validate in the reader thread (pure: the schema is loaded). With --create-types
        the check waits for add(), which creates the missing types first."""
        if self.create_types or not _worth_checking(record):
            return None
        return bulk.check(self.schema, None, text, record, self.type_map)

    def add(self, items: list[tuple[int, str, DocumentRecord, bulk.CheckedDoc | None]]) -> None:
        items = [item for item in items if _worth_checking(item[2])]
        if not items:
            return  # plain documents: nothing to do here
        if self.create_types:
            self._create_entity_types([record for _id, _text, record, _checked in items])
        checked = []
        for pk, text, record, prepared in items:
            doc = prepared or bulk.check(self.schema, pk, text, record, self.type_map)
            doc.document_id = pk
            self.errors.extend(doc.errors)
            self.unknown.update(doc.unknown)
            if self._repeated(doc):
                continue
            checked.append(doc)
        if self.target.kind != "suggestions":
            busy = bulk.non_empty_sets(self.project, self.target,
                                       [d.document_id for d in checked if d.spans or d.events or d.relations])
            for doc in checked:
                if doc.document_id in busy:
                    self.errors.append(
                        _("%(file)s, line %(line)s: the %(target)s set of document «%(doc)s» already has annotations; "
                          "import into another set (nothing is overwritten)")
                        % {"file": doc.record.source, "line": doc.record.line, "target": self.target.describe(),
                           "doc": doc.record.external_id or doc.document_id})
        if self.errors or self.unknown:
            return  # keep reading to report everything; the file will be rolled back
        self.result.add(bulk.insert(self.project, self.target, checked, self.user, source=self.source))
        for doc in checked:
            self.warnings.extend(doc.warnings)

    def _repeated(self, doc: bulk.CheckedDoc) -> bool:
        """The same text twice in one file is one document: the first annotations are
        kept, and a repeat with other annotations is named in the warnings."""
        # A hash keeps memory flat over a long file; (type, start, end) of each span, in C.
        fingerprint = (hash(tuple(map(_SPAN_KEY, doc.spans))), len(doc.events), len(doc.relations))
        if doc.document_id not in self.seen:
            self.seen[doc.document_id] = fingerprint
            return False
        if self.seen[doc.document_id] != fingerprint:
            self.warnings.append(_("%(file)s, line %(line)s: this text appears earlier in the file with other "
                                   "annotations; the first ones were kept") % {"file": doc.record.source, "line": doc.record.line})
        return True

    def _create_entity_types(self, records: list[DocumentRecord]) -> None:
        wanted = {self.type_map.get(s.type, s.type) for r in records for s in r.entities} - {""}
        missing = sorted(wanted - set(self.schema.entity_types))
        if not missing:
            return
        order = len(self.schema.entity_types)
        EntityType.objects.bulk_create([
            EntityType(project=self.project, key=key, name_ar=key, name_en=key, order=order + i)
            for i, key in enumerate(missing, 1)
        ])
        self.warnings.append(_("%(file)s: created entity types %(types)s") % {"file": self.source, "types": ", ".join(missing)})
        self.project.forget_schema()

    def close(self) -> None:
        messages = [self._unknown_message(kind, key, count) for (kind, key), count in sorted(self.unknown.items())]
        messages += self.errors
        if messages:
            extra = len(messages) - MAX_MESSAGES
            messages = messages[:MAX_MESSAGES]
            if extra > 0:
                messages.append(_("… and %(count)d more") % {"count": extra})
            raise importing.FileRejected(messages)

    def _unknown_message(self, kind: str, key: str, count: int) -> str:
        known = {"entity": self.schema.entity_types, "event": self.schema.event_types,
                 "relation": self.schema.relation_types}[kind]
        hint = _("map it (--map %(key)s=TYPE, or %(key)s= to leave it out)") % {"key": key}
        if kind == "entity":
            hint += _(" or create it (--create-types)")
        return _("%(file)s: unknown %(kind)s type «%(key)s» (%(count)d times); %(hint)s. Types of this project: %(known)s") % {
            "file": self.source, "kind": kind, "key": key, "count": count, "hint": hint, "known": ", ".join(known)}

    def fill(self, report: importing.FileReport) -> None:
        if report.failed:
            return
        report.warnings.extend(self.warnings[:MAX_MESSAGES])
        if len(self.warnings) > MAX_MESSAGES:
            report.warnings.append(_("… and %(count)d more warnings") % {"count": len(self.warnings) - MAX_MESSAGES})
        counts = vars(self.result)
        report.annotations = {name: n for name, n in counts.items() if n}


def _worth_checking(record: DocumentRecord) -> bool:
    return bool(record.has_annotations or record.status or record.warnings)


def sinks(project: Project, target: bulk.Target, *, user=None, type_map: dict | None = None,
          create_types: bool = False) -> Callable[[str], AnnotationSink]:
    """One fresh sink per file, for corpus.importing.import_paths / import_uploads."""
    return lambda name: AnnotationSink(project, target, user, dict(type_map or {}), create_types, name)


# --- export: records -----------------------------------------------------------------------

@dataclass
class ExportOptions:
    fmt: str = "tawsim"
    sets: str = "gold"  # gold | annotator:NAME | all | suggestions
    statuses: tuple[str, ...] = ()  # only sets with these statuses
    document_ids: tuple[int, ...] = ()
    split: tuple[int, int, int] | None = None  # train/dev/test percentages
    seed: int = 0
    with_meta: bool = True
    include_empty: bool = False  # documents without the chosen set, with no annotations

    def to_params(self) -> dict:
        return {**vars(self), "statuses": list(self.statuses), "document_ids": list(self.document_ids),
                "split": list(self.split) if self.split else None}

    @classmethod
    def from_params(cls, params: dict) -> "ExportOptions":
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        known["statuses"] = tuple(known.get("statuses") or ())
        known["document_ids"] = tuple(known.get("document_ids") or ())
        known["split"] = tuple(known["split"]) if known.get("split") else None
        return cls(**known)


class _Names:
    """Schema ids -> keys, loaded once; type ids in code-point order of their keys (as
    Python sorts strings), for the canonical order of export_rows' queries."""

    def __init__(self, schema: ProjectSchema):
        self.entity = {t.pk: key for key, t in schema.entity_types.items()}
        self.event = {e.model.pk: key for key, e in schema.event_types.items()}
        self.role = {r.model.pk: r.key for e in schema.event_types.values() for r in e.roles.values()}
        self.relation = {r.model.pk: key for key, r in schema.relation_types.items()}
        self.entity_order = sorted(self.entity, key=self.entity.get)
        self.event_order = sorted(self.event, key=self.event.get)


def records(project: Project, options: ExportOptions, keep: Callable[[int], bool] | None = None,
            on_record: Callable[[], None] | None = None, build: Callable | None = None) -> Iterator:
    """The project's documents as annotated in the chosen sets, in import order, streamed.
    `keep` filters documents by id (splits); `on_record` is called per record (progress);
    `build` turns one set's rows into what is yielded (a DocumentRecord by default)."""
    names = _Names(ProjectSchema.load(project))
    suggestions = options.sets == "suggestions"
    reader = export_rows.Reader(
        project_id=project.pk, size=CHUNK, sets=None if suggestions else options.sets,
        statuses=tuple(options.statuses), with_meta=options.with_meta,
        document_ids=list(options.document_ids) if options.document_ids else None, keep=keep,
        entity_order=names.entity_order, event_order=names.event_order)
    for chunk in export_rows.chunks(reader):
        if not chunk.document_ids:
            continue
        with gc_paused():  # a chunk's records at once: see tawsim.gc_pause
            found = list(_suggestion_records(chunk.document_ids, chunk.docs, names) if suggestions
                         else _chunk(chunk, options.include_empty, names, build or _build_record))
        for record in found:
            if on_record:
                on_record()
            yield record


def _chunk(chunk: export_rows.Chunk, include_empty: bool, names: _Names, build: Callable) -> Iterator:
    by_document = defaultdict(list)
    for row in chunk.sets:
        by_document[row[1]].append(row)
    spans, events, relations = chunk.spans, chunk.events, chunk.relations
    for pk in chunk.document_ids:
        doc = chunk.docs[pk]
        chosen = by_document.get(pk)
        if not chosen:
            if include_empty:
                yield build(doc, "", "not_started", (), (), chunk.arguments, (), names)
            continue
        for set_id, _doc, username, status, kind in chosen:
            yield build(doc, username if kind == SetKind.ANNOTATOR else "", status, spans.get(set_id, ()),
                        events.get(set_id, ()), chunk.arguments, relations.get(set_id, ()), names)


def _record(doc: tuple, annotator: str, status: str) -> DocumentRecord:
    pk, external_id, title, text, meta = doc
    return DocumentRecord(text=text, external_id=external_id, title=title, meta=meta,
                          document_id=pk, annotator=annotator, status=status)


_build_item = item_builder(with_meta=True)


def _build_record(doc: tuple, annotator: str, status: str, spans: Iterable, events: Iterable, arguments: dict,
                  relations: Iterable, names: _Names) -> DocumentRecord:
    """One set's rows as a record, read off the native item (annotate.export_items), so
    that the canonical order and ids are defined in one place for every format."""
    item = _build_item(doc, annotator, status, spans, events, arguments, relations, names)
    record = _record(doc, annotator, status)
    record.entities = [SpanRecord(e["type"], e["start"], e["end"], e["id"], e.get("kb_id", "")) for e in item["entities"]]
    record.events = [
        EventRecord(e["type"], e["trigger"]["start"], e["trigger"]["end"],
                    [ArgumentRecord(a["role"], a["entity_id"]) for a in e["arguments"]],
                    e["attributes"], e["id"], e.get("cluster", ""))
        for e in item["events"]
    ]
    record.relations = [RelationRecord(r["type"], r["source"], r["target"], r["id"]) for r in item["relations"]]
    return record


def _suggestion_records(document_ids: list[int], docs: dict, names: _Names) -> Iterator[DocumentRecord]:
    """Pre-taggers' output with tagger and score; an event suggestion's arguments become
    entities too (with the event's tagger) when no entity suggestion has their offsets."""
    found = defaultdict(list)
    for row in Suggestion.objects.filter(document_id__in=document_ids).order_by("pk").values_list(
            "document_id", "kind", "tagger", "entity_type_id", "event_type_id", "start", "end", "score", "arguments"):
        found[row[0]].append(row)
    for pk in document_ids:
        if not found.get(pk):
            continue
        record = _record(docs[pk], "", "")
        spans: dict[tuple, SpanRecord] = {}
        events = []
        for _doc, kind, tagger, etype, evtype, start, end, score, args in found[pk]:
            if kind == Suggestion.Kind.ENTITY:
                spans.setdefault((names.entity[etype], start, end), SpanRecord(names.entity[etype], start, end, "", "", tagger, score))
            else:
                events.append((names.event[evtype], start, end, tagger, score, args))
        for _type, start, end, tagger, _score, args in events:
            for arg in args:
                spans.setdefault((arg["type"], arg["start"], arg["end"]),
                                 SpanRecord(arg["type"], arg["start"], arg["end"], "", "", tagger, None))
        entities = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.type, s.tagger))
        ids = {}
        for number, span in enumerate(entities, 1):
            span.id = f"T{number}"
            ids[(span.type, span.start, span.end)] = span.id
        record.entities = entities
        for number, (etype, start, end, tagger, score, args) in enumerate(sorted(events, key=lambda e: (e[1], -e[2], e[0])), 1):
            arguments = sorted((ArgumentRecord(a["role"], ids[(a["type"], a["start"], a["end"])]) for a in args),
                               key=lambda a: (a.role, a.entity_id))
            record.events.append(EventRecord(etype, start, end, arguments, {}, f"E{number}", "", tagger, score))
        yield record


# --- export: files ---------------------------------------------------------------------

def write_options(project: Project, options: ExportOptions) -> WriteOptions:
    """What writers may declare about the schema (brat's annotation.conf, HF's labels)."""
    schema = ProjectSchema.load(project)
    return WriteOptions(
        with_meta=options.with_meta,
        project=project.name,
        entity_types=list(schema.entity_types),
        event_roles={key: {r.key: (sorted(r.allowed), r.min_count, r.max_count) for r in e.roles.values()}
                     for key, e in schema.event_types.items()},
        relation_types={key: (sorted(r.sources), sorted(r.targets)) for key, r in schema.relation_types.items()},
        attributes={key: ([e.key for e in a.event_types.all()], [v["key"] for v in a.values])
                    for key, a in schema.attributes.items()},
    )


def split_of(project: Project, options: ExportOptions) -> dict[int, str]:
    """Document id -> split name: a seeded shuffle of the document ids (reproducible)."""
    documents = Document.objects.filter(project=project).order_by("pk")
    if options.document_ids:
        documents = documents.filter(pk__in=options.document_ids)
    ids = list(documents.values_list("pk", flat=True))
    random.Random(options.seed).shuffle(ids)
    train, dev, _test = options.split
    cut_train = round(len(ids) * train / 100)
    cut_dev = cut_train + round(len(ids) * dev / 100)
    return {pk: ("train" if i < cut_train else "dev" if i < cut_dev else "test") for i, pk in enumerate(ids)}


def check_options(options: ExportOptions) -> None:
    if options.fmt not in WRITERS:
        raise ValueError(_("unknown format «%(format)s»; choose one of: %(formats)s")
                         % {"format": options.fmt, "formats": ", ".join(WRITERS)})
    if not (options.sets in ("gold", "all", "suggestions") or
            (options.sets.startswith("annotator:") and options.sets.partition(":")[2])):
        raise ValueError(_("«%(sets)s»: choose gold, all, suggestions or annotator:NAME") % {"sets": options.sets})
    if options.split and (len(options.split) != 3 or sum(options.split) != 100 or min(options.split) < 0):
        raise ValueError(_("a split is three percentages adding up to 100, e.g. 80,10,10"))


def export(project: Project, options: ExportOptions, wopts: WriteOptions | None = None,
           on_record: Callable[[], None] | None = None) -> Iterator[bytes]:
    """The export file's bytes, streamed. With a split: a zip of one part per split."""
    check_options(options)
    module = WRITERS[options.fmt]
    direct = _written_from_rows(options)
    if not direct:  # the direct path declares nothing about the schema: no need to load it
        wopts = wopts or write_options(project, options)

    def part(keep: Callable[[int], bool] | None) -> Iterator[bytes]:
        if direct:
            build = item_builder(options.with_meta)
            return module.write_items(records(project, options, keep=keep, on_record=on_record, build=build))
        return module.write(records(project, options, keep=keep, on_record=on_record), wopts)

    if not options.split:
        yield from part(None)
        return
    assigned = split_of(project, options)
    if hasattr(module, "members"):
        parts = [(name, records(project, options, keep=lambda pk, name=name: assigned.get(pk) == name,
                                on_record=on_record)) for name, share in zip(SPLITS, options.split) if share]
        yield from stream_zip(module.members(parts, wopts))
    else:
        yield from stream_zip((f"{name}{module.EXTENSION}", part(lambda pk, name=name: assigned.get(pk) == name))
                              for name, share in zip(SPLITS, options.split) if share)


def _written_from_rows(options: ExportOptions) -> bool:
    """The native format is written from the rows directly (annotate.export_items);
    suggestions carry taggers and scores, which only the records path knows."""
    return hasattr(WRITERS[options.fmt], "write_items") and options.sets != "suggestions"


def file_name(project: Project, options: ExportOptions) -> str:
    module = WRITERS[options.fmt]
    extension = ".zip" if options.split else module.EXTENSION
    sets = re.sub(r"[^\w\-]+", "_", options.sets)
    return f"{project.slug}-{sets}-{options.fmt}{extension}"


def media_type(options: ExportOptions) -> str:
    return "application/zip" if options.split else WRITERS[options.fmt].MEDIA_TYPE


def export_to_path(project: Project, options: ExportOptions, path: Path,
                   on_record: Callable[[], None] | None = None) -> list[str]:
    """Write an export to a file; the writers' warnings are returned."""
    wopts = None if _written_from_rows(options) else write_options(project, options)
    with open(path, "wb") as out:
        for chunk in export(project, options, wopts, on_record):
            out.write(chunk)
    return wopts.warnings if wopts else []


# --- export as a background job ---------------------------------------------------------

def export_folder(project: Project) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / str(project.pk)


def export_job(job, progress) -> dict:
    """annotate.jobs work: write the export under MEDIA_ROOT/exports/<project>/<job><ext>.
    The file is served only through the project's export download view (admins)."""
    project = job.project
    options = ExportOptions.from_params(job.params)
    total = Document.objects.filter(project=project).count()
    folder = export_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    name = file_name(project, options)
    path = folder / f"{job.pk}-{name}"
    counted = {"n": 0}

    def on_record() -> None:
        counted["n"] += 1
        if counted["n"] % CHUNK == 0:
            progress(min(counted["n"], total), total)

    warnings = export_to_path(project, options, path, on_record=on_record)
    progress(total, total)
    return {"file": path.name, "name": name, "documents": counted["n"], "warnings": warnings[:200],
            "warning_count": len(warnings)}


__all__ = ["AnnotationSink", "ExportOptions", "export", "export_job", "parse_map", "parse_target", "records", "sinks"]
