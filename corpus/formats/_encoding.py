"""Bytes to text: UTF-8 (with or without BOM) only, and every failure located to the
byte. Lines are read one at a time so a large file is never held in memory."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from corpus.formats.base import FormatError

BOM = b"\xef\xbb\xbf"
# Byte-order marks of encodings we do not read, so the error can say what the file is.
_FOREIGN_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# A lone CR (old Mac line end) also ends a line; CRLF stays one line end.
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


def check_not_foreign(head: bytes, *, file: str) -> None:
    for mark, encoding in _FOREIGN_BOMS:
        if head.startswith(mark):
            raise FormatError(
                _("the file is encoded as %(encoding)s, not UTF-8: save it as UTF-8") % {"encoding": encoding},
                file=file,
                line=1,
            )


def decode(data: bytes, *, file: str, start: int = 0, line: int = 1) -> str:
    """UTF-8 bytes to str. `start` is the offset of `data` in the file and `line` the
    line it begins on, so errors give the position in the whole file."""
    nul = data.find(b"\x00")
    if nul != -1:
        raise FormatError(
            _("binary file: NUL byte at byte offset %(offset)d") % {"offset": start + nul},
            file=file,
            line=line + data.count(b"\n", 0, nul),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(
            _("invalid UTF-8 at byte offset %(offset)d (bytes %(bytes)s)")
            % {"offset": start + error.start, "bytes": data[error.start : error.end].hex(" ")},
            file=file,
            line=line + data.count(b"\n", 0, error.start),
        ) from None


def iter_lines(stream: BinaryIO, *, file: str, max_line_bytes: int) -> Iterator[tuple[int, str]]:
    """(line number, decoded line with its line end), one line in memory at a time."""
    number, offset = 0, 0
    while raw := stream.readline(max_line_bytes + 1):
        if len(raw) > max_line_bytes:
            raise FormatError(
                _("line longer than the limit of %(limit)d bytes (6 bytes per character of the longest document "
                  "allowed, TAWSIM_MAX_DOCUMENT_CHARS, plus 1 MiB for the other fields)") % {"limit": max_line_bytes},
                file=file, line=number + 1
            )
        if offset == 0:
            check_not_foreign(raw, file=file)
            if raw.startswith(BOM):
                raw, offset = raw[len(BOM) :], len(BOM)
        for part in _LONE_CR.split(raw) if b"\r" in raw else (raw,):
            number += 1
            yield number, decode(part, file=file, start=offset, line=number)
            offset += len(part)
