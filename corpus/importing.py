"""Storing imported documents: read files with `corpus.formats`, de-duplicate by SHA-256,
insert in batches with PostgreSQL's COPY, and report per file.

One transaction per file: a file that fails leaves nothing behind, and the other files
still import. The project row is locked for the duration, so two imports into the same
project take turns and never collide on `Document.order`.

Used by the `import_documents` command, the import page and the REST API.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.attaching import attach
from corpus.formats import ReadOptions, is_importable, read_file
from corpus.formats._text import normalise_newlines
from corpus.formats.base import DocumentRecord, FormatError
from corpus.models import Document, Project
from corpus.projects import ProjectArchived, ensure_writable
from corpus.signals import documents_imported
from tawsim.bulk_sql import fetch
from tawsim.gc_pause import gc_paused

# Imports of at least this many documents refresh the planner's statistics when they commit.
ANALYZE_AFTER_ROWS = 1_000
# Rows per COPY batch and per duplicate query: big enough to amortise the round trips,
# small enough that a batch of long documents stays well inside the memory budget.
BATCH_SIZE = 2000

normalise_text = normalise_newlines
T = TypeVar("T")


# Skipped duplicates named one by one in a file's report; past this, only counted.
DUPLICATES_NAMED = 20


@dataclass
class Duplicate:
    """A skipped record and the project's document that already has its text."""
    record: str  # the record's id or title in the file ("" when it has neither)
    document_id: int
    title: str = ""  # the document's title, or its id when it has none


@dataclass
class AddResult:
    imported: int = 0
    duplicates: int = 0
    document_ids: list[int] = field(default_factory=list)  # the new documents
    duplicate_of: list[Duplicate] = field(default_factory=list)  # the first DUPLICATES_NAMED
    attached: int = 0  # token files' documents matched to stored ones (corpus.attaching)
    warnings: list[str] = field(default_factory=list)


