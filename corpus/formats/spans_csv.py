"""CSV of spans, for spreadsheets: one row per entity, with its document and text.

    document_id,external_id,annotator,entity_id,type,start,end,text,kb_id,tagger,score

Offsets are Unicode code points into the document text (a spreadsheet's LEN() counts
the same way for Arabic). The file starts with a UTF-8 BOM so that spreadsheet programs
read the Arabic correctly. Events and relations are not in this table. Reading it back
gives the spans grouped by document, without the texts (they are not in the file):
it is an export for people, not an import format.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from corpus.formats._spreadsheet import safe_row, unsafe_cell
from corpus.formats.base import DocumentRecord, SpanRecord, WriteOptions

EXTENSIONS = ()
EXTENSION = ".csv"
MEDIA_TYPE = "text/csv; charset=utf-8"
ANNOTATED = True
WRITE_ONLY = True
COLUMNS = ["document_id", "external_id", "annotator", "entity_id", "type", "start", "end", "text", "kb_id",
           "tagger", "score"]


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        for span in record.entities:
            writer.writerow(safe_row([
                record.document_id if record.document_id is not None else "", record.external_id, record.annotator,
                span.id, span.type, span.start, span.end, record.text[span.start:span.end], span.kb_id, span.tagger,
                "" if span.score is None else span.score,
            ]))
        yield buffer.getvalue().encode("utf-8")


def read_rows(data: str) -> Iterator[tuple[str, SpanRecord]]:
    """(external id, span) per row: what the table holds, for checking an export."""
    for row in csv.DictReader(io.StringIO(data.lstrip("\ufeff"))):
        row = {key: unsafe_cell(value) for key, value in row.items()}
        yield row["external_id"], SpanRecord(row["type"], int(row["start"]), int(row["end"]), row["entity_id"],
                                             row["kb_id"], row["tagger"], float(row["score"]) if row["score"] else None)
