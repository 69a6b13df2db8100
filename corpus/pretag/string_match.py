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
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from corpus.pretag.base import EntityProposal
from corpus.pretag.phrases import PhraseMatcher
from corpus.text.arabic import Token

NAME = "string_match"
SCORE = 0.95  # a person marked this very name with this type in this project
OWN_SCORE = 0.9  # only the user themself did (their own, not yet adjudicated, sets)


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
