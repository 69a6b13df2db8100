"""Organisations that news names without a head word: a shipped list, and Latin acronyms.

The cue rules find «حركة حماس» and «وزارة الخارجية» by their head; news just as often writes
«حماس», «الناتو», «رويترز», «ريال مدريد» or «IBM». This tagger matches a shipped list of
well-known organisations with their short forms and acronyms, Arabic and Latin
(corpus/data/organisations_ar.tsv), the gazetteer's way (folded spellings, glued proclitics,
longest first, the common-word guard of corpus/data/gazetteer_guard_ar.tsv: «الفرنسية» is the
news agency only in a dateline «(الفرنسية)»), and proposes a word of 2–6 capital Latin letters
as an organisation («BBC», «(WHO)»), unless it is an abbreviation of something else («GDP»,
«DNA», «TV»: NOT_ORGANISATIONS).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from corpus.pretag.base import EntityProposal
from corpus.pretag.gazetteer import Entry, Gazetteer, read_curated
from corpus.text.arabic import Token

NAME = "organisations"
LIST_PATH = Path(__file__).resolve().parent.parent / "data" / "organisations_ar.tsv"
SCORES = {"list": 0.8, "acronym": 0.5}
ACRONYM = re.compile(r"[A-Z]{2,6}|[A-Z](?:\.[A-Z]){1,5}\.?")
NOT_ORGANISATIONS = frozenset({
    "TV", "GDP", "DNA", "RNA", "HIV", "AIDS", "USB", "PDF", "CEO", "CFO", "OK", "AM", "PM", "SMS", "GPS", "CD",
    "DVD", "PC", "IT", "AI", "ID", "VIP", "USD", "EUR", "GMT", "UTC", "LED", "LCD", "MP", "VAT", "PHD", "MBA",
    "HD", "FM", "AC", "DC", "IQ", "BC", "AD", "NO", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII",
    "KM", "KG", "MW", "GW", "CO", "NGO", "NGOS", "FAQ", "RDX", "TNT", "XM", "UK", "US", "USA", "UAE", "EU",
})


@lru_cache(maxsize=1)
def shipped_organisations() -> tuple[Entry, ...]:
    entries, _removed = read_curated(LIST_PATH)
    return tuple(Entry(e.name, e.type, "list") for e in entries)


class OrganisationTagger:
    """`OrganisationTagger().tag(text, tokens)` → ORG proposals from the list and acronyms."""

    name = NAME

    def __init__(self, entries: Sequence[Entry] | None = None) -> None:
        self._list = Gazetteer(shipped_organisations() if entries is None else entries, shipped=False)

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        out = [EntityProposal(m.payload[0], m.start, m.end, SCORES["list"], self.name)
               for m in self._list.matches(tokens)]
        out += [EntityProposal("ORG", t.start, t.end, SCORES["acronym"], self.name)
                for t in tokens if ACRONYM.fullmatch(t.text) and t.text.replace(".", "") not in NOT_ORGANISATIONS]
        return out
