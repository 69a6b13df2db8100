"""CoNLL with BIO tags: one token per line (`token<TAB>tag`), a blank line between
sentences, and a `-DOCSTART-<TAB>external id` line before each document.

Writing: tokens are camel-tools' (corpus.text.arabic.tokenize), and a token an entity
starts or ends inside (a glued proclitic, «وحلب») is split at the entity boundary
(«و» + «حلب»), so no entity is dropped. BIO cannot nest: only the outermost layer of
nested spans is written (the inner ones are counted in the warnings). Events and
relations have no place in CoNLL and are counted too. Sentences end at a new line or
after . ! ? ؟ … — never inside an entity.

Reading: the text is rebuilt from the tokens (joined by spaces, sentences by new
lines); offsets are code points into that text. When the project already has a document
with the same words (by external id, else by the words ignoring white space), the
importer attaches the annotations to it instead (corpus.text.skeleton). Without any -DOCSTART- line, each
sentence is a document. Columns are split on tabs (or spaces): the first is the token,
the last the tag; B-/I-/O, plus E-/S- (BIOES), are understood. CRLF, a BOM and invisible
marks (U+200E and other format characters) at token edges are tolerated and dropped.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.deferred_text import ngettext_deferred
from corpus.formats import _annotated as a
from corpus.formats._encoding import iter_lines
from corpus.formats._options import ReadOptions
from corpus.formats.base import DocumentRecord, FormatError, SpanRecord, WriteOptions
from corpus.text.tokens import FORMAT_CHARS

EXTENSIONS = (".conll", ".bio", ".iob")
EXTENSION = ".conll"
MEDIA_TYPE = "text/plain; charset=utf-8"
ANNOTATED = True
DOCSTART = "-DOCSTART-"
_STRIP = "".join(FORMAT_CHARS)


# --- writer ----------------------------------------------------------------------------

def document_lines(record: DocumentRecord, warnings: list[str]) -> list[str]:
    """The sentences of one document as `token<TAB>tag` lines ("" between sentences)."""
    for span in record.entities:
        a.plain_key(span.type, _("entity type"), record, "CoNLL")
    spans, inner = a.outermost(record.entities)
    tokens = a.split_tokens(record.text, [o for s in spans for o in (s.start, s.end)])
    tags, lost = a.bio_tags(tokens, spans)
    a.warn_dropped(warnings, record, ngettext_deferred(
        "%(count)d nested entity (outermost layer kept)",
        "%(count)d nested entities (outermost layer kept)", len(inner), count=len(inner)),
        "CoNLL")
    a.warn_dropped(warnings, record, ngettext_deferred(
        "%(count)d entity covering no token",
        "%(count)d entities covering no token", len(lost), count=len(lost)),
        "CoNLL")
    a.warn_events_dropped(warnings, record, "CoNLL")
    a.warn_relations_dropped(warnings, record, "CoNLL")
    lines: list[str] = []
    for first, last in a.sentence_ranges(record.text, tokens, tags):
        lines.extend(f"{tokens[i].text}\t{tags[i]}" for i in range(first, last))
        lines.append("")
    return lines


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    for record in records:
        name = "_".join((record.external_id or str(record.document_id or "")).split()) or "-"
        lines = [f"{DOCSTART}\t{name}", ""] + document_lines(record, options.warnings)
        yield ("\n".join(lines) + "\n").encode("utf-8")


# --- reader ----------------------------------------------------------------------------

class _Builder:
    """Collects the sentences of one document and turns them into a record."""

    def __init__(self, name: str, external_id: str, line: int):
        self.name, self.external_id, self.line = name, external_id, line
        self.sentences: list[list[tuple[str, str, int]]] = [[]]

    def add(self, token: str, tag: str, line: int) -> None:
        self.sentences[-1].append((token, tag, line))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    @property
    def empty(self) -> bool:
        return not any(self.sentences)

    def record(self, options: ReadOptions) -> DocumentRecord:
        parts, spans, offset = [], [], 0
        open_span: SpanRecord | None = None
        for sentence in filter(None, self.sentences):
            if parts:
                parts.append("\n")
                offset += 1
            for index, (token, tag, line) in enumerate(sentence):
                if index:
                    parts.append(" ")
                    offset += 1
                start, end = offset, offset + len(token)
                parts.append(token)
                offset = end
                open_span = _tagged(tag, start, end, open_span, spans, line, self.name)
            open_span = None
        text = "".join(parts)
        if len(text) > options.max_document_chars:
            raise FormatError(
                ngettext("document of %(count)d character is over the limit of %(limit)d characters",
                         "document of %(count)d characters is over the limit of %(limit)d characters", len(text))
                % {"count": len(text), "limit": options.max_document_chars},
                file=self.name, line=self.line)
        for number, span in enumerate(spans, 1):
            span.id = f"T{number}"
        return DocumentRecord(text=text, external_id=self.external_id, source=self.name, line=self.line, entities=spans,
                              tokenised=True)


def _tagged(tag: str, start: int, end: int, open_span, spans: list, line: int, name: str):
    """Extend or open a span for one token's tag; the span still open after it."""
    if tag == "O":
        return None
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I", "E", "S", "L", "U") or not label:
        raise FormatError(_("«%(tag)s» is not a BIO tag (B-TYPE, I-TYPE or O)") % {"tag": tag}, file=name, line=line,
                          field="tag")
    continues = prefix in ("I", "E", "L") and open_span is not None and open_span.type == label
    if continues:
        open_span.end = end
    else:
        open_span = SpanRecord(label, start, end)
        spans.append(open_span)
    return None if prefix in ("E", "S", "L", "U") else open_span


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    stem = PurePosixPath(name.replace("\\", "/")).stem
    explicit = False
    builder = _Builder(name, f"{stem}-1", 1)
    count = 0
    for number, raw in iter_lines(stream, file=name, max_line_bytes=options.max_line_bytes):
        line = raw.rstrip("\r\n")
        columns = line.split("\t") if "\t" in line else line.split()
        token = columns[0].strip().strip(_STRIP) if columns else ""
        if token == DOCSTART:
            if not builder.empty:
                count += 1
                yield builder.record(options)
            explicit = True
            given = columns[1].strip() if len(columns) > 1 else ""
            count_id = f"{stem}-{count + 1}"
            builder = _Builder(name, given if given and given not in ("O", "-X-") else count_id, number)
            continue
        if not token and len(columns) > 1 and columns[-1].strip():
            continue  # a token made only of invisible marks: nothing to keep
        if not token:
            builder.end_sentence()
            if not explicit and not builder.empty:  # no documents marked: a sentence is a document
                count += 1
                yield builder.record(options)
                builder = _Builder(name, f"{stem}-{count + 1}", number + 1)
            continue
        if len(columns) < 2:
            raise FormatError(_("expected a token and a tag separated by a tab"), file=name, line=number,
                              field="tag")
        builder.add(token, columns[-1].strip(), number)
    if not builder.empty:
        yield builder.record(options)
