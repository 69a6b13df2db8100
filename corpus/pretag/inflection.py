"""Inflected forms of verb triggers: «بحث» also finds «يبحث», «بحثوا», «وسيبحث», «قال» finds «قالت».

A word is taken as a form of a trigger when qalsadi's morphological analyser (pure Python,
with its own dictionary: requirements.txt says why this one) reads it as a verb whose
lemma is the trigger, and never as a noun. So «البحث», «بحوث», «الباحث» (nouns) stay out,
and «يقع» ("lies", lemma «قع») is no form of «وقع» ("signed"). Only one-word triggers of
three letters or more that the analyser can read as a verb get forms («اجتماع» gets none).

The analyser takes some 25 ms a word, so a word is analysed only when it holds the
trigger's consonants in order (its skeleton: no alef, waw, ya or hamza), is not much
longer, and was not matched as it stands; each word is analysed once per process.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

from corpus.pretag._text import fold_text
from corpus.pretag.phrases import PhraseMatch
from corpus.text.arabic import Token

P = TypeVar("P")
MIN_LETTERS = 3
MAX_EXTRA_LETTERS = 5  # «بحث» → «وسيبحثون»
_WEAK = str.maketrans("", "", "اويىءؤئ")
_VERB_PREFIXES = ("ي", "ت", "ن", "ا", "س")


@lru_cache(maxsize=1)
def _lemmatizer():
    import qalsadi.lemmatizer  # imported on first use: loading its dictionary takes a second or two

    return qalsadi.lemmatizer.Lemmatizer()


@lru_cache(maxsize=100_000)
def _analysis(word: str) -> tuple[frozenset[str], bool]:
    """The folded lemmas of `word` (as written: the analyser needs «نفى» apart from «نفي»)
    read as a verb, and whether it may also be something else (a noun, a particle)."""
    lemmatizer = _lemmatizer()
    nodes = lemmatizer.analyze(lemmatizer.analexer.check_text(word))
    if not nodes:
        return frozenset(), True
    lemmas = nodes[0].lemmas
    verbs = frozenset(fold_text(lemma) for lemma in lemmas.get("verb", ()))
    return verbs, bool(lemmas.get("noun") or lemmas.get("stopword"))


def verb_lemmas(word: str) -> frozenset[str] | None:
    """The folded lemmas of `word` read as a verb, or None when it may also be a noun
    (or is no verb at all): only such words are taken as a trigger's forms."""
    verbs, other = _analysis(word)
    return verbs if verbs and not other else None


def skeleton(folded: str) -> str:
    return folded.translate(_WEAK)


def _holds(word_skeleton: str, wanted: str) -> bool:
    """`wanted`'s letters appear in `word_skeleton` in order."""
    letters = iter(word_skeleton)
    return all(letter in letters for letter in wanted)


def _start_after_clitics(token: Token, trigger: str) -> int:
    """Where a verb form starts: after a glued و/ف (not the first letter of the verb
    itself: «وقعت» is a form of «وقع», «ووقعت» is و + «وقعت»), and after a ل of purpose
    before a verb prefix («ليبحث»)."""
    text, at = token.text, 0
    if text[:1] in ("و", "ف") and len(text) > MIN_LETTERS and (text[0] != trigger[0] or text[1] == trigger[0]):
        at = 1
    if text[at:at + 1] == "ل" and text[at + 1:at + 2] in _VERB_PREFIXES and trigger[0] != "ل":
        at += 1
    return token.start + at


class Inflections(Generic[P]):
    """Verb triggers → payloads; `find` gives the tokens that are inflected forms of one."""

    def __init__(self, triggers: Iterable[tuple[str, P]] = ()) -> None:
        self._triggers: list[tuple[str, str, P]] = []  # folded trigger, its skeleton, payload
        self._answers: dict[str, tuple[str, P] | None] = {}  # word → trigger_of(word): words repeat
        seen: set[str] = set()
        for word, payload in triggers:
            self.add(word, payload, seen)

    def add(self, word: str, payload: P, seen: set[str] | None = None) -> bool:
        folded = fold_text(word.strip())
        if " " in folded or len(folded) < MIN_LETTERS or (seen is not None and folded in seen):
            return False
        if folded not in _analysis(word.strip())[0]:
            return False  # no verb: no forms
        if seen is not None:
            seen.add(folded)
        self._triggers.append((folded, skeleton(folded), payload))
        self._answers.clear()
        return True

    def __len__(self) -> int:
        return len(self._triggers)

    def find(self, tokens: Sequence[Token], skip: Iterable[int] = ()) -> list[PhraseMatch[P]]:
        """Tokens (not in `skip`) that are inflected forms of a trigger; the first trigger
        added wins where a word is a form of several."""
        if not self._triggers:
            return []
        skip = set(skip)
        out: list[PhraseMatch[P]] = []
        for i, token in enumerate(tokens):
            if i in skip:
                continue
            found = self.trigger_of(token.text)
            if found is not None:
                trigger, payload = found
                out.append(PhraseMatch(_start_after_clitics(token, trigger), token.end, i, i, payload))
        return out

    def trigger_of(self, word: str) -> tuple[str, P] | None:
        """(folded trigger, payload) when `word` is an inflected form of a trigger, else None."""
        if word not in self._answers:
            self._answers[word] = self._trigger_of(word)
        return self._answers[word]

    def _trigger_of(self, word: str) -> tuple[str, P] | None:
        folded_word = fold_text(word)
        if len(folded_word) < MIN_LETTERS or not any(c.isalpha() for c in folded_word):
            return None
        word_skeleton = skeleton(folded_word)
        candidates = [
            (trigger, payload) for trigger, trigger_skeleton, payload in self._triggers
            if trigger != folded_word and len(folded_word) <= len(trigger) + MAX_EXTRA_LETTERS
            and _holds(word_skeleton, trigger_skeleton)
        ]
        if not candidates:
            return None
        lemmas = verb_lemmas(word)
        if not lemmas:
            return None
        for trigger, payload in candidates:
            if trigger in lemmas:
                return trigger, payload
        return None
