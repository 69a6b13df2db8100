"""Finding knowledge-base entities by name across Arabic spelling variation.

Pure matching, no ORM: the caller hands in (entity id, type id, name, aliases) rows and
gets ranked matches back (annotate.services.kb reads the rows of a project's knowledge
base and keeps its index).

Two forms of every word are compared:

* its **key**: ``corpus.text.arabic.normalise`` (diacritics, tatweel, alef and hamza
  forms, ى/ي, ة/ه, via camel-tools) plus hamza carriers ؤ ئ folded to ء, Persian letters
  folded to their Arabic look-alikes, Latin lower-cased. Equal keys are the same spelling.
* its **skeleton**: the key with the consonants that transliterations of foreign names
  confuse folded into one class (ق/ك, ح/ه, ج/غ, ت/ط, س/ص/ث, ز/ذ/ظ, د/ض), the long vowels
  and hamza dropped (ا و ي ء; a word-initial و or ي stays, it is a consonant there) and
  repeated classes collapsed. «حقان» and «هاكان» share the skeleton «HKN».

A word pair scores 1 for equal keys, 0.9 for equal skeletons, else a blend of the
edit similarities of skeletons and keys: a weighted edit distance in which a confusable
pair or a long vowel costs a third of a real change. A name's score averages its query
words' best matches and is scaled down a little when the name has words the query lacks
(«فيدان» finds «هاكان فيدان» below «فيدان»). The query's last word also matches as a
prefix, for search as you type. Ranking: exact key match first, then score.

Speed: each distinct word is analysed once per process (an LRU cache: pure functions of
the text), and a query compares each of its words with each distinct word of the KB once,
so a KB of 10,000 entities answers in tens of milliseconds.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from corpus.text.arabic import normalise

# Folded into the key: these are spellings of one letter, not different letters.
_KEY_FOLD = str.maketrans({
    "ؤ": "ء", "ئ": "ء",  # hamza on its carriers
    "ک": "ك", "ی": "ي", "ې": "ي", "ۍ": "ي", "ە": "ه", "ھ": "ه", "ۀ": "ه",  # Persian/Urdu forms
    "پ": "ب", "ڤ": "ف", "ژ": "ز",
})

# Consonant classes of the skeleton (one Latin letter per class, for readable debugging).
_CLASSES = {
    "K": "قكگ", "H": "حه", "G": "جغ", "T": "تط", "S": "سصث", "Z": "زذظ", "D": "دض",
}
_SKELETON = {letter: name for name, letters in _CLASSES.items() for letter in letters}
_VOWELS = frozenset("اويء")
_INITIAL_CONSONANTS = {"و": "W", "ي": "Y"}

_WORD_SPLIT = re.compile(r"[\W_]+")

EXACT, SAME_SKELETON, PREFIX, SKELETON_PREFIX = 1.0, 0.9, 0.8, 0.7
SKELETON_WEIGHT = 0.65  # the rest goes to the key's edit similarity
MIN_SCORE = 0.65
WORD_FLOOR = 0.5  # a word pair scoring less is no match at all


@dataclass(frozen=True)
class Word:
    key: str
    skeleton: str


@lru_cache(maxsize=200_000)
def word(text: str) -> Word:
    """The key and skeleton of one word (see the module docstring)."""
    key = normalise(text).translate(_KEY_FOLD).lower()
    return Word(key, _skeleton(key))


def _skeleton(key: str) -> str:
    out: list[str] = []
    for i, letter in enumerate(key):
        if letter in _VOWELS:
            if i == 0 and letter in _INITIAL_CONSONANTS:
                out.append(_INITIAL_CONSONANTS[letter])
            continue
        cls = _SKELETON.get(letter, letter)
        if not out or out[-1] != cls:
            out.append(cls)
    return "".join(out)


@lru_cache(maxsize=100_000)
def words(name: str) -> tuple[Word, ...]:
    """The words of a name (split on spaces and punctuation), analysed."""
    return tuple(word(part) for part in _WORD_SPLIT.split(normalise(name)) if part)


def name_key(name: str) -> str:
    """Two names with the same key are spelling variants of each other (and of nothing
    else): used for exact matches and "link every identical mention"."""
    return " ".join(w.key for w in words(name))


@dataclass(frozen=True)
class Match:
    entity_id: int
    score: float
    exact: bool
    matched: str  # the name or alias that matched best


class KBIndex:
    """The names and aliases of a knowledge base, ready to search.

    Every distinct word gets a number; a name is a row of word numbers. A query word is
    scored against the whole vocabulary at once (rapidfuzz, in C), and names take the
    best of their words' scores with array indexing (numpy), so no Python loop runs per
    name or per word of the knowledge base at query time."""

    def __init__(self, rows: Iterable[tuple[int, int, str, list]]):
        """`rows`: (entity id, entity type id, name, aliases)."""
        vocabulary: dict[Word, int] = {}
        entity_ids, type_ids, word_rows = [], [], []
        self.texts: list[str] = []
        self._names_by_key: dict[str, list[int]] = defaultdict(list)
        for entity_id, type_id, name, aliases in rows:
            for text in [name, *(a for a in (aliases or ()) if isinstance(a, str))]:
                analysed = words(text)
                if not analysed:
                    continue
                self._names_by_key[_key(analysed)].append(len(self.texts))
                self.texts.append(text)
                entity_ids.append(entity_id)
                type_ids.append(type_id)
                word_rows.append([vocabulary.setdefault(w, len(vocabulary)) for w in analysed])
        self.vocabulary = list(vocabulary)
        self._keys = [w.key for w in self.vocabulary]
        self._skeletons = [w.skeleton for w in self.vocabulary]
        self._sorted_keys = _Sorted(self._keys)
        self._sorted_skeletons = _Sorted(self._skeletons)
        self._entity_ids = np.array(entity_ids, dtype=np.int64)
        self._type_ids = np.array(type_ids, dtype=np.int64)
        # Padding points one past the vocabulary, where every score vector holds 0.
        lengths = [len(r) for r in word_rows]
        width = max(lengths, default=1)
        pad = [len(self.vocabulary)] * width
        self._words = np.array([r + pad[len(r):] for r in word_rows] or [pad], dtype=np.int64)
        self._lengths = np.array(lengths, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.texts)

    def search(self, query: str, *, type_id: int | None = None, limit: int = 20,
               min_score: float = MIN_SCORE) -> list[Match]:
        """Entities whose name or an alias is close to `query`, best first."""
        query_words = words(query)
        if not query_words or not self.texts:
            return []
        last = len(query_words) - 1
        total = np.zeros(len(self.texts), dtype=np.float32)
        for i, query_word in enumerate(query_words):
            scores = self._word_scores(query_word, prefix=i == last)
            total += scores[self._words].max(axis=1)
        n = len(query_words)
        coverage = np.minimum(self._lengths, n) / np.maximum(self._lengths, n)
        score = total / n * (0.8 + 0.2 * coverage)
        exact = self._names_by_key.get(_key(query_words), [])
        score[exact] = EXACT
        keep = score >= min_score
        if type_id is not None:
            keep &= self._type_ids == type_id
        exact_set = set(exact)
        best: dict[int, Match] = {}
        for i in np.flatnonzero(keep).tolist():
            match = Match(int(self._entity_ids[i]), float(score[i]), i in exact_set, self.texts[i])
            current = best.get(match.entity_id)
            if current is None or (match.exact, match.score) > (current.exact, current.score):
                best[match.entity_id] = match
        ranked = sorted(best.values(), key=lambda m: (not m.exact, -m.score, m.matched, m.entity_id))
        return ranked[:limit]

    def _word_scores(self, query: Word, *, prefix: bool) -> np.ndarray:
        """The word score (module docstring) of `query` against every vocabulary word (0 below WORD_FLOOR),
        plus a trailing 0 for padding."""
        skeleton = _similarities(query.skeleton, self._skeletons) if query.skeleton else 0.0
        scores = SKELETON_WEIGHT * skeleton + (1 - SKELETON_WEIGHT) * _similarities(query.key, self._keys)
        if prefix and len(query.key) >= 2:
            if len(query.skeleton) >= 2:
                at = self._sorted_skeletons.starting_with(query.skeleton)
                scores[at] = np.maximum(scores[at], SKELETON_PREFIX)
            at = self._sorted_keys.starting_with(query.key)
            scores[at] = np.maximum(scores[at], PREFIX)
        if query.skeleton:
            scores[self._sorted_skeletons.equal_to(query.skeleton)] = SAME_SKELETON
        scores[self._sorted_keys.equal_to(query.key)] = EXACT
        scores[scores < WORD_FLOOR] = 0.0
        return np.append(scores, np.float32(0.0))


def _similarities(query: str, choices: list[str]) -> np.ndarray:
    """1 - Levenshtein distance / longer length, against each choice."""
    return process.cdist([query], choices, scorer=Levenshtein.normalized_similarity, dtype=np.float32)[0]


class _Sorted:
    """Strings in order, to find those that start with (or equal) a given one by bisection."""

    def __init__(self, strings: list[str]):
        self.order = sorted(range(len(strings)), key=strings.__getitem__)
        self.strings = [strings[i] for i in self.order]

    def starting_with(self, prefix: str) -> list[int]:
        """Indices (into the original list) of the strings starting with `prefix`."""
        return self._range(prefix, prefix + "\U0010ffff")

    def equal_to(self, text: str) -> list[int]:
        return self._range(text, text + "\0")

    def _range(self, low: str, high: str) -> list[int]:
        return self.order[bisect_left(self.strings, low):bisect_left(self.strings, high)]


def _key(analysed: tuple[Word, ...]) -> str:
    return " ".join(w.key for w in analysed)


def rank(query: str, rows: Iterable[tuple[int, int, str, list]], **options) -> list[Match]:
    """One-off search over `rows` (see KBIndex.search)."""
    return KBIndex(rows).search(query, **options)
