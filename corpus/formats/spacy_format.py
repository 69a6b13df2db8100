"""spaCy: a `.spacy` DocBin (what `spacy train` reads).

Each Doc has exactly the document's text (words are camel-tools tokens split at entity
boundaries; runs of white space other than one space become whitespace tokens), so
character offsets are unchanged: Unicode code points, logical order. `doc.ents` holds
the outermost layer of nested entities and `doc.spans["sc"]` every entity. A span that
still cannot align to tokens (one that starts or ends in white space) is never dropped
silently: it is listed in the warnings and kept in `doc.user_data["misaligned"]` as
(start, end, label). `user_data` also carries external_id and title. Events and
relations have no place in a DocBin and are counted in the warnings.

The DocBin is built in memory (spaCy serialises it whole), so very large projects are
better exported in splits or as JSONL.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import BinaryIO

from django.utils.translation import gettext as _

from corpus.deferred_text import gettext_deferred
from corpus.formats import _annotated as a
from corpus.formats._options import ReadOptions
from corpus.formats.base import DocumentRecord, FormatError, SpanRecord, WriteOptions

EXTENSIONS = (".spacy",)
EXTENSION = ".spacy"
MEDIA_TYPE = "application/octet-stream"
ANNOTATED = True
SPAN_KEY = "sc"


@lru_cache(maxsize=1)
def _vocab():
    import spacy  # imported here: only this format needs it

    return spacy.blank("xx").vocab


def words_and_spaces(text: str, record: DocumentRecord) -> tuple[list[str], list[bool]]:
    tokens = a.split_tokens(text, [o for s in record.entities for o in (s.start, s.end)])
    words, spaces = [], []
    position = 0
    for token in tokens:
        gap = text[position:token.start]
        _gap_tokens(gap, words, spaces)
        words.append(token.text)
        spaces.append(False)
        position = token.end
    _gap_tokens(text[position:], words, spaces)
    return words, spaces


def _gap_tokens(gap: str, words: list[str], spaces: list[bool]) -> None:
    """White space between tokens: one space rides on the previous token; anything else
    (new lines, several spaces, invisible marks) becomes a token of its own."""
    if not gap:
        return
    if gap == " " and words:
        spaces[-1] = True
        return
    if words and gap.startswith(" "):
        spaces[-1] = True
        gap = gap[1:]
    if gap.endswith(" ") and len(gap) > 1:
        words.append(gap[:-1])
        spaces.append(True)
    else:
        words.append(gap)
        spaces.append(False)


def to_doc(record: DocumentRecord, vocab, warnings: list[str]):
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(record.text, record)
    doc = Doc(vocab, words=words, spaces=spaces)
    assert doc.text == record.text, "tokens must rebuild the text exactly"
    aligned, misaligned = [], []
    for span in record.entities:
        found = doc.char_span(span.start, span.end, label=span.type, alignment_mode="strict")
        (aligned if found is not None else misaligned).append((span, found))
    doc.spans[SPAN_KEY] = [found for _span, found in aligned]
    layer, _inner = a.outermost([span for span, _found in aligned])
    keep = {(s.start, s.end, s.type) for s in layer}
    doc.ents = [found for span, found in aligned if (span.start, span.end, span.type) in keep]
    doc.user_data["external_id"] = record.external_id
    doc.user_data["title"] = record.title
    doc.user_data["misaligned"] = [(s.start, s.end, s.type) for s, _f in misaligned]
    for span, _found in misaligned:
        warnings.append(gettext_deferred(
            "%(doc)s: entity %(type)s %(start)d–%(end)d «%(text)s» does not align to spaCy tokens "
            "(kept in user_data[\"misaligned\"])", doc=record.external_id, type=span.type, start=span.start,
            end=span.end, text=record.text[span.start:span.end]))
    a.warn_events_dropped(warnings, record, "spaCy")
    a.warn_relations_dropped(warnings, record, "spaCy")
    return doc


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    from spacy.tokens import DocBin

    vocab = _vocab()
    docs = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for record in records:
        docs.add(to_doc(record, vocab, options.warnings))
    yield docs.to_bytes()


def read(stream: BinaryIO, name: str, options: ReadOptions = ReadOptions()) -> Iterator[DocumentRecord]:
    from spacy.tokens import DocBin

    data = stream.read(options.max_unzipped_bytes + 1)
    try:
        docs = DocBin(store_user_data=True).from_bytes(data)
    except Exception as error:  # spaCy raises several kinds for a bad file
        raise FormatError(_("not a spaCy DocBin: %(error)s") % {"error": error}, file=name) from None
    for number, doc in enumerate(docs.get_docs(_vocab()), 1):
        group = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else doc.ents
        spans = [SpanRecord(s.label_, s.start_char, s.end_char, f"T{i}") for i, s in enumerate(group, 1)]
        spans += [SpanRecord(label, start, end, f"T{len(spans) + i}")
                  for i, (start, end, label) in enumerate(doc.user_data.get("misaligned", []), 1)]
        yield DocumentRecord(text=doc.text, external_id=str(doc.user_data.get("external_id", "")),
                             title=str(doc.user_data.get("title", "")), source=name, line=number, entities=spans)
