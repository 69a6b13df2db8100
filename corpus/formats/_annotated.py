"""What the readers and writers of annotated formats share: offsets checked against the
span text a file gives, UTF-16 offsets recognised, the outermost layer of nested spans,
tokens split at entity boundaries, and sentences.

Offsets are Unicode code points into the text, in logical order, everywhere.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from corpus.deferred_text import DeferredText, gettext_deferred, ngettext_deferred
from corpus.formats.base import DocumentRecord, EventRecord, FormatError, RelationRecord, SpanRecord
from corpus.text.arabic import Token, tokenize

SENTENCE_END = frozenset(".!?؟…")


# --- checked values --------------------------------------------------------------------

def plain_key(key: str, what: str, record: DocumentRecord | None, fmt: str) -> str:
    """A type, role or attribute key as a line-based format writes it: one field, so no
    space, tab or line break (a schema key never has one; a key that does would forge
    lines or columns in the file). Refused, naming the document and the key."""
    if key and not any(c.isspace() for c in key):
        return key
    where_ = (record.external_id or str(record.document_id or "")) if record is not None else "annotation.conf"
    raise FormatError(
        _("%(format)s cannot carry the %(what)s key %(key)s (spaces, tabs and line breaks are not allowed)")
        % {"format": fmt, "what": what, "key": json.dumps(key, ensure_ascii=False)}, file=where_)


def where(name: str, line: int | None) -> dict:
    return {"file": name, "line": line}


def integer(value: Any, field: str, loc: dict) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(_("must be a whole number, found %(value)s") % {"value": json.dumps(value)},
                          field=field, **loc)
    return value


def string(value: Any, field: str, loc: dict, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise FormatError(_("must be a non-empty string, found %(value)s") % {"value": json.dumps(value)[:80]},
                          field=field, **loc)
    return value


def obj(value: Any, field: str, loc: dict) -> dict:
    if not isinstance(value, dict):
        raise FormatError(_("must be an object, found %(value)s") % {"value": json.dumps(value)[:80]},
                          field=field, **loc)
    return value


def array(value: Any, field: str, loc: dict) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(_("must be an array, found %(value)s") % {"value": json.dumps(value)[:80]},
                          field=field, **loc)
    return value


# --- offsets ---------------------------------------------------------------------------

def utf16_to_code_points(text: str, offset: int) -> int | None:
    """The code-point offset of a UTF-16 offset, or None if it falls inside a surrogate pair."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > offset:
            return None
    return len(text) if units == offset else None


def matched_offsets(
    text: str, start: int, end: int, given: str | None, field: str, loc: dict, warnings: list[str]
) -> tuple[int, int]:
    """Check the span text a file gives against `text[start:end]`. Tools that count in
    UTF-16 (JavaScript front ends) give other offsets after an emoji or any astral
    character: when the UTF-16 reading gives the stated text, it is converted and said so.
    Without a stated text (or an empty one), the offsets must lie inside the text."""
    if not given:
        if min(start, end) < 0 or max(start, end) > len(text):
            raise FormatError(
                _("offsets %(start)d–%(end)d are outside the text (0–%(length)d)")
                % {"start": start, "end": end, "length": len(text)},
                field=field, **loc,
            )
        return start, end
    if 0 <= start and end <= len(text) and text[start:end] == given:  # (slices stop at the end)
        return start, end
    utf16_length = len(text) + sum(ord(c) > 0xFFFF for c in text)
    if not 0 <= start < end <= utf16_length:  # outside in code points and in UTF-16 units alike
        raise FormatError(
            _("offsets %(start)d–%(end)d are outside the text (0–%(length)d)")
            % {"start": start, "end": end, "length": len(text)},
            field=field, **loc,
        )
    if any(ord(c) > 0xFFFF for c in text):
        s16, e16 = utf16_to_code_points(text, start), utf16_to_code_points(text, end)
        if s16 is not None and e16 is not None and text[s16:e16] == given:
            warnings.append(
                _("%(file)s, line %(line)s, field «%(field)s»: offsets %(start)d–%(end)d are UTF-16 code units; "
                  "converted to code points %(s)d–%(e)d") % {**loc, "field": field, "start": start, "end": end,
                                                           "s": s16, "e": e16}
            )
            return s16, e16
    raise FormatError(
        _("offsets %(start)d–%(end)d give «%(found)s» but the file says «%(given)s»")
        % {"start": start, "end": end, "found": text[start:end][:60], "given": given[:60]},
        field=field, **loc,
    )


