"""Event proposals: trigger words from the schema and from annotated events
(trigger_learning), arguments from nearby entity suggestions.

For each trigger (EventType.triggers, matched like gazetteer names: normalisation- and
clitic-aware, and a verb in its inflected forms: «بحث» finds «يبحثون», see TriggerFinder)
the entity suggestions of the same sentence are given roles by cue rules,
nearest to the trigger first, as long as the role allows the entity's type and is not full:

  «برعاية / بوساطة / توسط» + entity       → Mediator
  «نقلت / نقل / ذكرت ... عن» + entity      → Source
  «في» + place (or a place glued to «ب»)   → Place
  DATE                                     → Time
  anything else                            → the first role allowing its type (Participant, Speaker)
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from corpus.pretag._text import fold_text, sentences, stems
from corpus.pretag.base import ArgumentProposal, EntityProposal, EventProposal
from corpus.pretag.inflection import Inflections
from corpus.pretag.phrases import PhraseMatch, PhraseMatcher
from corpus.text.arabic import Token

MEDIATOR_CUES = ("برعاية", "رعاية", "بوساطة", "وساطة", "توسط", "بتوسط", "بمبادرة")
SOURCE_VERBS = ("نقلت", "نقل", "ذكرت", "ذكر", "أفادت", "نسبت")
PLACE_CUES = ("في",)
TRIGGER_SCORE = 0.6
P = TypeVar("P")


@dataclass(frozen=True)
class RoleSpec:
    key: str
    allowed: frozenset[str]
    max_count: int | None = None


@dataclass(frozen=True)
class EventTypeSpec:
    """What the tagger needs from the schema's EventType (plain data, built by the caller)."""

    key: str
    triggers: tuple[str, ...]
    roles: tuple[RoleSpec, ...] = ()


@dataclass(frozen=True)
class CueRoles:
    """Which schema role each cue rule fills; a role the event type lacks is skipped."""

    mediator: str = "Mediator"
    source: str = "Source"
    place: str = "Place"
    time: str = "Time"
    place_types: frozenset[str] = field(default_factory=lambda: frozenset({"GPE", "LOC", "FAC"}))
    time_types: frozenset[str] = field(default_factory=lambda: frozenset({"DATE"}))


def trigger_forms(trigger: str) -> list[str]:
    """The listed word, with the article and with the accusative alif: «لقاء» → «اللقاء»,
    «اجتماع» → «اجتماعا». Proclitics are handled by the matcher."""
    forms = [trigger]
    if " " not in trigger:
        if not trigger.startswith("ال"):
            forms.append("ال" + trigger)
        if not trigger.endswith(("ا", "ى", "ة", "ء")):
            forms.append(trigger + "ا")
    return forms


class TriggerFinder(Generic[P]):
    """Trigger words → payloads, matched as written (with the article, the accusative
    alif, glued proclitics: trigger_forms and the phrase matcher) and, for verbs, in their
    inflected forms («بحث» → «يبحثون», corpus.pretag.inflection). The first payload added
    for a word wins: add the surest first."""

    def __init__(self, words: Iterable[tuple[str, P]] = ()) -> None:
        self._matcher: PhraseMatcher[P] = PhraseMatcher()
        self._inflections: Inflections[P] = Inflections()
        seen: set[str] = set()
        for word, payload in words:
            for form in trigger_forms(word):
                self._matcher.add(form, payload)
            self._inflections.add(word, payload, seen)

    def find(self, tokens: Sequence[Token]) -> list[PhraseMatch[P]]:
        matches = self._matcher.find(tokens)
        taken = {i for m in matches for i in range(m.first_token, m.last_token + 1)}
        return sorted(matches + self._inflections.find(tokens, taken), key=lambda m: m.start)


def _folded_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(fold_text(w) for w in words)


