"""Persons named without a title: a known given name and the name words after it.

Arabic news often names a person once, with no title before them («قال خليفة حفتر»,
«التقى محمد الدبيبة»), where the cue rules (corpus.pretag.cues) see nothing. A shipped list
of common given names (corpus/data/given_names_ar.tsv: Arabic male and female, and foreign
given names in Arabic spelling) starts a name; the rule then takes 1–2 name words after it:

* a name word is no STOP word or cue, no known place or organisation, no number, and not
  glued to a preposition and the article («بالعاصمة»); a word with the article ends the name
  («محمد الدبيبة»), unless it looks like a plural or a generic adjective («الجديد», «الله»);
* a given name alone gives nothing («محمد» could be anyone; short forms are name_parts's job);
* a given name that is also a common word («سعيد» "happy", «أمل» "hope", «رمضان») starts a name
  only where the next word is another given name, a word the text also writes alone, or the
  word before is a verb of saying or meeting («قال خليفة حفتر»);
* a compound given name counts as one («عبد الرحمن», «أبو مازن»); a kunya («أبو» + a given
  name) is a name by itself, and goes on only with a word with the article or another given
  name («أبو مصعب الزرقاوي»); «بن»/«بنت» join («أسامة بن لادن»); a third word must be a
  family name with the article (no plural; a relation adjective «السعدي» or a word the text
  repeats, not «… الاجتماع»), a given name
  (the father's: «محمد علي السعدي») or a compound («يوسف عبد الله»);
* a word the text also writes with the article, or a definite one it also writes without
  («كرة» beside «الكرة», «الدور» beside «دور»), is a common noun and ends the name; so does a
  word glued to a preposition and the article («للاشتباه»);
* an indefinite word that starts like an imperfect verb («يرفض», «تعتزم») ends the name
  unless the text also writes it alone or it is a given name itself («يوسف»).

Matching is in the folded form, also behind a glued proclitic («ومحمد», «لسامي»); the
span starts after it. The CRF gets the list as a feature (corpus.pretag.crf).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.pretag._text import fold_text, stems
from corpus.pretag.base import EntityProposal
from corpus.pretag.cues import (
    GLUED_ARTICLE,
    JOINERS,
    KNOWN_TYPES,
    NOT_NAMES_ALONE,
    PLURAL_LOOKING_NAMES,
    CueLists,
    _nisba_of_place,
    _third_name_word,
    _Words,
    shipped_cues,
)
from corpus.pretag.gazetteer import Gazetteer, shipped_gazetteer
from corpus.pretag.phrases import PhraseMatcher
from corpus.text.arabic import Token

NAME = "given_names"
SCORE = 0.5
NAMES_PATH = Path(__file__).resolve().parent.parent / "data" / "given_names_ar.tsv"
KINDS = ("name", "word")
MAX_FOLLOWING = 2  # name words after the given name (a joiner does not count)
# Compound given names: «عبد» + a definite word («عبد الرحمن»), «أبو» + a given name.
SERVANT, FATHER = "عبد", "ابو"
# Verbs of saying and meeting: a common-word given name right after one is a name.
SPEECH_VERBS = frozenset(fold_text(w) for w in (
    "قال", "قالت", "أضاف", "أضافت", "أكد", "أكدت", "أعلن", "أعلنت", "صرح", "صرحت", "أوضح", "أوضحت",
    "أشار", "أشارت", "ذكر", "ذكرت", "نفى", "نفت", "اعتبر", "اعتبرت", "رأى", "دعا", "دعت", "طالب", "طالبت",
    "حذر", "حذرت", "التقى", "التقت", "استقبل", "استقبلت", "زار", "زارت", "اجتمع", "اجتمعت", "بحث", "بحثت",
    "هاتف", "هاتفت", "يقول", "تقول", "وقال", "وقالت", "وأضاف", "وأكد"))
NOT_FAMILY_NAMES = frozenset(fold_text(w) for w in ("الله", "الرحمن", "الرحيم")) | NOT_NAMES_ALONE
VERB_PREFIXES = ("ي", "ت", "سي", "ست")
GOD = "الله"  # ends a compound name («حسن نصر الله»), never a name alone after a given name («بحمد الله»)
# «علي» is also «على» written with ي: a name only before another given name or after a verb of saying.
ALI = "علي"


@dataclass(frozen=True)
class GivenNames:
    sure: frozenset[str]  # folded
    common: frozenset[str]  # folded: also common words

    def __contains__(self, word: str) -> bool:
        return word in self.sure or word in self.common


def read_given_names(path: Path = NAMES_PATH) -> GivenNames:
    """The list; a malformed line raises naming the file and line."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, name = line.partition("\t")
        if not sep or kind not in KINDS or not name.strip() or " " in name.strip():
            raise ValueError(f"{path}, line {number}: expected {'|'.join(KINDS)}<TAB>one word, got {raw!r}")
        found[kind].add(fold_text(name.strip()))
    return GivenNames(frozenset(found["name"]), frozenset(found["word"] - found["name"]))


