"""Persons and organisations from the words Arabic news puts around them, no model needed.

Arabic news names a person after their title or office and an organisation after the
noun that heads its name. The cue lists are data (corpus/data/cues_ar.tsv: PER titles,
ORG heads, STOP words that end a name); the rules:

* **Person**: after a title, skip what qualifies the office (definite words such as
  «الخارجية الأمريكي», a known place «مصر», an organisation «وزارة الخارجية»), then take
  1–3 name words, stopping at a STOP word, punctuation, another cue or a known place.
  The first name word carries no article: «الرئيس الفلسطيني محمود عباس» → «محمود عباس»,
  «قال الرئيس إن» → nothing. «بن», «بنت», «آل» join a name without counting. A third
  word needs the article and no plural ending, or to stand alone elsewhere in the text
  («رجب طيب أردوغان»). A word with hamza on its alef («ألكسندر») has no article; «علي» is
  a name where the text writes «على» apart. After a personal title, one repeated word
  with the article that is no adjective («الرئيس الأسد», not «الرئيس التركي») is a name.
* **Organisation**: the head, then up to 3 name words without the article («صحيفة
  نيويورك تايمز», «هيئة تحرير الشام»), then up to 3 definite words («وزارة الخارجية
  الأمريكية»). A head that carries the article itself («الجيش») takes definite words
  only («الجيش الإسرائيلي»). A bare head («الوزارة», «شركة كبيرة») is no name.

Cues match after glued proclitics («والرئيس», «لوزارة»), and the span starts after them.
`CueTagger.marks` gives the CRF the same knowledge as features (corpus.pretag.crf).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.pretag._text import fold_text, stems
from corpus.pretag.base import EntityProposal
from corpus.pretag.gazetteer import Gazetteer, shipped_entries, shipped_gazetteer
from corpus.pretag.phrases import PhraseMatch, PhraseMatcher
from corpus.text.arabic import Token

CUES_PATH = Path(__file__).resolve().parent.parent / "data" / "cues_ar.tsv"
KINDS = ("PER", "ORG", "STOP")
SCORES = {"PER": 0.6, "ORG": 0.55}
MAX_NAME_WORDS = 3
MAX_QUALIFIERS = 5  # words between a title and the name («وزير الخارجية الأمريكي الأسبق»)
JOINERS = frozenset({"بن", "بنت", "ابن", "ال"})  # folded; «آل» folds to «ال»
COMPOUND_FIRST = frozenset({"عبد", "ابو", "ابي", "ام"})  # «عبد الفتاح»، «أبو محمد»
# A preposition or و glued to «ال» ends a person's name; in an organisation's name only
# «لل» may continue it («شركة النور للاتصالات», but not «… بالاتفاق»).
GLUED_OTHER = ("بال", "وال", "فال", "كال")
GLUED_ARTICLE = ("لل", *GLUED_OTHER)
KNOWN_TYPES = frozenset({"GPE", "LOC", "ORG", "FAC"})  # dictionary names that are no person
PLURAL_LOOKING_NAMES = frozenset(fold_text(w) for w in ("الدين", "الحسين", "الأمين", "الياسين"))
# Titles a family name alone may follow («الرئيس الأسد»), folded; offices that take a
# portfolio («وزير الدفاع», «مدير المكتب») are not among them.
PERSONAL_TITLES = frozenset(fold_text(w) for w in (
    "الرئيس", "الشيخ", "الأمير", "الملك", "السلطان", "العميد", "العقيد", "المشير", "الجنرال", "الإمام",
    "السيد", "الدكتور"))
# Words with the article that follow a title without being a name («الرئيس الجديد»).
NOT_NAMES_ALONE = frozenset(fold_text(w) for w in (
    "الأممي", "الدولي", "العربي", "الأوروبي", "الإسلامي", "الغربي", "الإقليمي", "الاتحادي", "الانتقالي",
    "التنفيذي", "الفخري", "الشرعي", "الروحي", "الأعلى", "المنتخب", "الجديد", "المقبل", "الراحل", "الأسبق",
    "المخلوع", "المؤقت", "العام", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع",
    "الثامن", "التاسع", "العاشر", "الأب", "الابن", "المكلف", "المنتهية", "المعزول", "الفعلي",
    "الحالي", "السابق", "الشاب", "الأمريكي", "الأميركي", "الإسرائيلي", "الفلسطيني", "الإيراني"))
Found = tuple[str, int, int, int]  # type, start offset (after a proclitic), first token, last token


@dataclass(frozen=True)
class CueLists:
    titles: tuple[str, ...]
    heads: tuple[str, ...]
    stop: frozenset[str]  # folded


def read_cues(path: Path = CUES_PATH) -> CueLists:
    """The cue lists; a malformed line raises naming the file and line."""
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, phrase = line.partition("\t")
        if not sep or kind not in KINDS or not phrase.strip():
            raise ValueError(f"{path}, line {number}: expected {'|'.join(KINDS)}<TAB>phrase, got {raw!r}")
        found[kind].append(phrase.strip())
    return CueLists(tuple(found["PER"]), tuple(found["ORG"]), frozenset(fold_text(w) for w in found["STOP"]))


@lru_cache(maxsize=1)
def shipped_cues() -> CueLists:
    return read_cues()


def _definite(word: str) -> bool:
    """Carries the article, also behind a proclitic («للأمم» → «الامم»)."""
    return any(form.startswith("ال") and len(form) > 3 for form, _ in stems(word))


def _nisba(word: str) -> bool:
    """Looks like a feminine adjective of relation («فرنسية», folded «فرنسيه»), not «حماية»."""
    return word.endswith("يه") and len(word) > 3 and word[-3] != "ا"


@lru_cache(maxsize=1)
def _place_adjectives() -> frozenset[str]:
    """Adjectives of relation of the shipped place names, folded and with the article:
    «تركيا» → «التركي», «مصر» → «المصري», «السعودية» → «السعودي»."""
    out = set()
    for entry in shipped_entries():
        name = fold_text(entry.name)
        if entry.type not in ("GPE", "LOC") or " " in name:
            continue
        stem = name[2:] if name.startswith("ال") else name
        for suffix in ("يا", "يه", "ه", "ا"):
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
                stem = stem[:-len(suffix)]
                break
        out.add("ال" + stem + "ي")
    return frozenset(out)


def _nisba_of_place(word: str) -> bool:
    return word in _place_adjectives() or (word.endswith("ه") and word[:-1] in _place_adjectives())


def _letters(word: str) -> bool:
    return any(c.isalpha() for c in word)


class CueTagger:
    name = "cues"

    def __init__(self, cues: CueLists | None = None, *, gazetteer: Gazetteer | None = None) -> None:
        self.cues = shipped_cues() if cues is None else cues
        self.gazetteer = shipped_gazetteer() if gazetteer is None else gazetteer
        self._matcher: PhraseMatcher[str] = PhraseMatcher()
        for phrase in self.cues.titles:
            self._matcher.add(phrase, "PER")
        for phrase in self.cues.heads:
            self._matcher.add(phrase, "ORG")

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        return [
            EntityProposal(kind, start, tokens[last].end, SCORES[kind], self.name)
            for kind, start, first, last in self._spans(tokens)[0]
        ]

    def marks(self, tokens: Sequence[Token]) -> list[str]:
        """Per token, for the CRF: "PER" on a title's words, "ORG" on a head's, "B-PER",
        "I-ORG" … on the words the rules propose (a head inside its name too), "-" elsewhere."""
        spans, cues = self._spans(tokens)
        out = ["-"] * len(tokens)
        for match in cues:
            for k in range(match.first_token, match.last_token + 1):
                out[k] = match.payload
        for kind, _start, first, last in spans:
            out[first] = f"B-{kind}"
            for k in range(first + 1, last + 1):
                out[k] = f"I-{kind}"
        return out

    # ---- the rules ----------------------------------------------------------------------

    def _spans(self, tokens: Sequence[Token]) -> tuple[list[Found], list[PhraseMatch[str]]]:
        cues = self._matcher.find(tokens)
        words = _Words(tokens, self.cues.stop, self._places(tokens), {m.first_token: m for m in cues})
        spans: list[Found] = []
        for match in cues:
            found = (self._person if match.payload == "PER" else self._organisation)(words, match)
            if found is not None:
                spans.append(found)
        return _disjoint(spans), cues

    def _places(self, tokens: Sequence[Token]) -> dict[int, int]:
        """First token → last token of each known place or organisation («مصر», «حماس»)."""
        return {m.first_token: m.last_token for m in self.gazetteer.matches(tokens) if m.payload[0] in KNOWN_TYPES}

    def _person(self, words: _Words, cue: PhraseMatch[str]) -> Found | None:
        if "ك" in words.proclitic(cue):
            return None  # «كرئيس», «كزعيم»: "as a leader", no name follows
        i = words.skip_qualifiers(cue.last_token + 1)
        if i is None or not words.name_word(i) or words.definite(i):
            return self._family_name_alone(words, cue)
        first, counted, last = i, 0, i
        while i < len(words) and counted < MAX_NAME_WORDS and words.name_word(i):
            word = words.folded[i]
            if i > first and (i in words.places or word.startswith(GLUED_ARTICLE)):
                break
            # A third word must look like a family name («السيسي») unless the name is
            # compound («عبد الفتاح السيسي»): it is too often a verb («خالد حسن قتل»).
            if counted == 2 and word not in JOINERS and words.folded[first] not in COMPOUND_FIRST \
                    and words.folded[i - 1] not in JOINERS and not _third_name_word(words, i):
                break
            if word not in JOINERS:
                counted += 1
                last = i
            i += 1
        return ("PER", words.tokens[first].start, first, last) if counted else None

    def _family_name_alone(self, words: _Words, cue: PhraseMatch[str]) -> Found | None:
        """«الرئيس الأسد», «الشيخ الطيب»: after a personal title (not an office that names
        a portfolio: «وزير الدفاع»), one word with the article and nothing name-like after
        it, that is no adjective of a known place («الرئيس التركي»), no plural and no
        generic adjective («المبعوث الأممي»)."""
        i = cue.last_token + 1
        if fold_text(words.tokens[cue.first_token].text[cue.start - words.tokens[cue.first_token].start:]) \
                not in PERSONAL_TITLES or cue.first_token != cue.last_token or i >= len(words):
            return None
        word = words.folded[i]
        if not (words.name_word(i) and word.startswith("ال") and len(word) > 4) or i in words.places \
                or word in NOT_NAMES_ALONE or word.endswith(("ات", "ه")) or _nisba_of_place(word) \
                or not words.elsewhere(word):
            return None
        if i + 1 < len(words) and words.name_word(i + 1):
            return None  # more words follow: a qualifier then something else, not a name alone
        return "PER", words.tokens[i].start, i, i

    def _organisation(self, words: _Words, head: PhraseMatch[str]) -> Found | None:
        last = words.organisation_end(head)
        return ("ORG", head.start, head.first_token, last) if last is not None else None


def _third_name_word(words: _Words, i: int) -> bool:
    """Whether the third word of a name after a title is part of it: a family name with
    the article («عبد الفتاح السيسي», «صلاح نور الدين», but no plural «سليمان صويلو الاتهامات»), or a word
    the document also writes alone elsewhere («رجب طيب أردوغان» … «وقال أردوغان»). Else it is
    too often a verb («خالد حسن قتل»)."""
    word = words.folded[i]
    if words.definite(i):  # but no sound plural: «… الاتهامات», «… المانحين»
        return word in PLURAL_LOOKING_NAMES or not word.endswith(("ات", "ين", "ون"))
    return len(word) >= 3 and words.elsewhere(word)


class _Words:
    """The tokens of one text with what the rules ask about them."""

    def __init__(self, tokens: Sequence[Token], stop: frozenset[str], places: dict[int, int], cues: dict) -> None:
        self.tokens, self.stop, self.places, self.cues = tokens, stop, places, cues
        self.folded = [fold_text(t.text) for t in tokens]
        self._counts = Counter(self.folded)
        # A text that writes «على» with alef maqsura keeps «علي» for the name.
        self._ali_is_a_name = any(t.text.endswith("ى") for t in tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def definite(self, i: int) -> bool:
        """Carries the article. A word written with hamza on its alef, «ألكسندر», «إلهام»,
        starts with no article, though its matching form («الكسندر») looks as if it did."""
        return _definite(self.folded[i]) and not self.tokens[i].text.startswith(("أل", "إل"))

    def elsewhere(self, word: str, *, once: bool = False) -> bool:
        """The text has `word` (folded) more than once (`once`: at all), as a word of its own."""
        return self._counts[word] > (0 if once else 1)

    def stopword(self, i: int) -> bool:
        """A STOP word, also behind a glued و/ف and ب/ل/ك («بأن», «ولأن»)."""
        word = self.folded[i]
        if self._ali_is_a_name and self.tokens[i].text == "علي":
            return False
        if word[:1] in ("و", "ف"):
            word = word[1:] if word[1:] in self.stop or word[1:2] in ("ب", "ل", "ك") else word
        return word in self.stop or (word[:1] in ("ب", "ل", "ك") and len(word) > 2 and word[1:] in self.stop)

    def name_word(self, i: int) -> bool:
        """A word that may be part of a name: two letters or more, no STOP word, no cue
        (a lone «و» or «ل» is a proclitic written apart, as in token-split corpora)."""
        return (i < len(self.tokens) and len(self.folded[i]) > 1 and _letters(self.folded[i])
                and not self.stopword(i) and i not in self.cues)

    def proclitic(self, match: PhraseMatch[str]) -> str:
        """The proclitic glued before a match («و» in «والرئيس»)."""
        token = self.tokens[match.first_token]
        return token.text[:match.start - token.start]

    def skip_qualifiers(self, i: int) -> int | None:
        """The first word after what qualifies a title (definite words, places, organisations)."""
        skipped = 0
        while i < len(self.tokens) and skipped < MAX_QUALIFIERS:
            cue = self.cues.get(i)
            if cue is not None and cue.payload == "ORG":
                end = self.organisation_end(cue)
                i = (cue.last_token if end is None else end) + 1
            elif i in self.places:
                i = self.places[i] + 1
            elif self.name_word(i) and self.definite(i):
                i += 1
            else:
                return i
            skipped += 1
        return i if i < len(self.tokens) and skipped < MAX_QUALIFIERS else None

    def organisation_end(self, head: PhraseMatch[str]) -> int | None:
        """The last word of the organisation name a head starts, or None for a bare head."""
        i, last = head.last_token + 1, None
        if not self.definite(head.first_token):
            taken = 0
            # An indefinite adjective of relation ends it: «صحيفة فرنسية» is no name; so does
            # a later word glued to ل, "for …" («شركة توتال لتطوير الحقول»).
            while taken < MAX_NAME_WORDS and self.name_word(i) and not self.definite(i) \
                    and not (_nisba(self.folded[i]) and i not in self.places) \
                    and not (taken and self.folded[i][:1] == "ل" and self.folded[i][1:2] != "ل"):
                last, i, taken = self.places.get(i, i), self.places.get(i, i) + 1, taken + 1
        taken = 0
        while taken < MAX_NAME_WORDS and self.name_word(i) and self.definite(i) \
                and not self.folded[i].startswith(GLUED_OTHER):
            last, i, taken = self.places.get(i, i), self.places.get(i, i) + 1, taken + 1
        return last


def _disjoint(spans: list[Found]) -> list[Found]:
    """Text order, the earlier (then longer) span winning where two overlap."""
    out: list[Found] = []
    for span in sorted(spans, key=lambda s: (s[2], -s[3])):
        if not out or span[2] > out[-1][3]:
            out.append(span)
    return out
