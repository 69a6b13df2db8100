"""Glued proclitics (و ف ب ل ك) and when a word may be cut after them.

Arabic glues conjunctions and prepositions to the next word: «وبحلب» is و + ب + حلب. A
word may also simply begin with one of those letters: «وليد», «كريم», «فاطمة», «بغداد»,
«لبنان». Shape alone cannot tell «وب|حلب» from «و|بغداد» (or «وك|انت» from «و|كانت»), and
there is no morphological database here, so a cut needs evidence; without evidence the
word stays whole. The rules:

1. Candidate boundaries: after a conjunction (و ف) at the start of the word, and after a
   preposition (ب ل ك) that starts the word or follows that conjunction. A letter's
   diacritics and tatweel stay with it («وَبِـحلب» cuts after «وَبِـ»). No boundary
   inside «لل» (ل + the article with its alef elided): «للمدينة» stays whole.
2. Veto: the whole word, normalised, is a known name (or one of a few frequent names that
   look like clitic + article, such as «كاليفورنيا»): never cut.
3. Evidence, tried from the deepest candidate to the shallowest; the first that has any
   wins:
   a. the article: the rest starts with «ال» and 3 or more letters («وبالمدينة» →
      «المدينة», «والقاهرة» → «القاهرة»); after a bare conjunction, also «لل» and 3 or
      more letters («وللمدينة» → «للمدينة»);
   b. attestation: the rest (3 or more letters, normalised) is a known name, or occurs
      as a word on its own elsewhere in the same text («وبحلب» → «حلب» when «حلب» appears
      alone somewhere, or is known). Deepest first is what makes «وبحلب» yield «حلب»
      rather than «بحلب».
   A two-letter chain on its own (وب، فل، وك...) is deliberately not evidence: it would
   turn «وبغداد» into «غداد», «ولبنان» into «بنان», «فلسطين» into «سطين» and the trigger
   «وكشفت» into «شفت».
4. A precise selection: when no candidate has evidence and the selection was drawn to
   start exactly at a candidate boundary (``drawn``), that boundary is kept («حقان»
   drawn inside «وحقان» stays «حقان»): snapping never widens what the annotator drew
   so carefully. Evidence still decides where there is some («بحلب» drawn inside
   «وبحلب» gives «حلب» when «حلب» is attested; «غداد» drawn inside «وبغداد» gives
   «بغداد» when «بغداد» is), and rule 2 still vetoes (a known name is never cut).

Known limitation: a name whose tail after a clitic-looking letter is itself a word of the
text («كمال» with «مال» standing alone nearby) is cut by rule 3b; passing the name in
``known_names`` (rule 2) prevents it.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from corpus.text.normalise import normalise
from corpus.text.tokens import TATWEEL

CONJUNCTIONS = frozenset("وف")
PREPOSITIONS = frozenset("بلك")
MIN_STEM_LETTERS = 3

# Frequent names that start like preposition/conjunction + article (rule 2).
ARTICLE_LOOKALIKES = frozenset(
    normalise(name)
    for name in ("كاليفورنيا", "فالنسيا", "بالتيمور", "فالنتين", "فالنتينا", "كالياري", "بالاو")
)


@dataclass(frozen=True, slots=True)
class Proclitic:
    """A possible cut: ``word[:offset]`` is the clitic chain, ``word[offset:]`` the rest."""

    offset: int
    conjunction_only: bool


def proclitics(word: str) -> list[Proclitic]:
    """Candidate cuts in ``word`` (rule 1), shallowest first."""
    found: list[Proclitic] = []
    letter, after = _letter_at(word, 0)
    if letter in CONJUNCTIONS:
        found.append(Proclitic(after, conjunction_only=True))
        letter, after = _letter_at(word, after)
    if letter in PREPOSITIONS and not (letter == "ل" and _letter_at(word, after)[0] == "ل"):
        found.append(Proclitic(after, conjunction_only=False))
    return [p for p in found if p.offset < len(word)]


def clitic_boundaries(word: str) -> list[int]:
    """Offsets inside ``word`` where a selection may start (rule 1), shallowest first."""
    return [p.offset for p in proclitics(word)]


def stem_offset(
    word: str, vocabulary: Collection[str], known_names: Collection[str], drawn: int | None = None
) -> int:
    """Where the selectable part of ``word`` starts: 0, after a proclitic with evidence,
    or else at ``drawn`` (where a precise selection began inside the word) if that is a
    candidate.

    ``vocabulary`` and ``known_names`` hold normalised forms.
    """
    candidates = proclitics(word)
    if not candidates:
        return 0
    whole = normalise(word)
    if whole in known_names or whole in ARTICLE_LOOKALIKES:
        return 0
    for candidate in reversed(candidates):
        rest = normalise(word[candidate.offset:])
        if _has_article(rest, candidate.conjunction_only) or _attested(rest, vocabulary, known_names):
            return candidate.offset
    return drawn if drawn in {c.offset for c in candidates} else 0  # rule 4


def _has_article(rest: str, conjunction_only: bool) -> bool:
    if rest.startswith("ال") and len(rest) >= 2 + MIN_STEM_LETTERS:
        return True
    return conjunction_only and rest.startswith("لل") and len(rest) >= 2 + MIN_STEM_LETTERS


def _attested(rest: str, vocabulary: Collection[str], known_names: Collection[str]) -> bool:
    return len(rest) >= MIN_STEM_LETTERS and (rest in known_names or rest in vocabulary)


def _letter_at(word: str, index: int) -> tuple[str, int]:
    """The letter at ``index`` and the offset after its diacritics and tatweel."""
    if index >= len(word):
        return "", index
    after = index + 1
    while after < len(word) and (word[after] == TATWEEL or unicodedata.category(word[after]) == "Mn"):
        after += 1
    return word[index], after
