"""Streamed exports: the database into any corpus.formats writer.

Documents are read in chunks of CHUNK (annotate.dataset.rows: each chunk's sets, spans,
events, arguments and relations in one query each, no query per document), turned into
records in canonical order (corpus.formats.canonical: entities T1.. by start, -end,
type; events E1..; relations R1..), and handed to a writer. The native format is written
from the rows directly (annotate.dataset.native), held to the same lines. Memory stays
flat whatever the project's size. Offsets are Unicode code points into the text, in
logical order.
"""
from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from annotate.dataset import rows
from annotate.dataset.native import item_builder
from annotate.models import AnnotationSet, EventCluster, KBEntity, SetKind, Suggestion
from corpus.deferred_text import gettext_deferred
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
from corpus.formats.canonical import canonical
from corpus.models import Document, Project
from corpus.schema import ProjectSchema
from tawsim.gc_pause import gc_paused

CHUNK = 1000
SPLITS = ("train", "dev", "test")


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
    def from_params(cls, params: dict) -> ExportOptions:
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        known["statuses"] = tuple(known.get("statuses") or ())
        known["document_ids"] = tuple(known.get("document_ids") or ())
        known["split"] = tuple(known["split"]) if known.get("split") else None
        return cls(**known)


class _Names:
    """Schema ids -> keys, loaded once; type ids in code-point order of their keys (as
    Python sorts strings), for the canonical order of the rows module's queries."""

    def __init__(self, schema: ProjectSchema, project: Project | None = None):
        self.entity = {t.pk: key for key, t in schema.entity_types.items()}
        # Names of the project's KB entries (with their type) and clusters: a linked mention
        # carries them, so an import into another project finds or creates the same entry.
        self.kb = {pk: (name, self.entity.get(etype, "")) for pk, name, etype in
                   KBEntity.objects.filter(project=project).values_list("pk", "name", "entity_type_id")
                   } if project else {}
        self.cluster = dict(EventCluster.objects.filter(project=project).values_list("pk", "name")) if project else {}
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
    names = _Names(ProjectSchema.load(project), project)
    suggestions = options.sets == "suggestions"
    reader = rows.Reader(
        project_id=project.pk, size=CHUNK, sets=None if suggestions else options.sets,
        statuses=tuple(options.statuses), with_meta=options.with_meta,
        document_ids=list(options.document_ids) if options.document_ids else None, keep=keep,
        entity_order=names.entity_order, event_order=names.event_order)
    for chunk in rows.chunks(reader):
        if not chunk.document_ids:
            continue
        with gc_paused():  # a chunk's records at once: see tawsim.gc_pause
            found = list(_suggestion_records(chunk.document_ids, chunk.docs, names) if suggestions
                         else _chunk(chunk, options.include_empty, names, build or _build_record))
        for record in found:
            if on_record:
                on_record()
            yield record


def _chunk(chunk: rows.Chunk, include_empty: bool, names: _Names, build: Callable) -> Iterator:
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


def _build_record(doc: tuple, annotator: str, status: str, spans: Iterable, events: Iterable, arguments: dict,
                  relations: Iterable, names: _Names) -> DocumentRecord:
    """One set's rows as a record in canonical order, with canonical ids (canonical() is
    their one definition; the rows' database ids only tie the references together)."""
    record = _record(doc, annotator, status)
    entity, role, relation = names.entity, names.role, names.relation
    ids = {}
    no_name = ("", "")
    for _set, span, etype, start, end, kb in spans:
        ids[span] = span_id = str(span)
        kb_name, kb_type = names.kb.get(kb, no_name) if kb else no_name
        record.entities.append(SpanRecord(entity[etype], start, end, span_id, str(kb) if kb else "",
                                          kb_name=kb_name, kb_type=kb_type))
    record.events = [
        EventRecord(names.event[etype], start, end,
                    [ArgumentRecord(role[r], ids[s]) for _e, r, s in arguments.get(pk, ())],
                    attributes, "", str(cluster) if cluster else "",
                    cluster_name=names.cluster.get(cluster, "") if cluster else "")
        for _set, pk, etype, start, end, attributes, cluster in events
    ]
    record.relations = [RelationRecord(relation[rtype], ids[s], ids[t]) for _set, rtype, s, t in relations]
    return canonical(record)


