"""Arabic text machinery: tokens with code-point offsets and selection snapping.

(First cut; clitic-aware snapping and normalisation are being filled in.)
"""
from __future__ import annotations

from dataclasses import dataclass

from camel_tools.tokenizers.word import simple_word_tokenize


class SnapError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    tokens, cursor = [], 0
    for word in simple_word_tokenize(text):
        start = text.find(word, cursor)
        if start < 0:
            continue
        tokens.append(Token(start, start + len(word), word))
        cursor = start + len(word)
    return tokens


def snap(text: str, start: int, end: int, known_names=frozenset()) -> tuple[int, int]:
    inside = [t for t in tokenize(text) if t.start < end and t.end > start]
    if not inside:
        raise SnapError("the selection holds no word")
    return inside[0].start, inside[-1].end
