"""Attaching a token file's documents to the documents a project already has.

A CoNLL file rebuilds each text from its tokens, so gold exported by another tool for
documents imported earlier as text would otherwise arrive as near-copies of them. A
record read from tokens is matched to a stored document first by its external id, then
by its words (the text without white space, `corpus.text.skeleton`); on a match it takes
the stored text, and its annotations move to the same words there.
"""
from __future__ import annotations

import dataclasses
import hashlib

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.formats.base import DocumentRecord
from corpus.text.skeleton import OffsetMap, skeleton, words_md5
from tawsim.bulk_sql import fetch


def attach(project_id: int, batch: list[tuple], warnings: list[str]) -> tuple[list[tuple], set[int]]:
    """`batch` holds the importer's (text, SHA-256, record, prepared) tuples. Each
    tokenised record that matches a stored document takes that document's text and
    digest (the importer then treats it as stored, and the sink gets the stored
    document's id). Returns the batch and the positions in it that were attached. What cannot be
    attached (an external id whose document has other words) is said in `warnings`."""
    wanted = [item for item in batch if item[2].tokenised]
    if not wanted:
        return batch, set()
    by_id = _stored(project_id, "external_id", [item[2].external_id for item in wanted if item[2].external_id])
    by_words = _stored(project_id, "words_md5", [words_md5(text) for text, *_rest in wanted])
    attached: set[int] = set()
    out = []
    for position, item in enumerate(batch):
        text, _digest, record, _prepared = item
        if not record.tokenised:
            out.append(item)
            continue
        words = skeleton(text)
        named = by_id.get(record.external_id, [])
        stored = _same_words(named, words) or _same_words(by_words.get(words_md5(text), []), words)
        if stored is None:
            if named:
                warnings.append(_("%(file)s, line %(line)s: document «%(id)s» is in the project with other words; "
                                  "these tokens were imported as a new document")
                                % {"file": record.source, "line": record.line, "id": record.external_id})
            out.append(item)
            continue
        out.append((stored, hashlib.sha256(stored.encode("utf-8")).hexdigest(), _moved(record, text, stored, warnings),
                    None))
        attached.add(position)
    if attached:
        warnings.append(ngettext("%(file)s: %(count)d document was attached to the same words in the project",
                                 "%(file)s: %(count)d documents were attached to the same words in the project",
                                 len(attached)) % {"file": wanted[0][2].source, "count": len(attached)})
    return out, attached


def _stored(project_id: int, column: str, keys: list[str]) -> dict[str, list[str]]:
    """key -> the texts of the project's documents with that external id or words digest."""
    found: dict[str, list[str]] = {}
    if keys:
        rows = fetch(f"SELECT {column}, text FROM corpus_document WHERE project_id = %s"  # noqa: S608 (fixed names)
                     f" AND {column} = ANY(%s::varchar[])", [project_id, list(set(keys))])
        for key, text in rows:
            found.setdefault(key, []).append(text)
    return found


def _same_words(texts: list[str], words: str) -> str | None:
    return next((text for text in texts if skeleton(text) == words), None)


def _moved(record: DocumentRecord, source: str, target: str, warnings: list[str]) -> DocumentRecord:
    """The record on `target`: every entity on the same words (events and relations have
    no place in a token file)."""
    offsets = OffsetMap(source, target)
    entities = []
    for span in record.entities:
        extent = offsets.span(span.start, span.end)
        if extent is None:
            warnings.append(_("%(file)s, line %(line)s: an entity %(type)s covers no word and was left out")
                            % {"file": record.source, "line": record.line, "type": span.type})
            continue
        entities.append(dataclasses.replace(span, start=extent[0], end=extent[1]))
    return dataclasses.replace(record, text=target, entities=entities, tokenised=False)