@lru_cache(maxsize=1)
def shipped_given_names() -> GivenNames:
    return read_given_names()


@lru_cache(maxsize=100_000)
def given_name_in(folded: str, names: GivenNames | None = None) -> tuple[str, int] | None:
    """("name" | "word", characters of glued proclitic) when the folded word is a given name,
    itself or behind a proclitic («ومحمد» → ("name", 1)); None otherwise."""
    names = shipped_given_names() if names is None else names
    for form, offset in stems(folded):
        if offset and form.startswith("ال"):
            continue  # «للينا» read as «الينا»: no
        if form in names.sure:
            return "name", offset
        if form in names.common:
            return "word", offset
    return None


def _participle(word: str) -> bool:
    """A definite active participle or «مُفعِّل» noun, a description after a name rather than a
    family name: «الناطق», «الحائز» (ال + CاCC), «المسؤول», «المصنف» (الم + 3 letters or more,
    not a relation adjective such as «المالكي»)."""
    stem = word[2:]
    if len(stem) == 4 and stem[1] == "ا":
        return True
    return stem.startswith("م") and len(stem) >= 4 and not stem.endswith("ي")


class GivenNameTagger:
    """`GivenNameTagger().tag(text, tokens)` → PER proposals that start at a given name."""

    name = NAME

    def __init__(self, names: GivenNames | None = None, *, cues: CueLists | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        self.names = shipped_given_names() if names is None else names
        self.cues = shipped_cues() if cues is None else cues
        self.gazetteer = shipped_gazetteer() if gazetteer is None else gazetteer
        self._cue_matcher: PhraseMatcher[str] = PhraseMatcher()
        for phrase in self.cues.titles:
            self._cue_matcher.add(phrase, "PER")
        for phrase in self.cues.heads:
            self._cue_matcher.add(phrase, "ORG")

    def _given(self, folded: str) -> tuple[str, int] | None:
        if self.names is shipped_given_names():
            return given_name_in(folded)
        return given_name_in.__wrapped__(folded, self.names)

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        places = {m.first_token: m.last_token for m in self.gazetteer.matches(tokens) if m.payload[0] in KNOWN_TYPES}
        inside_places = {k for first, last in places.items() for k in range(first, last + 1)}
        cues = {m.first_token: m for m in self._cue_matcher.find(tokens)}
        words = _Words(tokens, self.cues.stop, places, cues)
        out: list[EntityProposal] = []
        i = 0
        while i < len(tokens):
            found = self._name_at(words, i, inside_places)
            if found is None:
                i += 1
                continue
            offset, last = found
            out.append(EntityProposal("PER", tokens[i].start + offset, tokens[last].end, SCORE, self.name))
            i = last + 1
        return out

    def _name_at(self, words: _Words, i: int, inside_places: set[int]) -> tuple[int, int] | None:
        """(proclitic length, last token) of a name starting at token i, or None."""
        if i in inside_places or i in words.cues or words.stopword(i):
            return None
        first = self._given(words.folded[i])
        if first is None:
            return self._compound_at(words, i, inside_places)
        kind, offset = first
        return self._rest(words, i, i + 1, kind, offset, inside_places)

    def _compound_at(self, words: _Words, i: int, inside_places: set[int]) -> tuple[int, int] | None:
        """«عبد الرحمن …», «أبو مازن …» (also behind a proclitic: «وعبد الله»)."""
        for form, offset in stems(words.folded[i]):
            if form == SERVANT and i + 1 < len(words) and words.definite(i + 1) and i + 1 not in inside_places:
                return self._rest(words, i, i + 2, "name", offset, inside_places)
            if form == FATHER and i + 1 < len(words) and i + 1 not in inside_places \
                    and self._given(words.folded[i + 1]) is not None and self._given(words.folded[i + 1])[1] == 0:
                # A kunya is a name by itself («أبو مازن»), with or without more after it.
                found = self._rest(words, i, i + 2, "kunya", offset, inside_places)
                return found if found is not None else (offset, i + 1)
        return None

    def _rest(self, words: _Words, start: int, j: int, kind: str, offset: int,
              inside_places: set[int]) -> tuple[int, int] | None:
        """The name words after a given name that ends before token j."""
        counted, last = 0, None
        while j < len(words) and counted < MAX_FOLLOWING:
            word = words.folded[j]
            if word == GOD and last == j - 1 and not words.definite(last):
                last, j = j, j + 1  # «حسن نصر الله», «بهاء حسب الله»: part of the word before
                continue
            if not self._name_word(words, j, inside_places) or self._common_noun(words, j):
                break
            if word in JOINERS:
                j += 1
                continue
            if counted == 0 and kind == "word" and not self._vouched(words, start, j):
                return None
            if kind == "kunya" and not (words.definite(j) or word in self.names):
                break  # «أبو مصعب الزرقاوي», but «أبو عبيدة انتهاء العملية» ends at the kunya
            if counted == 1 and not ((words.definite(j) and _third_name_word(words, j)
                                      and (word.endswith("ي") or words.elsewhere(word)))
                                     or word in self.names or word == SERVANT):
                break  # a third word: a family name with the article or a father's name only
            if not words.definite(j) and word.startswith(VERB_PREFIXES) and word not in self.names \
                    and not words.elsewhere(word):
                break  # «خالد يرفض»: a verb follows the name
            if word == SERVANT and j + 1 < len(words) and words.definite(j + 1):
                counted, last, j = counted + 1, j + 1, j + 2  # «يوسف عبد الله»
                continue
            counted, last = counted + 1, j
            if words.definite(j):
                break  # «محمد الدبيبة»: the family name with the article ends it
            j += 1
        return (offset, last) if last is not None else None

    def _name_word(self, words: _Words, j: int, inside_places: set[int]) -> bool:
        word = words.folded[j]
        if not words.name_word(j) or j in inside_places or any(c.isdigit() for c in word):
            return False
        if words.definite(j):
            # A title or description after the name ends it: «الغاني», «الناطق», «المسؤول».
            return not (word.startswith(GLUED_ARTICLE) or word in NOT_FAMILY_NAMES or _nisba_of_place(word)
                        or _participle(word)
                        or (word.endswith(("ات", "ين", "ون")) and word not in PLURAL_LOOKING_NAMES))
        return not (word.endswith("يه") and len(word) > 4 and word[-3] != "ا")  # «فرنسية»: an adjective

    @staticmethod
    def _common_noun(words: _Words, j: int) -> bool:
        """A word the text also writes with the article («كرة» beside «الكرة») or, for a
        definite one, without it («الدور» beside «دور»): a common noun there."""
        word = words.folded[j]
        if words.definite(j):
            return word.startswith("ال") and words.elsewhere(word[2:], once=True)
        return words.elsewhere("ال" + word, once=True)

    def _vouched(self, words: _Words, start: int, j: int) -> bool:
        """A common-word given name is a name here: the next word is a given name or written
        alone elsewhere, or a verb of saying or meeting comes before."""
        word = words.folded[j]
        after_verb = start > 0 and words.folded[start - 1] in SPEECH_VERBS
        if self._given(words.folded[start]) == ("word", 0) and words.folded[start] == ALI:
            return after_verb or word in self.names
        return word in self.names or (not words.definite(j) and words.elsewhere(word)) or after_verb
