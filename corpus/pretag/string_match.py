"""String-matching recommender: what one annotator marked, everyone is offered.

INCEpTION's string matcher, Arabic-aware. Every name an annotator marked in the project
is looked for at its other occurrences, with the type (and knowledge-base entity) it was
marked with. Matching is corpus.pretag.phrases' token-sequence lookup: folded words
(diacritics, tatweel, alef forms, ى/ي, ة/ه), a glued proclitic chain (و ف ب ل ك) before
the first word, and the article after ل («للمحكمة» finds «المحكمة»).

The lookup is built once per run: a dict keyed by the first folded word, each entry
holding the longer token sequences first, so tagging a document costs one dict probe per
token whatever the number of names.

Names come in two audiences: shared ones (gold sets), offered to everyone, and one
user's own (their own sets), offered to that user only, as proposals whose `audience` is
the user's id. A user's own name that is also shared is offered once, shared.

A name that is also a common word is not offered (names_from_marks): one the annotated
texts mark in fewer than half the places the matcher finds it («علي» folds onto «على»,
«المدينة» is mostly "the city"). On NewsFANE Gold (names of 80% of the documents offered
on the rest) this rule takes precision from 0.41 to 0.76 for a recall of 0.44 instead of 0.45.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from camel_tools.utils.dediac import dediac_ar

from corpus.pretag._text import fold_text
from corpus.pretag.base import EntityProposal
from corpus.pretag.phrases import PhraseMatcher, phrase_key
from corpus.text.arabic import Token, tokenize

NAME = "string_match"
SCORE = 0.95  # a person marked this very name with this type in this project
OWN_SCORE = 0.9  # only the user themself did (their own, not yet adjudicated, sets)
MIN_PRECISION = 0.5  # a name the annotated texts mark in fewer of the places it occurs is not offered


@dataclass(frozen=True, slots=True)
class MarkedName:
    """A name as marked: its text, entity type key and knowledge-base entity (or None)."""

    text: str
    type: str
    kb_entity: int | None = None


def lookup(names: Iterable[MarkedName], score: float = SCORE) -> PhraseMatcher[tuple[str, int | None, float]]:
    """Names → (type, kb entity, score); the first name of a key wins, so pass the most
    frequent reading first."""
    matcher: PhraseMatcher[tuple[str, int | None, float]] = PhraseMatcher()
    for name in names:
        matcher.add(name.text, (name.type, name.kb_entity, score))
    return matcher


@dataclass(frozen=True, slots=True)
class Mark:
    """One marked span: where (document id, offsets) and as what (type key, kb entity)."""

    document: int
    start: int
    end: int
    type: str
    kb_entity: int | None = None


def names_from_marks(texts: Mapping[int, str], marks: Iterable[Mark],
                     min_precision: float = MIN_PRECISION) -> list[MarkedName]:
    """The names the marks teach, their most frequent reading (type, kb entity) first,
    without those the same texts mark in fewer than `min_precision` of the places the
    matcher finds them: a name that is also a common word («علي» folds onto «على»,
    «المدينة» is mostly "the city") would be offered everywhere and rejected everywhere."""
    readings: Counter[MarkedName] = Counter()
    marked: dict[int, set[tuple[int, int]]] = {}
    for mark in marks:
        text = texts[mark.document][mark.start:mark.end].strip()
        if text:
            readings[MarkedName(text, mark.type, mark.kb_entity)] += 1
            marked.setdefault(mark.document, set()).add((mark.start, mark.end))
    names = [name for name, _n in sorted(readings.items(), key=lambda item: (-item[1], item[0].text))]
    found, right = Counter(), Counter()
    matcher = lookup(names)
    for document, places in marked.items():
        text = texts[document]
        for match in matcher.find(tokenize(text)):
            key = phrase_key(text[match.start:match.end])
            found[key] += 1
            right[key] += (match.start, match.end) in places
    return [name for name in names
            if not found[key := phrase_key(name.text)] or right[key] >= min_precision * found[key]]


def folded_into_a_common_word(name: str, found: str, stop: frozenset[str]) -> bool:
    """`found` is a one-word match of `name` only through folding and is a common word:
    «على» matched for the marked name «علي» (ى and ي fold alike). Matches written as the
    name was, and longer names, are never common words."""
    if len(found.split()) != 1 or dediac_ar(found) == dediac_ar(name):
        return False
    return fold_text(found) in stop


class StringMatcher:
    """`StringMatcher(shared, own={user id: names})` proposes every occurrence of those names."""

    name = NAME

    def __init__(self, shared: Iterable[MarkedName] = (), own: Mapping[int, Iterable[MarkedName]] | None = None):
        self._shared = lookup(shared)
        self._own = {user: lookup(names, OWN_SCORE) for user, names in (own or {}).items()}
        self._own = {user: matcher for user, matcher in self._own.items() if len(matcher)}

    def __len__(self) -> int:
        return len(self._shared) + sum(len(m) for m in self._own.values())

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        found = _proposals(self._shared, tokens, None)
        shared_places = {(p.start, p.end) for p in found}
        for user, matcher in self._own.items():
            found += [p for p in _proposals(matcher, tokens, user) if (p.start, p.end) not in shared_places]
        return found


def _proposals(matcher: PhraseMatcher, tokens: Sequence[Token], audience: int | None) -> list[EntityProposal]:
    return [
        EntityProposal(kind, m.start, m.end, score, NAME, kb_entity=kb, audience=audience)
        for m in matcher.find(tokens)
        for kind, kb, score in [m.payload]
    ]
