"""Small text helpers shared by the taggers: matching-folds, clitics, sentences.

`fold` is camel-tools' normalisation (alef variants → ا, ى → ي, ة → ه, no diacritics)
plus tatweel and invisible format marks (LRM, ZWNJ...) removed, compiled once into a
translation table so it is fast enough to run on every token. Unlike a plain string
normalisation it also returns where each folded character came from, so a match in the
folded text maps back to exact code-point offsets in the original.

(`corpus.text.arabic` is gaining a `normalise()`; this stays private because the taggers
need the offset map, which a plain normaliser does not give.)
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from corpus.text.arabic import Token

TATWEEL = "\u0640"


def _camel_fold(char: str) -> str:
    out = dediac_ar(char)
    out = normalize_alef_ar(out)
    out = normalize_alef_maksura_ar(out)
    return normalize_teh_marbuta_ar(out)


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in list(range(0x0600, 0x0700)) + list(range(0x0750, 0x0780)) + list(range(0x08A0, 0x0900)):
        char = chr(code)
        folded = _camel_fold(char)
        if folded != char:
            table[code] = folded or None
    table[ord(TATWEEL)] = None
    for code in range(0x2000, 0x2070):  # LRM, RLM, ZWJ, ZWNJ, bidi embeddings...
        if unicodedata.category(chr(code)) == "Cf":
            table[code] = None
    table[0xFEFF] = None
    return table


_TABLE = _build_table()
_DELETED = re.compile("[" + "".join(re.escape(chr(c)) for c, v in _TABLE.items() if v is None) + "]")
if any(v is not None and len(v) != 1 for v in _TABLE.values()):  # pragma: no cover - guards the offset map
    raise RuntimeError("camel-tools folding is expected to map characters one to one")


def fold_text(text: str) -> str:
    """The folded form, for keys and comparisons (no offsets)."""
    return text.translate(_TABLE).lower()


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Folded text and, per folded character, its index in `text`.

    The index list is None when nothing was deleted (the common case): offsets are then
    the identity, and no Python-level loop runs.
    """
    folded = text.translate(_TABLE).lower()
    if len(folded) == len(text):
        return folded, None
    index = [i for i, ch in enumerate(text) if _TABLE.get(ord(ch), ch) is not None]
    return folded, index


def original_span(text: str, index: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of folded text back to `text`.

    The end takes in the marks and tatweel that follow the last letter («دمشقَ», «هـ»):
    cutting them off would split a letter from its diacritic.
    """
    if index is None:
        return start, end
    start, end = index[start], index[end - 1] + 1
    while end < len(text) and (text[end] == TATWEEL or unicodedata.category(text[end]) == "Mn"):
        end += 1
    return start, end


# Glued proclitics: a conjunction (و ف) then a preposition (ب ل ك), each optional.
PROCLITICS = tuple(
    sorted({c + p for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك")} - {""}, key=len, reverse=True)
)


@lru_cache(maxsize=200_000)
def stems(folded_word: str) -> tuple[tuple[str, int], ...]:
    """The word itself and its clitic-stripped readings, as (form, offset in the folded word).

    «وبدمشق» → («وبدمشق», 0), («بدمشق», 1), («دمشق», 2); «للقاهره» also gives («القاهره», 1):
    after ل the article's alef is elided, so the name starts at the article's lam.
    """
    out = [(folded_word, 0)]
    for clitic in PROCLITICS:
        if not folded_word.startswith(clitic):
            continue
        rest = folded_word[len(clitic):]
        if len(rest) >= 2:
            out.append((rest, len(clitic)))
        if clitic.endswith("ل") and rest.startswith("ل") and len(rest) >= 3:
            out.append(("ا" + rest, len(clitic)))
    return tuple(dict.fromkeys(out))


def affix_features(folded_word: str) -> list[str]:
    """A word's shared CRF features (the entity and the trigger models): its first and last
    one to three letters, its clitic-stripped forms and the clitics, and whether a form
    carries the article."""
    feats = []
    for n in (1, 2, 3):
        if len(folded_word) > n:
            feats += [f"p{n}={folded_word[:n]}", f"s{n}={folded_word[-n:]}"]
    readings = stems(folded_word)
    for form, offset in readings[1:]:
        feats += [f"st={form}", f"cl={folded_word[:offset]}"]
    if any(form.startswith("ال") for form, _ in readings):
        feats.append("al")
    return feats


_SENTENCE_END = frozenset(".!?؟;؛")


def sentences(text: str, tokens: Sequence[Token]) -> list[list[Token]]:
    """Split a token list into sentences: after . ! ? ؟ ; ؛ or at a line break."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        if current and "\n" in text[current[-1].end:token.start]:
            out.append(current)
            current = []
        current.append(token)
        if token.text in _SENTENCE_END:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
