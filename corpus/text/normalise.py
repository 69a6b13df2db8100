"""Normalisation for search and matching (never for storage: stored text is immutable).

Two spellings of one word compare equal after :func:`normalise`: diacritics and tatweel
removed, alef variants (أ إ آ ٱ) to ا, alef maksura ى to ي, teh marbuta ة to ه, and
invisible format characters (ZWJ/ZWNJ, LRM/RLM...) dropped. Offsets do not survive it,
so match on normalised text and report offsets from the original tokens.
"""
from __future__ import annotations

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from corpus.text.tokens import FORMAT_CHARS, TATWEEL

_DROP = str.maketrans({ch: None for ch in FORMAT_CHARS | {TATWEEL}})


def normalise(text: str) -> str:
    """The matching form of ``text`` (see the module docstring)."""
    text = dediac_ar(text.translate(_DROP))
    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(text)))
