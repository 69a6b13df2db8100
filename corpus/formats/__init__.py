"""File formats: a registry of modules, each with `read(stream, name, options)` yielding
`base.DocumentRecord`s and, for annotated formats, `write(records, options)` yielding
bytes beside it. Readers and writers are pure: bytes in, records out (and back),
`base.FormatError` (file, line, field, reason) for bad input.

FORMATS names the readers (import), WRITERS the writers (export). Modules that read a
whole zip themselves (brat, hf) say so with `ARCHIVE = True`; modules whose output is
several files (brat, hf) offer `members(parts, options)` for split exports.

`read_file` picks the reader by extension (or an explicit format) and opens zip
archives, whose members are read the same way.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _

from corpus.formats import (
    brat,
    conll,
    csv,
    doccano,
    hf,
    hf_parquet,
    jsonl,
    labelstudio,
    spacy_format,
    spans_csv,
    tawsim_jsonl,
    text,
)
from corpus.formats._options import ReadOptions
from corpus.formats._zip import iter_members
from corpus.formats.base import DocumentRecord, FormatError

FORMATS = {
    "txt": text, "jsonl": jsonl, "csv": csv,
    "tawsim": tawsim_jsonl, "conll": conll, "brat": brat, "doccano": doccano, "labelstudio": labelstudio,
    "spacy": spacy_format, "hf": hf,
}
# Formats that carry annotations (importable into a set or as suggestions).
ANNOTATED_FORMATS = tuple(name for name, module in FORMATS.items() if getattr(module, "ANNOTATED", False))
WRITERS = {
    "tawsim": tawsim_jsonl, "conll": conll, "brat": brat, "spacy": spacy_format, "hf": hf, "hf-parquet": hf_parquet,
    "csv": spans_csv, "doccano": doccano, "labelstudio": labelstudio,
}
EXTENSIONS = {ext: fmt for fmt, module in FORMATS.items() for ext in module.EXTENSIONS}
# Named in messages about archives: the plain document formats (annotated ones are listed in the docs).
_PLAIN_EXTENSIONS = sorted(ext for fmt in ("txt", "jsonl", "csv") for ext in FORMATS[fmt].EXTENSIONS)
ARCHIVE_EXTENSIONS = (".zip",)

__all__ = [
    "ANNOTATED_FORMATS", "FORMATS", "WRITERS", "ReadOptions", "detect_format", "is_archive", "is_importable",
    "read_file",
]


def _suffix(name: str) -> str:
    """The known extension the name ends with, longest first (".brat.zip" before ".zip")."""
    lowered = PurePosixPath(name.replace("\\", "/")).name.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if lowered.endswith(ext):
            return ext
    return PurePosixPath(lowered).suffix


def is_archive(name: str) -> bool:
    return _suffix(name) in ARCHIVE_EXTENSIONS


def is_importable(name: str) -> bool:
    """Would a folder or archive listing include this file (known extension, not hidden)?"""
    base = PurePosixPath(name.replace("\\", "/")).name
    return not base.startswith(".") and (_suffix(name) in EXTENSIONS or is_archive(name))


def detect_format(name: str, fmt: str | None = None) -> str:
    """The format name for a file: `fmt` if given, else from the extension."""
    if fmt:
        if fmt not in FORMATS:
            raise FormatError(
                _("unknown format «%(format)s»; choose one of: %(formats)s")
                % {"format": fmt, "formats": ", ".join(FORMATS)},
                file=name,
            )
        return fmt
    fmt = EXTENSIONS.get(_suffix(name))
    if fmt is None:
        raise FormatError(
            _("cannot tell the format from the extension «%(ext)s»: use %(known)s, or choose a format")
            % {"ext": _suffix(name), "known": ", ".join(sorted(EXTENSIONS) + list(ARCHIVE_EXTENSIONS))},
            file=name,
        )
    return fmt


def read_file(
    stream: BinaryIO, name: str, fmt: str | None = None, options: ReadOptions = ReadOptions(),
    skipped: list[str] | None = None,
) -> Iterator[DocumentRecord]:
    """Every document in one file (a .zip counts as one file; `fmt` applies to its members,
    unless the format reads whole archives itself). Members of a zip that are not a file
    type we import are named in `skipped`, for the report."""
    detected = EXTENSIONS.get(_suffix(name)) if not fmt else fmt
    if detected in FORMATS and getattr(FORMATS[detected], "ARCHIVE", False):
        yield from _counted(FORMATS[detected].read(stream, name, options), name)
        return
    if not is_archive(name):
        yield from _read_one(stream, name, fmt, options)
        return
    try:
        found = False
        for member_name, member in iter_members(stream, name, options):
            if fmt or is_importable(member_name):
                found = True
                yield from _read_one(member, member_name, fmt, options)
            elif skipped is not None:
                skipped.append(_("%(file)s: skipped: not a file type that is imported (%(known)s)")
                               % {"file": member_name, "known": ", ".join(_PLAIN_EXTENSIONS)})
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise FormatError(_("damaged zip archive: %(error)s") % {"error": error}, file=name) from None
    if not found:
        raise FormatError(
            _("the archive holds no files to import (%(known)s)") % {"known": ", ".join(_PLAIN_EXTENSIONS)},
            file=name,
        )


def _read_one(stream: BinaryIO, name: str, fmt: str | None, options: ReadOptions) -> Iterator[DocumentRecord]:
    if is_archive(name):
        raise FormatError(_("archives inside archives are not supported"), file=name)
    yield from _counted(FORMATS[detect_format(name, fmt)].read(stream, name, options), name)


def _counted(records: Iterator[DocumentRecord], name: str) -> Iterator[DocumentRecord]:
    empty = True
    for record in records:
        empty = False
        yield record
    if empty:
        raise FormatError(_("the file holds no documents"), file=name)