def newline_map(raw: str) -> tuple[str, list[int] | None]:
    """Stored texts have LF line ends and no BOM; offsets a file counted in its raw text
    are moved with it. Returns the text and old->new offsets (None when unchanged)."""
    if not raw.startswith("\ufeff") and "\r" not in raw:
        return raw, None
    mapping, out, i = [], [], 0
    if raw.startswith("\ufeff"):
        mapping.append(0)
        i = 1
    while i < len(raw):
        mapping.append(len(out))
        if raw[i] == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n":
            mapping.append(len(out))
            out.append("\n")
            i += 2
            continue
        out.append("\n" if raw[i] == "\r" else raw[i])
        i += 1
    mapping.append(len(out))
    return "".join(out), mapping


def moved(mapping: list[int] | None, offset: int) -> int:
    if mapping is None or not 0 <= offset < len(mapping):
        return offset
    return mapping[offset]


# --- layers, tokens, sentences ----------------------------------------------------------

def outermost(spans: Iterable[SpanRecord]) -> tuple[list[SpanRecord], list[SpanRecord]]:
    """The outermost layer of possibly nested spans, in text order, and the rest.
    A span inside a longer one is left out; of two crossing spans, the earlier stays."""
    kept: list[SpanRecord] = []
    left: list[SpanRecord] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.type)):
        if kept and span.start < kept[-1].end:
            left.append(span)
        else:
            kept.append(span)
    return kept, left


def split_tokens(text: str, boundaries: Iterable[int]) -> list[Token]:
    """camel-tools tokens, each split where an entity starts or ends inside it
    (a glued proclitic: «وحلب» -> «و» + «حلب»), so no entity is ever lost."""
    cuts = sorted(set(boundaries))
    tokens: list[Token] = []
    index = 0
    for token in tokenize(text):
        while index < len(cuts) and cuts[index] <= token.start:
            index += 1
        start, probe = token.start, index
        while probe < len(cuts) and cuts[probe] < token.end:
            tokens.append(Token(start, cuts[probe], text[start:cuts[probe]]))
            start = cuts[probe]
            probe += 1
        tokens.append(Token(start, token.end, text[start:token.end]))
    return tokens


def bio_tags(tokens: list[Token], spans: list[SpanRecord]) -> tuple[list[str], list[SpanRecord]]:
    """BIO tags for non-overlapping spans over tokens split at their boundaries, and the
    spans no token falls inside (whitespace or invisible marks only)."""
    tags = ["O"] * len(tokens)
    lost, index = [], 0
    for span in spans:
        while index < len(tokens) and tokens[index].end <= span.start:
            index += 1
        first, probe = True, index
        while probe < len(tokens) and tokens[probe].start < span.end:
            if tokens[probe].start >= span.start and tokens[probe].end <= span.end:
                tags[probe] = ("B-" if first else "I-") + span.type
                first = False
            probe += 1
        if first:
            lost.append(span)
    return tags, lost


def sentence_ranges(text: str, tokens: list[Token], tags: list[str]) -> list[tuple[int, int]]:
    """[first, last) token indices of each sentence: a new line, or after . ! ? ؟ …,
    ends one, unless an entity runs across (the next token's tag continues it)."""
    ranges, first = [], 0
    for i in range(len(tokens) - 1):
        token, nxt = tokens[i], tokens[i + 1]
        ends = "\n" in text[token.end:nxt.start] or token.text in SENTENCE_END
        if ends and not tags[i + 1].startswith("I-"):
            ranges.append((first, i + 1))
            first = i + 1
    if tokens:
        ranges.append((first, len(tokens)))
    return ranges


def warn_dropped(warnings: list[str], record: DocumentRecord, what: DeferredText, fmt: str) -> None:
    """`what`: an ngettext_deferred message counting what is left out (Arabic has six
    plural forms); nothing is said when its count is 0. The warning stays deferred: an
    export job stores it and each reader sees it in their language."""
    if what.entry.get("n"):
        warnings.append(gettext_deferred("%(doc)s: %(what)s not written: %(format)s has no place for them",
                                         doc=record.external_id or record.document_id, what=what, format=fmt))


def warn_events_dropped(warnings: list[str], record: DocumentRecord, fmt: str) -> None:
    """For a format without events: how many of the record's are not written."""
    warn_dropped(warnings, record, ngettext_deferred(
        "%(count)d event", "%(count)d events", len(record.events), count=len(record.events)), fmt)


def warn_relations_dropped(warnings: list[str], record: DocumentRecord, fmt: str) -> None:
    """For a format without relations: how many of the record's are not written."""
    warn_dropped(warnings, record, ngettext_deferred(
        "%(count)d relation", "%(count)d relations", len(record.relations), count=len(record.relations)), fmt)


__all__ = [
    "DocumentRecord", "EventRecord", "SpanRecord", "RelationRecord", "outermost", "split_tokens",
    "bio_tags", "sentence_ranges", "matched_offsets", "newline_map", "moved",
]
