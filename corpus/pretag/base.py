"""The tagger interface: text and tokens in, suggestions out.

Taggers are pure (no ORM, no settings): the annotate side gathers what they need
(gold spans, knowledge-base aliases, the schema's trigger lists), builds them, runs them
on a document with `pretag_document` and stores the result. Offsets are code points.
"""
from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, runtime_checkable

from corpus.text.arabic import Token, tokenize
from corpus.text.offsets import valid_span

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EntityProposal:
    """An entity proposal. `value` is a normalised value where one exists (dates: see dates.py);
    `kb_entity` the knowledge-base entity it links to, if any; `audience` the one user it
    is meant for (None: everyone), e.g. a name only that user has marked so far."""

    type: str
    start: int
    end: int
    score: float
    tagger: str
    value: str | None = None
    kb_entity: int | None = None
    audience: int | None = None


class ArgumentProposal(NamedTuple):
    role: str
    span: EntityProposal


@dataclass(frozen=True, slots=True)
class EventProposal:
    """An event proposal: a trigger and (role, entity suggestion) pairs."""

    type: str
    trigger_start: int
    trigger_end: int
    score: float
    tagger: str
    arguments: tuple[ArgumentProposal, ...] = ()


@dataclass(frozen=True, slots=True)
class TaggerError:
    """A tagger failed on one document; the others' suggestions still count."""

    tagger: str
    message: str


@runtime_checkable
class Tagger(Protocol):
    """An entity tagger. `tag` must not touch the database and must not keep per-document state."""

    name: str

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]: ...


@runtime_checkable
class EventTagger(Protocol):
    name: str

    def tag_events(
        self, text: str, tokens: Sequence[Token], entities: Sequence[EntityProposal]
    ) -> list[EventProposal]: ...


@dataclass
class PretagResult:
    suggestions: list[EntityProposal] = field(default_factory=list)
    events: list[EventProposal] = field(default_factory=list)
    errors: list[TaggerError] = field(default_factory=list)


def _check_offsets(text: str, suggestion: EntityProposal) -> None:
    if not valid_span(text, suggestion.start, suggestion.end):
        raise ValueError(
            f"suggestion {suggestion.type} [{suggestion.start}, {suggestion.end}) "
            f"lies outside the text (length {len(text)})"
        )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def run_taggers(
    text: str, taggers: Iterable[Tagger], tokens: Sequence[Token] | None = None
) -> tuple[list[EntityProposal], list[TaggerError]]:
    """Run each tagger on one document; a failing tagger is reported, not fatal.
    A document-level tagger (one with `tag_document(text, tokens, proposals)`) runs after
    the others and is given their proposals.

    A tagger that returns an out-of-range span counts as failed: its output is dropped
    rather than stored half-right.
    """
    tokens = tokenize(text) if tokens is None else tokens
    suggestions: list[EntityProposal] = []
    errors: list[TaggerError] = []
    # Document-level taggers (`tag_document`, e.g. name_parts) read the others' proposals: last.
    taggers = sorted(taggers, key=lambda t: hasattr(t, "tag_document"))
    for tagger in taggers:
        try:
            if hasattr(tagger, "tag_document"):
                found = list(tagger.tag_document(text, tokens, list(suggestions)))
            else:
                found = list(tagger.tag(text, tokens))
            for suggestion in found:
                _check_offsets(text, suggestion)
        except Exception as exc:  # noqa: BLE001 - one tagger must not stop the others
            log.warning("tagger %s failed: %s", tagger.name, exc, exc_info=True)
            errors.append(TaggerError(tagger.name, _describe(exc)))
            continue
        suggestions.extend(found)
    return suggestions, errors


def _rank(priority: Sequence[str] | Mapping[str, int]) -> Mapping[str, int]:
    if isinstance(priority, Mapping):
        return priority
    return {name: len(priority) - i for i, name in enumerate(priority)}


def merge(
    suggestions: Iterable[EntityProposal], priority: Sequence[str] | Mapping[str, int] = ()
) -> list[EntityProposal]:
    """Keep one suggestion wherever several overlap.

    Where suggestions nest, the longer one wins whatever its tagger («ريال مدريد» over
    «مدريد»): the shorter is part of a longer name. Where they cross, the tagger earlier
    in `priority` wins (a list of names, or a name → rank mapping, higher wins; unlisted
    taggers rank lowest), then the higher score, then the longer span, then the earlier
    one. Returned in text order, never overlapping.
    """
    rank = _rank(priority)
    ordered = sorted(
        suggestions,
        key=lambda s: (-rank.get(s.tagger, 0), -s.score, -(s.end - s.start), s.start, s.type),
    )
    starts: list[int] = []
    kept: list[EntityProposal] = []  # sorted by start, pairwise disjoint
    for s in ordered:
        first = bisect_left(starts, s.start)
        if first > 0 and kept[first - 1].end > s.start:
            first -= 1  # the one before reaches into s (at most one can: kept are disjoint)
        last = first
        while last < len(kept) and kept[last].start < s.end:
            last += 1
        overlapping = kept[first:last]
        if overlapping and not all(_strictly_inside(k, s) for k in overlapping):
            continue  # inside a kept one, or crossing one: the kept one stays
        del starts[first:last], kept[first:last]
        starts.insert(first, s.start)
        kept.insert(first, s)
    return kept


def _strictly_inside(inner: EntityProposal, outer: EntityProposal) -> bool:
    inside = outer.start <= inner.start and inner.end <= outer.end
    return inside and (inner.start, inner.end) != (outer.start, outer.end)


def pretag_document(
    text: str,
    taggers: Sequence[Tagger],
    *,
    priority: Sequence[str] | Mapping[str, int] = (),
    event_taggers: Sequence[EventTagger] = (),
    tokens: Sequence[Token] | None = None,
) -> PretagResult:
    """Everything the annotate side needs for one document: merged entity suggestions,
    event proposals built on them, and the errors of taggers that failed."""
    tokens = tokenize(text) if tokens is None else tokens
    raw, errors = run_taggers(text, taggers, tokens)
    merged = merge(raw, priority)
    events: list[EventProposal] = []
    for tagger in event_taggers:
        try:
            events.extend(tagger.tag_events(text, tokens, merged))
        except Exception as exc:  # noqa: BLE001
            log.warning("event tagger %s failed: %s", tagger.name, exc, exc_info=True)
            errors.append(TaggerError(tagger.name, _describe(exc)))
    return PretagResult(merged, events, errors)
