"""CSV: a header row, then one document per row. The text column is "text" unless told
otherwise; optional "id" and "title" columns; every other column goes to meta.

(Inside this package `import csv` still means the standard library: imports are absolute.)
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.formats._encoding import iter_lines
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats.base import DocumentRecord, FormatError

EXTENSIONS = (".csv",)


class _Lines:
    """Feeds decoded lines to csv.reader and remembers where each row began."""

    def __init__(self, lines: Iterable[tuple[int, str]]):
        self._lines = iter(lines)
        self.last = 0

    def __iter__(self) -> Iterator[str]:
        for number, line in self._lines:
            self.last = number
            yield line


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    _allow_long_fields(options.max_document_chars)
    lines = _Lines(iter_lines(stream, file=name, max_line_bytes=options.max_line_bytes))
    rows = csv.reader(lines, strict=True)
    header = _header(_next_row(rows, lines, name), name, options)
    while True:
        start = lines.last + 1
        row = _next_row(rows, lines, name)
        if row is None:
            return
        if any(cell.strip() for cell in row):  # blank rows are allowed and ignored
            yield _record(header, row, name, start, options)


def _next_row(rows, lines: _Lines, name: str) -> list[str] | None:
    try:
        return next(rows)
    except StopIteration:
        return None
    except csv.Error as error:
        raise FormatError(_("malformed CSV: %(error)s") % {"error": error}, file=name, line=lines.last) from None


def _header(row: list[str] | None, name: str, options: ReadOptions) -> list[str]:
    if row is None:
        raise FormatError(_("empty file: a header row is needed"), file=name, line=1)
    header = [cell.strip() for cell in row]
    for column in header:
        if header.count(column) > 1:
            raise FormatError(_("column «%(column)s» appears more than once") % {"column": column}, file=name, line=1)
    if options.text_column not in header:
        raise FormatError(
            _("no text column «%(column)s»; the columns found are: %(found)s")
            % {"column": options.text_column, "found": ", ".join(f"«{c}»" for c in header)},
            file=name,
            line=1,
            field=options.text_column,
        )
    return header


def _record(header: list[str], row: list[str], name: str, line: int, options: ReadOptions) -> DocumentRecord:
    if len(row) != len(header):
        raise FormatError(
            ngettext("the row has %(count)d field but the header has %(expected)d",
                     "the row has %(count)d fields but the header has %(expected)d", len(row))
            % {"count": len(row), "expected": len(header)},
            file=name,
            line=line,
        )
    cells = dict(zip(header, row, strict=True))
    text = document_text(
        cells.pop(options.text_column), max_chars=options.max_document_chars, file=name, line=line,
        field=options.text_column,
    )
    return DocumentRecord(
        text=text,
        external_id=cells.pop(options.id_column, "").strip(),
        title=cells.pop(options.title_column, "").strip(),
        meta=cells,
        source=name,
        line=line,
    )


def _allow_long_fields(max_chars: int) -> None:
    # The csv module refuses fields over 128 KiB by default; a document may be longer.
    # The limit is process-wide, so it is only ever raised.
    if csv.field_size_limit() < max_chars + 1:
        csv.field_size_limit(max_chars + 1)
