"""Shorter forms of the names a document gives in full, offered where the document uses them.

Arabic news names a person in full once («الرئيس سامي داود») and by the family name
afterwards («وقال داود»، «داود»); no title stands before those later mentions, so the cue
rules miss them and a CRF often does too. This tagger reads the other taggers' proposals
for a document (and the names an annotator marked in it) and offers:

* **Persons**: the family name of every name of two words or more: the last word, with a
  joiner or compound first part before it («بن سلمان»، «آل عيسى»، «أبو بكر»). First names
  only when asked (`first_names`), and only one no other name of the document shares.
* **Organisations**: the rest of a name after a head that names it («حركة حماس» → «حماس»,
  «وكالة رويترز» → «رويترز»): only when that rest has no article and starts with a word of
  four letters or more, so «حزب الله»، «صحيفة الوطن»، «حركة فتح» give nothing.

Matching is the phrase matcher's (folded spellings, glued proclitics و ف ب ل ك, ل before
the article). A short form is not offered when it is a common word: a STOP word or cue of
the cue lists, a known place or organisation of the gazetteer, under three letters, an
ordinal («عبد الله الثاني» gives nothing), or a word the document also writes with the
article («حداد» beside «الحداد»: a common noun there) or, for a definite one, without it
(«الكرة» beside «كرة»). A family name with the article comes only from a name two taggers
agree on or a person marked, and no short form is offered that a tagger proposes as
another type in the same document («دارفور» as a place). Nor is one taken from a "name" whose
first word is a glued preposition on a word the document also has («لكرة القدم» beside
«الكرة»: a phrase a tagger misread). An occurrence is skipped where it
overlaps a proposal of another tagger (a surer one decides there), except a CRF proposal
of another type, which the merge ranks below this tagger.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.pretag._text import fold_text
from corpus.pretag.base import EntityProposal
from corpus.pretag.cues import COMPOUND_FIRST, JOINERS, CueLists, shipped_cues
from corpus.pretag.gazetteer import Gazetteer, shipped_gazetteer
from corpus.pretag.phrases import PhraseMatcher, phrase_key
from corpus.text.arabic import Token, tokenize

NAME = "name_parts"
SCORE = 0.7
MIN_LETTERS = 3
MIN_ORG_LETTERS = 4
# Heads after which the rest of the name is the organisation's own short name.
NAMING_HEADS = frozenset(fold_text(w) for w in (
    "حركة", "حزب", "هيئة", "وكالة", "صحيفة", "جريدة", "مجلة", "قناة", "شركة", "جبهة", "تنظيم", "جماعة",
    "منظمة", "مجموعة", "ميليشيا", "مليشيا", "كتائب", "مصرف", "بنك"))
# Words that end a name without being a family name («الملك عبد الله الثاني»).
NOT_FAMILY = frozenset(fold_text(w) for w in (
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الأكبر", "الأصغر", "الابن", "الأب", "جونيور"))
GLUED_PREPOSITIONS = ("ل", "ب", "ك")
SURE_TAGGERS = frozenset({"string_match"})
WEAK_TAGGERS = frozenset({"crf", "camel_ner"})  # where these propose another type, the merge decides


@dataclass(frozen=True, slots=True)
class Source:
    """A name found or marked in the document: its text and type."""

    text: str
    type: str
    audience: int | None = None
    sure: bool = True  # marked by a person, or found by two taggers: may give a definite family name


class NameParts:
    """`NameParts().tag_document(text, tokens, proposals, marked)` → short-form proposals."""

    name = NAME

    def __init__(self, cues: CueLists | None = None, gazetteer: Gazetteer | None = None,
                 *, first_names: bool = False) -> None:
        self.cues = shipped_cues() if cues is None else cues
        self.gazetteer = shipped_gazetteer() if gazetteer is None else gazetteer
        self.first_names = first_names
        self._cue_words = frozenset(fold_text(w) for w in (*self.cues.titles, *self.cues.heads) if " " not in w)

    # ---- what a name yields -----------------------------------------------------------

    def short_forms(self, name: str, kind: str, others: Iterable[str] = (), *, sure: bool = True) -> list[str]:
        """The short forms of one name (folded, space-joined), common words left out.
        `others`: the document's other names of the same type (a first name two share is
        ambiguous); a family name with the article («الأسد») only from a `sure` name."""
        words = [t.text for t in tokenize(name) if any(c.isalpha() for c in t.text)]
        folded = [fold_text(w) for w in words]
        if kind == "PER":
            forms = [f for f in self._person_forms(folded, others) if sure or not f.startswith("ال")]
        elif kind == "ORG":
            forms = self._organisation_forms(folded)
        else:
            forms = []
        return [f for f in dict.fromkeys(forms) if self._usable(f)]

    def _person_forms(self, folded: list[str], others: Iterable[str]) -> list[str]:
        counted = [w for w in folded if w not in JOINERS]
        if len(counted) < 2:
            return []
        if folded[-1] in NOT_FAMILY:
            return []
        # The family name: the last word, with a joiner or compound part just before it
        # («بن سلمان», «أبو بكر», and «نصر الله»: «الله» ends compounds, it is no name alone).
        start = len(folded) - 1
        while start > 0 and (folded[start - 1] in JOINERS or folded[start - 1] in COMPOUND_FIRST
                             or (start == len(folded) - 1 and folded[start] == "الله")):
            start -= 1
        if start == 0:
            return []
        forms = [" ".join(folded[start:])]
        if self.first_names and folded[0] not in COMPOUND_FIRST and folded[1] not in JOINERS:
            if not any(phrase_key(other)[:1] == (folded[0],) for other in others):
                forms.append(folded[0])
        return forms

    def _organisation_forms(self, folded: list[str]) -> list[str]:
        if len(folded) < 2 or folded[0] not in NAMING_HEADS:
            return []
        rest = folded[1:3]
        if len(folded) > 3 or any(w.startswith("ال") or w.startswith("لل") for w in rest):
            return []
        return [" ".join(rest)] if len(rest[0]) >= MIN_ORG_LETTERS else []

    def _usable(self, form: str) -> bool:
        words = form.split()
        last = words[-1]
        if len(last) < MIN_LETTERS or any(w in self.cues.stop or w in self._cue_words for w in words):
            return False
        return form not in self.gazetteer  # a place or organisation of the dictionary

    # ---- tagging ----------------------------------------------------------------------

    def tag_document(self, text: str, tokens: Sequence[Token], proposals: Sequence[EntityProposal],
                     marked: Iterable[Source] = ()) -> list[EntityProposal]:
        """Short forms of the document's names at their other occurrences. Names come from
        `proposals` (other taggers' output for this text) and `marked` (what annotators
        marked in it). Short forms for everyone (audience None) rest on what everyone is
        offered alone; those for one user also on that user's own proposals and marks
        (which confirm a name, or type it otherwise, for that user only), and go to them."""
        marked = list(marked)
        audiences = dict.fromkeys([None, *(p.audience for p in proposals), *(s.audience for s in marked)])
        out: list[EntityProposal] = []
        for audience in audiences:
            visible = [p for p in proposals if p.audience in (None, audience)]
            names = [Source(text[p.start:p.end], p.type, p.audience, _confirmed(p, visible))
                     for p in visible if p.type in ("PER", "ORG")]
            names += [s for s in marked if s.audience in (None, audience)]
            if names:
                out += self._tag_for(text, tokens, visible, names, audience)
        return out

    def _tag_for(self, text, tokens, proposals, names: list[Source], audience) -> list[EntityProposal]:
        """The short forms `audience` is offered; `proposals` and `names` are what that
        audience sees (everyone's, and its own)."""
        matcher: PhraseMatcher[str | None] = PhraseMatcher()
        full = {phrase_key(s.text) for s in names}
        for source in names:  # the full names themselves: matched (longest first) and skipped
            matcher.add(source.text, None)
        alone = {fold_text(t.text) for t in tokens}
        ali_is_a_name = any(t.text.endswith("ى") for t in tokens)  # «على» is written apart from «علي»
        for source in names:
            if not self._name_like(source.text, alone, ali_is_a_name):
                continue
            others = [s.text for s in names if s.type == source.type and phrase_key(s.text) != phrase_key(source.text)]
            for form in self.short_forms(source.text, source.type, others, sure=source.sure):
                if tuple(form.split()) not in full:  # marked alone already: the other taggers offer it
                    matcher.add(form, source.type)
        if len(matcher) == len(full):
            return []
        common = self._common_words(tokens)
        taken = [(p.start, p.end, p.type, p.tagger) for p in proposals]
        typed = {(phrase_key(text[p.start:p.end]), p.type) for p in proposals}
        out = []
        for match in matcher.find(tokens):
            if match.payload is None:
                continue
            key = phrase_key(text[match.start:match.end])
            if key[-1] in common or any(k == key and kind != match.payload for k, kind in typed):
                continue  # a common noun here, or a name of another type elsewhere in the text
            if any(s < match.end and match.start < e and not (tagger in WEAK_TAGGERS and kind != match.payload)
                   for s, e, kind, tagger in taken):
                continue
            out.append(EntityProposal(match.payload, match.start, match.end, SCORE, NAME, audience=audience))
        return out

    def _name_like(self, name: str, words: set[str], ali_is_a_name: bool = False) -> bool:
        """Not a phrase a tagger misread as a name: no STOP word in it (but «علي» where the
        text writes «على» apart), and no first word that is a glued preposition on a word
        the document also has alone or with the article («لكرة القدم» beside «الكرة»;
        «بشار» stays, no «شار» there)."""
        folded = phrase_key(name)
        raw = name.split()
        if not folded or any(w in self.cues.stop and not (ali_is_a_name and w == "علي" and "علي" in raw)
                             for w in folded):
            return False
        first = folded[0]
        if first.startswith(GLUED_PREPOSITIONS) and len(first) > MIN_LETTERS and first not in self.gazetteer:
            rest = first[1:]
            return rest not in words and "ال" + rest not in words
        return True

    def _common_words(self, tokens: Sequence[Token]) -> frozenset[str]:
        """Words this document also writes with the article («حداد» beside «الحداد») and
        definite words it also writes without («الكرة» beside «كرة»): common nouns there,
        so no safe name alone. (A STOP word does not count: «على» says nothing of «العلي».)"""
        folded = {fold_text(t.text) for t in tokens}
        bare = {w for w in folded if len(w) >= MIN_LETTERS and w not in self.cues.stop}
        with_article = {w[2:] for w in folded if w.startswith("ال") and len(w) > 4}
        return frozenset(with_article | {"ال" + w for w in bare})

def _confirmed(proposal: EntityProposal, proposals: Sequence[EntityProposal]) -> bool:
    """Marked in this project (string matching), or proposed by a second tagger as well."""
    return proposal.tagger in SURE_TAGGERS or any(
        p.tagger != proposal.tagger and p.type == proposal.type and p.start < proposal.end and proposal.start < p.end
        for p in proposals)
