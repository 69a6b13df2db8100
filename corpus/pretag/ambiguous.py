"""Dictionary names that are also common words, and the context that keeps them.

«ترك» is a Caribbean town in CLDR and, far more often, the verb "left"; «مسقط» is Muscat
except in «مسقط رأسه» ("his birthplace"). corpus/data/gazetteer_guard_ar.tsv lists such
names with one rule each:

* ``only-after WORDS``: keep a match only when the word before it is one of WORDS
  («في ترك» stays, «ترك الوزير منصبه» goes);
* ``not-before WORDS``: drop a match when the word after it is one of WORDS
  («مسقط رأسه» goes, «وصل إلى مسقط» stays);
* ``not-after WORDS``: drop a match when the word before it is one of WORDS
  («شبه الجزيرة» is no channel).

Words are compared folded (corpus.pretag._text); a glued و/ف on the neighbour is looked
through; a word ending in "*" is a prefix. Names not in the file are never touched.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.pretag._text import fold_text
from corpus.pretag.phrases import phrase_key
from corpus.text.arabic import Token

GUARD_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer_guard_ar.tsv"
RULES = ("only-after", "not-before", "not-after")
CONJUNCTIONS = ("و", "ف")


@dataclass(frozen=True)
class Rule:
    kind: str  # one of RULES
    words: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, word: str) -> bool:
        forms = [word] + [word[len(c):] for c in CONJUNCTIONS if word.startswith(c) and len(word) > len(c) + 1]
        return any(f in self.words or f.startswith(self.prefixes) for f in forms)


def read_guard(path: Path = GUARD_PATH) -> dict[tuple[str, ...], Rule]:
    """Folded name → rule; a malformed line raises naming the file and line."""
    rules: dict[tuple[str, ...], Rule] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in RULES or not parts[0].strip() or not parts[2].split():
            raise ValueError(
                f"{path}, line {number}: expected name<TAB>{'|'.join(RULES)}<TAB>words, got {raw!r}")
        words = [fold_text(w) for w in parts[2].split()]
        rules[phrase_key(parts[0])] = Rule(
            parts[1], frozenset(w for w in words if not w.endswith("*")),
            tuple(w[:-1] for w in words if w.endswith("*")))
    return rules


@lru_cache(maxsize=1)
def shipped_guard() -> dict[tuple[str, ...], Rule]:
    return read_guard()


def keep(rule: Rule, tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether a match over tokens[first..last] passes its rule."""
    if rule.kind == "only-after":
        return first > 0 and rule.matches(fold_text(tokens[first - 1].text))
    if rule.kind == "not-after":
        return not (first > 0 and rule.matches(fold_text(tokens[first - 1].text)))
    return not (last + 1 < len(tokens) and rule.matches(fold_text(tokens[last + 1].text)))
