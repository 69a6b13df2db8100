"""Token-level phrase matching: normalisation-aware, clitic-aware, longest match first.

Shared by the gazetteer (names) and the event tagger (trigger words).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from corpus.pretag._text import fold_with_offsets, stems
from corpus.text.arabic import Token, tokenize

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class PhraseMatch(Generic[P]):
    start: int
    end: int
    first_token: int
    last_token: int  # inclusive
    payload: P


@lru_cache(maxsize=200_000)
def _fold_token(text: str) -> tuple[str, tuple[int, ...] | None]:
    folded, index = fold_with_offsets(text)
    return folded, None if index is None else tuple(index)


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The folded token sequence a phrase is matched by."""
    return tuple(f for f in (_fold_token(t.text)[0] for t in tokenize(phrase)) if f)


class PhraseMatcher(Generic[P]):
    """Phrases → payloads. The first added payload for a key wins; add the surest first."""

    def __init__(self, min_chars: int = 2) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], P]]] = {}
        self._keys: set[tuple[str, ...]] = set()
        self._starts: dict[str, tuple[tuple[str, int], ...]] = {}  # word → readings that start a key
        self.min_chars = min_chars

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, phrase: str) -> bool:
        return phrase_key(phrase) in self._keys

    def add(self, phrase: str, payload: P) -> bool:
        key = phrase_key(phrase)
        if not key or len("".join(key)) < self.min_chars or key in self._keys:
            return False
        self._keys.add(key)
        self._starts.clear()
        bucket = self._by_first.setdefault(key[0], [])
        bucket.append((key, payload))
        bucket.sort(key=lambda item: -len(item[0]))
        return True

    def find(self, tokens: Sequence[Token]) -> list[PhraseMatch[P]]:
        folded = [_fold_token(t.text) for t in tokens]
        matches: list[PhraseMatch[P]] = []
        i = 0
        starts = self._starts
        while i < len(tokens):
            word = folded[i][0]
            readings = starts.get(word)
            if readings is None:
                readings = starts[word] = tuple(r for r in stems(word) if r[0] in self._by_first) if word else ()
            best = self._longest_at(tokens, folded, i, readings) if readings else None
            if best is None:
                i += 1
                continue
            matches.append(best)
            i = best.last_token + 1
        return matches

    def _longest_at(self, tokens, folded, i, readings) -> PhraseMatch[P] | None:
        best: PhraseMatch[P] | None = None
        index = folded[i][1]
        for form, offset in readings:
            for key, payload in self._by_first[form]:
                n = len(key)
                if best is not None and n <= best.last_token - best.first_token + 1:
                    break  # buckets are longest first: nothing longer left here
                if i + n > len(tokens) or any(folded[i + k][0] != key[k] for k in range(1, n)):
                    continue
                start = tokens[i].start + (offset if index is None else index[offset])
                best = PhraseMatch(start, tokens[i + n - 1].end, i, i + n - 1, payload)
                break
        return best
