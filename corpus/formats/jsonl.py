"""JSON Lines: one object per line, {"text": ..., "id"?, "title"?, "meta"?}.

Other top-level keys are kept in meta (beside the keys of "meta" itself). Blank lines
are allowed. The file is read line by line: a large file is never held in memory.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from corpus.formats import _json as fast_json
from corpus.formats._encoding import iter_lines
from corpus.formats._options import ReadOptions
from corpus.formats._text import document_text
from corpus.formats.base import DocumentRecord, FormatError

EXTENSIONS = (".jsonl", ".ndjson")
KNOWN_KEYS = ("text", "id", "title", "meta")


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    for number, line in iter_lines(stream, file=name, max_line_bytes=options.max_line_bytes):
        if line.strip():
            yield _record(_parse(line, name, number), name, number, options)


def _parse(line: str, name: str, number: int) -> dict:
    try:
        item = fast_json.loads(line)
    except json.JSONDecodeError as error:
        raise FormatError(
            _("malformed JSON: %(error)s at column %(column)d")
            % {"error": fast_json.reason(error), "column": error.colno},
            file=name,
            line=number,
        ) from None
    if not isinstance(item, dict):
        raise FormatError(
            _("expected a JSON object, found %(type)s") % {"type": json_type(item)}, file=name, line=number
        )
    return item


def _record(item: dict, name: str, number: int, options: ReadOptions) -> DocumentRecord:
    where = {"file": name, "line": number}
    if "text" not in item:
        raise FormatError(_("missing: every line needs a \"text\" string"), field="text", **where)
    text = item["text"]
    if not isinstance(text, str):
        raise FormatError(_("must be a string, found %(type)s") % {"type": json_type(text)}, field="text", **where)
    text = document_text(text, max_chars=options.max_document_chars, field="text", **where)
    _check_storable(text, "text", where)
    return DocumentRecord(
        text=text,
        external_id=_external_id(item.get("id"), where),
        title=_optional_string(item.get("title"), "title", where),
        meta=_meta(item, where),
        source=name,
        line=number,
    )


def _external_id(value: Any, where: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise FormatError(
        _("must be a string or a whole number, found %(type)s") % {"type": json_type(value)}, field="id", **where
    )


def _optional_string(value: Any, field: str, where: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(_("must be a string, found %(type)s") % {"type": json_type(value)}, field=field, **where)
    _check_storable(value, field, where)
    return value


def _meta(item: dict, where: dict) -> dict:
    meta = item.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise FormatError(_("must be an object, found %(type)s") % {"type": json_type(meta)}, field="meta", **where)
    extra = {key: value for key, value in item.items() if key not in KNOWN_KEYS and key not in meta}
    meta = {**meta, **extra}
    # PostgreSQL's jsonb refuses \u0000 anywhere; say so here rather than fail in the database.
    if "\\u0000" in json.dumps(meta):
        raise FormatError(_("contains a NUL character (\\u0000)"), field="meta", **where)
    return meta


def _check_storable(value: str, field: str, where: dict) -> None:
    """JSON escapes can produce what no UTF-8 file can: NUL and unpaired surrogates."""
    nul = value.find("\x00")
    if nul != -1:
        raise FormatError(
            _("NUL character (\\u0000) at character %(index)d") % {"index": nul}, field=field, **where
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise FormatError(
            _("unpaired surrogate \\u%(code)04x at character %(index)d")
            % {"code": ord(value[error.start]), "index": error.start},
            field=field,
            **where,
        ) from None


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    names = {dict: "object", list: "array", str: "string", int: "number", float: "number"}
    return names.get(type(value), type(value).__name__)
