"""Word tokens with code-point offsets into the original text.

The splitting is camel-tools' ``simple_word_tokenize`` (whitespace, then every Unicode
punctuation/symbol character or emoji sequence on its own). Three fixes are applied at
alignment level, after camel-tools has spoken:

* Invisible format characters (LRM/RLM/ALM, ZWJ/ZWNJ, ZWSP, BOM, bidi embeddings and
  isolates) are trimmed from token edges: camel-tools keeps them (they are neither
  punctuation nor space), so «‏قال‎» would otherwise start and end on an invisible mark.
  Inside a word they stay (ZWNJ in «وزير‌الخارجية» keeps one token, as camel-tools says).
* A token made only of combining marks or tatweel, glued to the token before it, is merged
  into it: a diacritic belongs to the preceding base character and must never become a
  token of its own (camel-tools can produce one after a symbol it split off).
* Digits joined by a single decimal/thousands/time/date separator (. , : / ٫ ٬) with no
  space are one token («٣٫٥», «1,000», «12:30», «2021/03/12»): camel-tools splits them,
  which would let a selection of «3» snap to part of a number.

Speed (20,000 characters in a few milliseconds) without leaving camel-tools' rules: its
splitting is local, so in any stretch without a flag letter or an emoji modifier/joiner
(the only way its symbol regex can match more than one character) it splits exactly at
each character of its symbol set, which one precompiled regex does in a single pass.
Whitespace-delimited words that do hold such a sequence are handed to camel-tools itself
and its pieces located by a cursor inside the word. Both paths are O(n); their agreement
with camel-tools is property-tested.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charsets import EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET

TATWEEL = "\u0640"

# Invisible characters that carry no letter: trimmed from token edges. Emoji tag
# characters (U+E0020..E007F, also format characters) are deliberately absent, since
# they end flag sequences such as England's.
FORMAT_CHARS = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
NUMBER_SEPARATORS = frozenset(".,:/\u066b\u066c")


def _char_class(chars: frozenset[str]) -> str:
    """A regex character class body for ``chars``, compressed into ranges."""
    points, parts, i = sorted(ord(c) for c in chars), [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        parts.append(f"\\U{points[i]:08x}" + (f"-\\U{points[j]:08x}" if j > i else ""))
        i = j + 1
    return "".join(parts)


# The single characters camel-tools splits off (the sets its tokenizer uses); only the
# BMP ones are needed here, since words with astral characters go to camel-tools itself
# (a BMP-only class also compiles to a bitmap, which keeps the scan fast).
_SPLIT_BMP = _char_class(
    frozenset(s for s in UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET if len(s) == 1 and s <= "\uffff")
)
_SIMPLE_RE = re.compile(f"[^\\s{_SPLIT_BMP}]+|[{_SPLIT_BMP}]")
# Where camel-tools' symbol regex can match more than one character, or where an astral
# character is involved: emoji, flags (regional indicators), skin tones and tags are all
# astral; VS16, the keycap mark and ZWJ are the BMP characters that extend a sequence.
_SEQUENCE_RE = re.compile("[\U00010000-\U0010ffff]|.[\u200d\u20e3\ufe0f]", re.DOTALL)
_ALNUM_RE = re.compile(r"[^\W_]")  # str.isalnum: letters and digits, not marks


class Token(NamedTuple):
    """A token: ``text == document[start:end]``, offsets in code points."""

    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        """True when the token holds a letter or a digit (not punctuation, symbol, emoji)."""
        return _ALNUM_RE.search(self.text) is not None


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` in order, with code-point offsets (cached per text)."""
    return list(cached_tokens(text))


@lru_cache(maxsize=32)
def cached_tokens(text: str) -> tuple[Token, ...]:
    """Same as :func:`tokenize`, as a shared immutable tuple; snapping calls it per request."""
    return tuple(Token(start, end, text[start:end]) for start, end in fixed_spans(text, camel_spans(text)))


def camel_spans(text: str) -> list[tuple[int, int]]:
    """camel-tools' tokens as (start, end) offsets, before our fixes."""
    spans: list[tuple[int, int]] = []
    done = 0
    for hit in _SEQUENCE_RE.finditer(text):
        inside = hit.end() - 1  # the astral character or the joiner: never whitespace
        if inside < done:
            continue  # this word was already handed to camel-tools
        word_start, word_end = _word_around(text, inside)
        spans.extend(m.span() for m in _SIMPLE_RE.finditer(text, done, word_start))
        pieces = simple_word_tokenize(text[word_start:word_end])
        spans.extend(_align_pieces(text, word_start, word_end, pieces))
        done = word_end
    spans.extend(m.span() for m in _SIMPLE_RE.finditer(text, done))
    return spans


def _word_around(text: str, index: int) -> tuple[int, int]:
    start, end = index, index + 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _align_pieces(text: str, start: int, end: int, pieces: list[str]) -> list[tuple[int, int]]:
    # camel-tools returns contiguous substrings of the word; the bounded find is only a
    # safety net should a future version drop or alter a character.
    spans, cursor = [], start
    for piece in pieces:
        if not text.startswith(piece, cursor):
            found = text.find(piece, cursor, end)
            if found < 0:
                continue
            cursor = found
        spans.append((cursor, cursor + len(piece)))
        cursor += len(piece)
    return spans


def fixed_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """camel-tools' spans with the module docstring's three fixes, in one pass."""
    trim = not FORMAT_CHARS.isdisjoint(text)
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if trim:
            start, end = _trimmed(text, start, end)
            if start == end:
                continue
        # Both merges need a token glued to the one before (rare: only around symbols).
        if out and out[-1][1] == start:
            if _is_marks_only(text, start, end):
                out[-1] = (out[-1][0], end)
                continue
            if _joins_number(text, out, start):
                out.pop()  # the separator joins the number before it
                out[-1] = (out[-1][0], end)
                continue
        out.append((start, end))
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in FORMAT_CHARS:
        start += 1
    while end > start and text[end - 1] in FORMAT_CHARS:
        end -= 1
    return start, end


def _is_mark(ch: str) -> bool:
    return ch == TATWEEL or unicodedata.category(ch)[0] == "M"


def _is_marks_only(text: str, start: int, end: int) -> bool:
    return _is_mark(text[start]) and all(_is_mark(ch) for ch in text[start + 1 : end])


def _joins_number(text: str, out: list[tuple[int, int]], start: int) -> bool:
    """``start`` begins digits glued to a separator glued to digits: «3» «.» «5»."""
    if len(out) < 2 or not text[start].isdecimal():
        return False
    (_, number_end), (sep_start, sep_end) = out[-2], out[-1]
    return (
        sep_start == number_end
        and sep_end - sep_start == 1
        and text[sep_start] in NUMBER_SEPARATORS
        and text[number_end - 1].isdecimal()
    )
