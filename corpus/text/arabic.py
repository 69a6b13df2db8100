"""Arabic text machinery: tokens with code-point offsets, normalisation, snapping.

The public face of ``corpus.text``; the parts live beside it:
``tokens`` (camel-tools tokens aligned to offsets), ``normalise`` (matching form),
``clitics`` (when a word may be cut after a glued proclitic).

Snapping a selection [start, end):

* Only word tokens count (a letter or a digit). A selection that starts or ends in
  whitespace, punctuation or an emoji shrinks to the words inside it; a selection with
  no word is refused with :class:`SnapError`.
* Otherwise it grows outward to whole tokens: from the first word it touches to the end
  of the last one. Punctuation and words between them stay in.
* One exception at the start: the first word may be entered after a glued proclitic
  (و ف ب ل ك and chains such as وب، فل), so «وبحلب» gives «حلب» and «وبالمدينة» gives
  «المدينة». Whether that cut exists is decided from the word, the text and the known
  names, so a name such as «وليد» or «بغداد» is not cut by a selection begun anywhere
  inside it. One exception: a precise selection, one that starts exactly after a
  proclitic and ends at the end of a word, keeps that start when nothing known says
  where the word is cut («حقان فيدان» drawn inside «وحقان فيدان» stays «حقان فيدان»).
  A known name of several words counts for its first word where its other words follow
  in the text («حقان فيدان» known: «وحقان فيدان» gives «حقان فيدان»). The rules are in
  :mod:`corpus.text.clitics`.
* The end is never cut (enclitic pronouns stay attached).

Snapping is idempotent: snapping a snapped selection returns it unchanged.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _

from corpus.text.clitics import clitic_boundaries, stem_offset
from corpus.text.normalise import normalise
from corpus.text.offsets import valid_span
from corpus.text.tokens import Token, cached_tokens, tokenize

__all__ = [
    "SnapError",
    "Token",
    "clitic_boundaries",
    "normalise",
    "snap",
    "tokenize",
    "tokens_in",
]

_QUOTE_LIMIT = 40  # characters of the selection quoted in an error message


class SnapError(ValueError):
    """A selection that cannot be snapped to words; the message says why."""


def snap(
    text: str, start: int, end: int,
    known_names: Collection[str] | Callable[[], Collection[str]] = frozenset(),
) -> tuple[int, int]:
    """The word-aligned ``(start, end)`` for a selection (see the module docstring).

    ``known_names`` are names (any spelling; normalised here) whose words are never cut
    and whose presence after a proclitic justifies cutting it. It may be a function that
    returns them: it is called only when the first word may carry a proclitic, so most
    selections never pay for the look-up.
    """
    _check_offsets(text, start, end)
    words = _Analysis.of(text).words_touching(start, end)
    if not words:
        raise SnapError(
            _("The selection %(start)s–%(end)s («%(quote)s») holds no word: select at least one letter or digit.")
            % {"start": start, "end": end, "quote": _quote(text[start:end])}
        )
    first, last = words[0], words[-1]
    # A precise selection ends at the end of a word; one ending inside a word is being
    # completed, and so is its start (see the module docstring).
    drawn = start - first.start if end >= last.end else None
    return first.start + _first_word_offset(text, first, known_names, drawn), last.end


def tokens_in(text: str, start: int, end: int) -> list[Token]:
    """Every token (words and punctuation) overlapping [start, end), in order."""
    return [t for t in _Analysis.of(text).tokens if t.start < end and t.end > start]


def _first_word_offset(text: str, word: Token, known_names, drawn: int | None) -> int:
    if not clitic_boundaries(word.text):
        return 0  # most words: no need to build the vocabulary (or to look up names)
    names = known_names() if callable(known_names) else known_names
    analysis = _Analysis.of(text)
    known = _normalised(frozenset(names))
    known = known | _first_words_followed(known, analysis.following(word))
    return stem_offset(word.text, analysis.vocabulary, known, drawn)


def _first_words_followed(known: frozenset[str], following: tuple[str, ...]) -> frozenset[str]:
    """First words of the known names of several words whose other words follow in the
    text (``following``: the normalised words after the one being cut)."""
    return frozenset(
        parts[0] for parts in _split_names(known) if len(parts) > 1 and following[:len(parts) - 1] == parts[1:]
    )


def _check_offsets(text: str, start: int, end: int) -> None:
    if not valid_span(text, start, end):
        raise SnapError(
            _("The selection %(start)s–%(end)s is empty or outside the text (0–%(length)s).")
            % {"start": start, "end": end, "length": len(text)}
        )


def _quote(selected: str) -> str:
    selected = " ".join(selected.split())
    return selected if len(selected) <= _QUOTE_LIMIT else selected[:_QUOTE_LIMIT] + "…"


@lru_cache(maxsize=64)
def _normalised(names: frozenset[str]) -> frozenset[str]:
    return frozenset(normalise(name) for name in names)


@lru_cache(maxsize=64)
def _split_names(known: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(name.split()) for name in known)


class _Analysis:
    """Per-text lookups for snapping, built once per text and cached."""

    def __init__(self, text: str):
        self.tokens = cached_tokens(text)
        self.words = tuple(t for t in self.tokens if t.is_word)
        self._word_ends = [t.end for t in self.words]

    @staticmethod
    @lru_cache(maxsize=32)
    def of(text: str) -> _Analysis:
        return _Analysis(text)

    def words_touching(self, start: int, end: int) -> list[Token]:
        found, index = [], bisect_right(self._word_ends, start)
        while index < len(self.words) and self.words[index].start < end:
            found.append(self.words[index])
            index += 1
        return found

    def following(self, word: Token, limit: int = 6) -> tuple[str, ...]:
        """The normalised forms of up to ``limit`` words after ``word``."""
        index = bisect_right(self._word_ends, word.start)
        return tuple(normalise(w.text) for w in self.words[index + 1:index + 1 + limit])

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Normalised forms of the words standing alone in the text (one pass, not per word)."""
        return frozenset(normalise("\n".join(w.text for w in self.words)).split())