class FileRejected(Exception):
    """A file refused as a whole (several located reasons); nothing of it is kept."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


class Sink(Protocol):
    """Receives every stored batch inside the file's transaction: what to do with the
    records' annotations is the caller's business (corpus never imports annotate).

    `prepare(text, record)` runs in the reader thread, without the database, for every
    record before its batch is stored: pure work there (validation) overlaps with the
    database storing the previous batch. `add` gets (document id, stored text, record,
    what prepare returned) for every record, duplicates included (their id is the
    existing document's); `close` runs after the last batch and may raise FileRejected
    or FormatError to roll the whole file back."""

    def prepare(self, text: str, record: DocumentRecord) -> object: ...

    def add(self, items: list[tuple[int, str, DocumentRecord, object]]) -> None: ...

    def close(self) -> None: ...

    def fill(self, report: FileReport) -> None:
        """Add the sink's warnings and counts to the file's report."""


SinkFactory = Callable[[str], Sink]  # file name -> a fresh sink for that file


@dataclass
class FileReport:
    name: str
    imported: int = 0
    duplicates: int = 0
    document_ids: list[int] = field(default_factory=list)
    duplicate_of: list[Duplicate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Annotations stored with the documents, by kind (spans, events, ...), when any.
    annotations: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def duplicates_unnamed(self) -> int:
        """Skipped duplicates beyond those named in `duplicate_of`."""
        return self.duplicates - len(self.duplicate_of)


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def document_ids(self) -> list[int]:
        return [pk for f in self.files for pk in f.document_ids]

    @property
    def failed(self) -> int:
        """How many files failed (and imported nothing)."""
        return sum(1 for f in self.files if f.failed)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def read_options(text_column: str = "text") -> ReadOptions:
    """Reader options with the limits from settings."""
    return ReadOptions(
        text_column=text_column or "text",
        max_document_chars=settings.TAWSIM_MAX_DOCUMENT_CHARS,
        max_zip_entries=settings.TAWSIM_MAX_ZIP_ENTRIES,
        max_unzipped_bytes=settings.TAWSIM_MAX_UNZIPPED_BYTES,
    )


def add_documents(project: Project, records: Iterable[DocumentRecord], sink: Sink | None = None) -> AddResult:
    """Store records in one transaction, skipping texts the project already has; a
    `sink` gets each batch's document ids to store the annotations beside them.

    Raises FormatError (and stores nothing) if a record's external id or title is too long.
    Once the transaction commits, `corpus.signals.documents_imported` names the new documents.
    Raises ProjectArchived when the project is archived (read-only).
    """
    ensure_writable(project)
    with transaction.atomic():
        inserter = _Inserter(project, sink)
        result = inserter.add(records)
        if sink is not None:
            sink.close()
        inserter.name_duplicates()
        if result.imported:
            new_ids = list(project.documents.filter(order__gt=inserter.first_order).order_by("order")
                           .values_list("pk", flat=True))
            result.document_ids = new_ids
            transaction.on_commit(
                lambda: documents_imported.send(sender=Document, project=project, document_ids=new_ids))
        if result.imported >= ANALYZE_AFTER_ROWS:
            analyze_on_commit(["corpus_document", *getattr(sink, "tables", ())])
        return result


def analyze_on_commit(tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of these tables once the bulk write commits.
    Autovacuum would, a minute or more later; until then the planner believes the
    tables hold what they held before the load, and may pick a plan that walks the
    new rows once per row (issue: a 2,000-document agreement took 137 s instead of 6)."""
    names = list(dict.fromkeys(tables))

    def analyze() -> None:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")

    transaction.on_commit(analyze)


def import_stream(
    project: Project, stream: BinaryIO, name: str, fmt: str | None = None, text_column: str = "text",
    sink: Sink | None = None,
) -> FileReport:
    """Import one file (a .zip counts as one) all or nothing."""
    report = FileReport(name)
    skipped: list[str] = []
    try:
        result = add_documents(project, read_file(stream, name, fmt, read_options(text_column), skipped), sink)
    except FormatError as error:
        report.errors.append(describe(error))
    except FileRejected as error:
        report.errors.extend(error.messages)
    except ProjectArchived as error:
        report.errors.append(error.message)
    except DatabaseError as error:
        report.errors.append(_("%(file)s: the database refused the file: %(error)s") % {"file": name, "error": error})
    else:
        report.imported, report.duplicates = result.imported, result.duplicates
        report.document_ids, report.duplicate_of = result.document_ids, result.duplicate_of
        report.warnings.extend(skipped + result.warnings)
    if sink is not None:
        sink.fill(report)
    return report


def import_paths(
    project: Project, paths: Iterable[str | os.PathLike], fmt: str | None = None, text_column: str = "text",
    sinks: SinkFactory | None = None,
) -> ImportReport:
    """Import files, folders (recursively: known extensions and .zip, hidden files skipped) and zips."""
    report = ImportReport()
    for path in paths:
        for file_path, error in _expand(Path(path), fmt):
            if error:
                report.files.append(FileReport(str(file_path), errors=[error]))
                continue
            try:
                with open(file_path, "rb") as stream:
                    report.files.append(import_stream(
                        project, stream, str(file_path), fmt, text_column, sinks(str(file_path)) if sinks else None))
            except OSError as error:
                message = _("%(file)s: cannot be read: %(error)s") % {"file": file_path, "error": error.strerror}
                report.files.append(FileReport(str(file_path), errors=[message]))
    return report


def import_upload(
    project: Project, uploaded_file: UploadedFile, fmt: str | None = None, text_column: str = "text"
) -> ImportReport:
    return import_uploads(project, [uploaded_file], fmt, text_column)


def import_uploads(
    project: Project, uploaded_files: Iterable[UploadedFile], fmt: str | None = None, text_column: str = "text",
    sinks: SinkFactory | None = None,
) -> ImportReport:
    report = ImportReport()
    for uploaded in uploaded_files:
        name = uploaded.name or "upload"
        if uploaded.size is not None and uploaded.size > settings.TAWSIM_MAX_UPLOAD_BYTES:
            message = _("%(file)s: the file is %(size)d bytes; the upload limit is %(limit)d bytes") % {
                "file": name, "size": uploaded.size, "limit": settings.TAWSIM_MAX_UPLOAD_BYTES}
            report.files.append(FileReport(name, errors=[message]))
            continue
        uploaded.seek(0)
        report.files.append(
            import_stream(project, uploaded.file, name, fmt, text_column, sinks(name) if sinks else None))
    return report


def describe(error: FormatError) -> str:
    """The error's location and reason in the interface language."""
    where = error.file or _("input")
    if error.line is not None:
        where = _("%(where)s, line %(line)d") % {"where": where, "line": error.line}
    if error.field:
        where = _("%(where)s, field «%(field)s»") % {"where": where, "field": error.field}
    return _("%(where)s: %(reason)s") % {"where": where, "reason": error.reason}


def _expand(path: Path, fmt: str | None) -> Iterator[tuple[Path, str]]:
    """(file, "") for each file to import under `path`, or (path, error message)."""
    if path.is_file():
        yield path, ""
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _in_folder(p.relative_to(path), fmt))
        if not files:
            yield path, _("%(file)s: the folder holds no files to import (.txt, .jsonl, .csv, .zip)") % {"file": path}
        for file_path in files:
            yield file_path, ""
    else:
        yield path, _("%(file)s: no such file or folder") % {"file": path}


def _in_folder(relative: Path, fmt: str | None) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return False
    return bool(fmt) or is_importable(relative.as_posix())