class TriggerTagger:
    """`learned`: (word, event type, score) from annotated events (trigger_learning),
    surest first; they come before the schema's lexicon, whose words score TRIGGER_SCORE."""

    name = "triggers"

    def __init__(self, event_types: Sequence[EventTypeSpec], cues: CueRoles = CueRoles(),
                 learned: Sequence[tuple[str, str, float]] = ()) -> None:
        self.types = {t.key: t for t in event_types}
        self.cues = cues
        words = [(word, (kind, score)) for word, kind, score in learned if kind in self.types]
        words += [(trigger, (t.key, TRIGGER_SCORE)) for t in event_types for trigger in t.triggers]
        self._finder = TriggerFinder(words)
        self._mediator = _folded_set(MEDIATOR_CUES)
        self._source_verbs = _folded_set(SOURCE_VERBS)
        self._place = _folded_set(PLACE_CUES)

    def tag_events(
        self, text: str, tokens: Sequence[Token], entities: Sequence[EntityProposal]
    ) -> list[EventProposal]:
        entities = sorted(entities, key=lambda s: s.start)
        starts = [e.start for e in entities]
        out = []
        for sentence in sentences(text, tokens):
            lo, hi = sentence[0].start, sentence[-1].end
            inside = entities[bisect_right(starts, lo - 1):bisect_right(starts, hi - 1)]
            for match in self._finder.find(sentence):
                kind, score = match.payload
                spec = self.types[kind]
                arguments = self.arguments(spec, text, sentence, match.start, inside)
                out.append(EventProposal(spec.key, match.start, match.end, score, self.name, arguments))
        return out

    def arguments(self, spec, text, sentence, trigger_start, entities) -> tuple[ArgumentProposal, ...]:
        """Roles for the sentence's entity suggestions, nearest to the trigger first."""
        roles = {r.key: r for r in spec.roles}
        taken: dict[str, int] = {}
        out = []
        for entity in sorted(entities, key=lambda e: abs(e.start - trigger_start)):
            for role in self._candidate_roles(spec, roles, text, sentence, entity):
                spec_role = roles[role]
                if entity.type in spec_role.allowed and (
                    spec_role.max_count is None or taken.get(role, 0) < spec_role.max_count
                ):
                    taken[role] = taken.get(role, 0) + 1
                    out.append(ArgumentProposal(role, entity))
                    break
        return tuple(sorted(out, key=lambda a: a.span.start))

    def _candidate_roles(self, spec, roles, text, sentence, entity) -> list[str]:
        """Cue-driven roles first, then the plain roles allowing the type, in schema order."""
        cues, before = self.cues, self._words_before(text, sentence, entity.start)
        glued = fold_text(text[self._token_start(sentence, entity.start):entity.start])
        wanted = []
        if before[-1:] and before[-1] in self._mediator or any(fold_text(c) in glued for c in ("بوساطه", "برعايه")):
            wanted.append(cues.mediator)
        if before[-1:] == ["عن"] and any(f in self._source_verbs for w in before[:-1] for f, _ in stems(w)):
            wanted.append(cues.source)
        if entity.type in cues.place_types and (before[-1:] and before[-1] in self._place or "ب" in glued):
            wanted.append(cues.place)
        if entity.type in cues.time_types:
            wanted.append(cues.time)
        special = {cues.mediator, cues.source, cues.place, cues.time}
        wanted += [r.key for r in spec.roles if r.key not in special]
        return [r for r in wanted if r in roles]

    @staticmethod
    def _token_start(sentence: Sequence[Token], offset: int) -> int:
        for token in sentence:
            if token.start <= offset < token.end:
                return token.start
        return offset

    @staticmethod
    def _words_before(text: str, sentence: Sequence[Token], offset: int) -> list[str]:
        return [fold_text(t.text) for t in sentence if t.end <= offset]


def specs_from_schema(event_types: Sequence[Mapping]) -> list[EventTypeSpec]:
    """From the preset/JSON form of a schema (news_ar.json's `event_types`)."""
    return [
        EventTypeSpec(
            e["key"],
            tuple(e.get("triggers", ())),
            tuple(RoleSpec(r["key"], frozenset(r.get("allowed", ())), r.get("max")) for r in e.get("roles", ())),
        )
        for e in event_types
    ]
