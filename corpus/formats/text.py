"""Plain text: one document per file, the file name (without extension) its external id."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _

from corpus.formats._encoding import BOM, check_not_foreign, decode
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats.base import DocumentRecord, FormatError

EXTENSIONS = (".txt",)


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    # Read one byte past the limit: enough to know the file is too big, never more.
    data = stream.read(options.max_document_bytes + 1)
    if len(data) > options.max_document_bytes:
        raise FormatError(
            _("document over the size limit: more than %(bytes)d bytes (the limit is %(limit)d characters)")
            % {"bytes": options.max_document_bytes, "limit": options.max_document_chars},
            file=name,
        )
    check_not_foreign(data, file=name)
    start = len(BOM) if data.startswith(BOM) else 0
    text = decode(data[start:], file=name, start=start)
    text = document_text(text, max_chars=options.max_document_chars, file=name)
    yield DocumentRecord(text=text, external_id=external_id_for(name), source=name)


def external_id_for(name: str) -> str:
    """"reports/2021/cairo.txt" -> "cairo"."""
    return PurePosixPath(name.replace("\\", "/")).stem