class _Inserter:
    """Batches records into COPY statements inside the caller's transaction."""

    def __init__(self, project: Project, sink: Sink | None = None):
        self.project, self.sink = project, sink
        self.result = AddResult()
        # Lock the project row: concurrent imports queue here, so orders never collide.
        Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True).first()
        self.order = self.first_order = project.documents.aggregate(m=Max("order"))["m"] or 0
        self.now = timezone.now()
        self.duplicate_digests: list[tuple[str, str]] = []  # (record, digest), the first DUPLICATES_NAMED

    def add(self, records: Iterable[DocumentRecord]) -> AddResult:
        prepare = getattr(self.sink, "prepare", None)
        with closing(_in_background(_prepared_batches(records, prepare))) as batches:
            for batch in batches:
                self._store(batch)
        return self.result

    def _store(self, batch: list[_Prepared]) -> None:
        with gc_paused():  # see tawsim.gc_pause
            self._store_batch(batch)

    def _store_batch(self, batch: list[_Prepared]) -> None:
        batch, attached = attach(self.project.pk, batch, self.result.warnings)
        self.result.attached += len(attached)
        # Earlier batches are already in the table, so this one query per batch also
        # catches duplicates between batches of the same file.
        digests = list({digest for _text, digest, _record, _prepared in batch})
        seen = set(self._stored(digests))
        rows = []
        for position, (text, digest, record, _prepared) in enumerate(batch):
            if position in attached:
                continue  # stored already, and not a duplicate: its annotations are the point
            if digest in seen:
                self.result.duplicates += 1
                if len(self.duplicate_digests) < DUPLICATES_NAMED:
                    self.duplicate_digests.append((record.external_id or record.title, digest))
                continue
            seen.add(digest)
            self.order += 1
            rows.append(self._row(text, record, digest))
        _copy_documents(rows)
        self.result.imported += len(rows)
        if self.sink is not None:
            ids = self._stored(digests)
            self.sink.add([(ids[digest], text, record, prepared) for text, digest, record, prepared in batch])

    def name_duplicates(self) -> None:
        """Which document each named duplicate repeats (one query, once the file is stored)."""
        if not self.duplicate_digests:
            return
        digests = list({digest for _record, digest in self.duplicate_digests})
        rows = fetch("SELECT sha256, id, COALESCE(NULLIF(title, ''), external_id) FROM corpus_document"
                     " WHERE project_id = %s AND sha256 = ANY(%s::varchar[])", [self.project.pk, digests])
        found = {digest: (pk, title) for digest, pk, title in rows}
        self.result.duplicate_of = [Duplicate(record, *found[digest])
                                    for record, digest in self.duplicate_digests if digest in found]

    def _stored(self, digests: list[str]) -> dict[str, int]:
        """digest -> id of the project's documents with these texts."""
        return dict(fetch("SELECT sha256, id FROM corpus_document"
                          " WHERE project_id = %s AND sha256 = ANY(%s::varchar[])",
                          [self.project.pk, digests]))

    def _row(self, text: str, record: DocumentRecord, digest: str) -> tuple:
        external_id = record.external_id or f"doc-{self.order}"
        _check_length(record, "external_id", external_id, "id")
        _check_length(record, "title", record.title, "title")
        meta = json.dumps(record.meta, ensure_ascii=False)
        return (self.project.pk, external_id, record.title, text, meta, digest, self.order, self.now)


_Prepared = tuple[str, str, DocumentRecord, object]  # normalised text, its SHA-256, the record, Sink.prepare's


def _prepared_batches(records: Iterable[DocumentRecord],
                      prepare: Callable[[str, DocumentRecord], object] | None = None) -> Iterator[list[_Prepared]]:
    def prepared(record: DocumentRecord) -> _Prepared:
        text = normalise_text(record.text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return text, digest, record, prepare(text, record) if prepare else None

    remaining = iter(records)
    while True:
        with gc_paused():  # a batch of records at once: see tawsim.gc_pause
            batch = [prepared(record) for record in islice(remaining, BATCH_SIZE)]
        if not batch:
            return
        yield batch


def _in_background(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Iterate `items` in a worker thread, up to `depth` items ahead.

    Reading and parsing the next batch then overlaps with the database storing this one:
    the main thread waits on the socket without holding the GIL. Exceptions raised by
    `items` are re-raised here. `items` must not use the database connection.
    """
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()  # translations are per thread

    def work() -> None:
        try:
            with translation.override(language):
                for item in items:
                    if stop.is_set():
                        return
                    results.put((True, item))
            results.put((False, None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            results.put((False, error))

    worker = threading.Thread(target=work, name="import-reader", daemon=True)
    worker.start()
    try:
        while True:
            more, value = results.get()
            if not more:
                if value is not None:
                    raise value
                return
            yield value
    finally:
        stop.set()
        while worker.is_alive():  # free a slot for a blocked put, so the worker can see `stop`
            try:
                results.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()


_COLUMNS = ("project", "external_id", "title", "text", "meta", "sha256", "order", "created_at")


def _check_length(record: DocumentRecord, model_field: str, value: str, shown_as: str) -> None:
    limit = Document._meta.get_field(model_field).max_length
    if len(value) > limit:
        raise FormatError(
            ngettext("%(count)d character is over the limit of %(limit)d",
                     "%(count)d characters is over the limit of %(limit)d", len(value))
            % {"count": len(value), "limit": limit},
            file=record.source, line=record.line, field=shown_as,
        )


def _copy_documents(rows: list[tuple]) -> None:
    """COPY is several times faster than INSERT for bulk rows (psycopg 3, same transaction)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Document._meta.db_table)
    columns = ", ".join(quote(Document._meta.get_field(name).column) for name in _COLUMNS)
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
