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
  «المدينة». Whether that cut exists is decided from the word and the text alone, never
  from where inside the word the selection began, so a name such as «وليد» or «بغداد»
  is never cut, however it is selected. The rules are in :mod:`corpus.text.clitics`.
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
    first = words[0]
    return first.start + _first_word_offset(text, first, known_names), words[-1].end


def tokens_in(text: str, start: int, end: int) -> list[Token]:
    """Every token (words and punctuation) overlapping [start, end), in order."""
    return [t for t in _Analysis.of(text).tokens if t.start < end and t.end > start]


def _first_word_offset(text: str, word: Token, known_names) -> int:
    if not clitic_boundaries(word.text):
        return 0  # most words: no need to build the vocabulary (or to look up names)
    names = known_names() if callable(known_names) else known_names
    return stem_offset(word.text, _Analysis.of(text).vocabulary, _normalised(frozenset(names)))


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

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Normalised forms of the words standing alone in the text (one pass, not per word)."""
        return frozenset(normalise("\n".join(w.text for w in self.words)).split())
