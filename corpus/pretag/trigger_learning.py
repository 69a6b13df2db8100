"""Trigger words learned from annotated events.

The schema's trigger lexicon is a start; annotators keep marking words it lacks («بحث»
for a meeting, «اشتباكات» for an attack). Every word annotated as a trigger becomes a
candidate for its event type, and its precision in the annotated documents decides
whether it is proposed: of the places the word occurs (matched like the lexicon:
normalisation- and clitic-aware, with the article and accusative forms, and a verb's
inflected forms: the places of «يبحث» count for a learned «بحث»), how many were
marked as a trigger of that type, once annotators marked it at least twice. «قال»
marked as a statement in 9 of its 10 places is learned with a high score; «عقد» marked
once among 20 uses is not.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.pretag.events import TriggerFinder
from corpus.pretag.phrases import phrase_key
from corpus.text.arabic import tokenize

MIN_PRECISION = 0.5  # proposed when at least half the word's places were marked
MIN_MARKS = 2  # one mark in one place is a precision of 1 that says nothing yet
MAX_SCORE = 0.95


@dataclass(frozen=True)
class LearnedTrigger:
    word: str
    type: str
    score: float  # the word's precision as a trigger of this type in the annotated documents
    marked: int  # how many times annotators marked it


@dataclass(frozen=True)
class AnnotatedText:
    text: str
    events: Sequence[tuple[str, int, int]]  # (event type, trigger start, trigger end)


def learn_triggers(examples: Iterable[AnnotatedText], min_precision: float = MIN_PRECISION) -> list[LearnedTrigger]:
    """The trigger words of `examples` worth proposing, surest first."""
    examples = list(examples)
    words: dict[tuple[str, ...], Counter] = {}  # folded word -> {(spelling, type): times marked}
    for example in examples:
        for kind, start, end in example.events:
            spelling = example.text[start:end].strip()
            key = phrase_key(spelling)
            if key:
                words.setdefault(key, Counter())[spelling, kind] += 1
    if not words:
        return []
    matcher = TriggerFinder((marks.most_common(1)[0][0][0], key) for key, marks in words.items())
    places: Counter = Counter()  # folded word -> places it occurs
    hits: Counter = Counter()  # (folded word, type) -> places marked as a trigger of the type
    for example in examples:
        for match in matcher.find(tokenize(example.text)):
            places[match.payload] += 1
            for kind in {kind for kind, start, end in example.events if start < match.end and match.start < end}:
                hits[match.payload, kind] += 1
    learned = []
    for key, marks in words.items():
        spelling = marks.most_common(1)[0][0][0]
        for kind in {kind for _spelling, kind in marks}:
            precision = hits[key, kind] / places[key] if places[key] else 0.0
            marked = sum(n for (_s, k), n in marks.items() if k == kind)
            if precision >= min_precision and marked >= MIN_MARKS:
                learned.append(LearnedTrigger(spelling, kind, round(min(precision, MAX_SCORE), 2), marked))
    return sorted(learned, key=lambda t: (-t.score, -t.marked, t.word))