def _suggestion_records(document_ids: list[int], docs: dict, names: _Names) -> Iterator[DocumentRecord]:
    """Pre-taggers' output for everyone, with tagger and score, every tagger's proposal kept (two taggers
    proposing one span give two entities, so each can be scored); an event suggestion's
    arguments become entities too (with the event's tagger) when no entity suggestion has
    their offsets."""
    found = defaultdict(list)
    # Suggestions meant for one user (names only they have marked) mirror that user's own
    # set: they are theirs, not the pre-taggers' output for everyone.
    shared = Suggestion.objects.filter(document_id__in=document_ids, user__isnull=True)
    for row in shared.order_by("pk").values_list(
            "document_id", "kind", "tagger", "entity_type_id", "event_type_id", "start", "end", "score", "arguments"):
        found[row[0]].append(row)
    for pk in document_ids:
        if not found.get(pk):
            continue
        record = _record(docs[pk], "", "")
        entities = _SuggestedEntities()
        events = []
        for _doc, kind, tagger, etype, evtype, start, end, score, args in found[pk]:
            if kind == Suggestion.Kind.ENTITY:
                entities.add((names.entity[etype], start, end), tagger, score)
            else:
                events.append((names.event[evtype], start, end, tagger, score, args))
        for _type, _start, _end, tagger, _score, args in events:
            for arg in args:
                key = (arg["type"], arg["start"], arg["end"])
                if key not in entities.at:
                    entities.add(key, tagger, None)
        record.entities = list(entities.by_tagger.values())
        at = entities.at
        record.events = [
            EventRecord(etype, start, end,
                        [ArgumentRecord(a["role"], at[(a["type"], a["start"], a["end"])].id) for a in args],
                        {}, "", "", tagger, score)
            for etype, start, end, tagger, score, args in events
        ]
        yield canonical(record)


class _SuggestedEntities:
    """One document's suggested entities: one per (type, start, end, tagger), numbered in
    the order they come; `at` finds the first one at a place (what arguments point at)."""

    def __init__(self):
        self.by_tagger: dict[tuple, SpanRecord] = {}
        self.at: dict[tuple, SpanRecord] = {}

    def add(self, key: tuple, tagger: str, score: float | None) -> None:
        if (*key, tagger) not in self.by_tagger:
            span = SpanRecord(*key, str(len(self.by_tagger)), "", tagger, score)
            self.by_tagger[(*key, tagger)] = span
            self.at.setdefault(key, span)


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
        raise ValueError(gettext_deferred("unknown format «%(format)s»; choose one of: %(formats)s",
                                          format=options.fmt, formats=", ".join(WRITERS)))
    if not (options.sets in ("gold", "all", "suggestions") or
            (options.sets.startswith("annotator:") and options.sets.partition(":")[2])):
        raise ValueError(gettext_deferred("«%(sets)s»: choose gold, all, suggestions or annotator:NAME",
                                          sets=options.sets))
    if options.split and (len(options.split) != 3 or sum(options.split) != 100 or min(options.split) < 0):
        raise ValueError(gettext_deferred("a split is three percentages adding up to 100, e.g. 80,10,10"))


# Formats that hold everything a set holds; every other writer may leave something out
# (nested entities, events, relations, attribute values) and says so in its warnings.
LOSSLESS_FORMATS = ("tawsim",)


def may_lose(options: ExportOptions) -> bool:
    return options.fmt not in LOSSLESS_FORMATS


def nothing_to_export(project: Project, options: ExportOptions) -> str | None:
    """Why the export would hold no document (a sentence for the user), or None: a file
    of 0 bytes explains nothing."""
    documents = Document.objects.filter(project=project)
    if options.document_ids:
        documents = documents.filter(pk__in=options.document_ids)
    if options.include_empty:
        return None if documents.exists() else gettext_deferred("This project has no documents yet.")
    if options.sets == "suggestions":
        if Suggestion.objects.filter(document__in=documents, user__isnull=True).exists():
            return None
        return gettext_deferred("No document has suggestions yet; pre-tag the documents first.")
    sets = AnnotationSet.objects.filter(document__in=documents)
    if options.sets == "gold":
        sets = sets.filter(kind=SetKind.GOLD)
    elif options.sets.startswith("annotator:"):
        sets = sets.filter(kind=SetKind.ANNOTATOR, owner__username=options.sets.partition(":")[2])
    if not sets.exists():
        if options.sets == "gold":
            return gettext_deferred(
                "This project has no gold sets yet (nothing is adjudicated); choose an annotator's sets or all sets.")
        if options.sets == "all":
            return gettext_deferred("No document has an annotation set yet.")
        return gettext_deferred("%(name)s has no annotation sets in this project.", name=options.sets.partition(":")[2])
    if options.statuses and not sets.filter(status__in=options.statuses).exists():
        return gettext_deferred("None of the chosen sets has the chosen status.")
    return None


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
    names = [name for name, share in zip(SPLITS, options.split, strict=True) if share]
    if hasattr(module, "members"):
        parts = [(name, records(project, options, keep=lambda pk, name=name: assigned.get(pk) == name,
                                on_record=on_record)) for name in names]
        yield from stream_zip(module.members(parts, wopts))
    else:
        yield from stream_zip((f"{name}{module.EXTENSION}", part(lambda pk, name=name: assigned.get(pk) == name))
                              for name in names)


def _written_from_rows(options: ExportOptions) -> bool:
    """The native format is written from the rows directly (annotate.dataset.native);
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
    result = {"file": path.name, "name": name, "documents": counted["n"], "warnings": warnings[:200],
              "warning_count": len(warnings)}
    if not counted["n"]:  # the sets went between the request and the job: say why the file is empty
        result["empty"] = (nothing_to_export(project, options)
                           or gettext_deferred("No document matched the chosen sets."))
    return result

