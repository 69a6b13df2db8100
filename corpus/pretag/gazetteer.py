"""Dictionary tagger: known names, matched normalisation- and clitic-aware, longest first.

The shipped part comes from CLDR through Babel (country and region names, time-zone
exemplar cities, all in Arabic) plus a curated list in corpus/data/gazetteer_ar.tsv.
The caller adds the project's own names (every gold entity, every KB alias) so the
dictionary grows as annotators work; those win over the shipped entries. Names that are
also common words (ترك "left", مسقط in «مسقط رأسه») are kept only in a context that says
"place" (corpus.pretag.ambiguous, corpus/data/gazetteer_guard_ar.tsv).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.pretag._text import fold_text
from corpus.pretag.ambiguous import Rule, keep, shipped_guard
from corpus.pretag.base import EntityProposal
from corpus.pretag.phrases import PhraseMatch, PhraseMatcher
from corpus.text.arabic import Token

CURATED_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer_ar.tsv"
TZ_CONTINENTS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
# CLDR region codes that are organisations or not places at all.
TERRITORY_TYPES = {"UN": "ORG", "EU": "ORG", "ZZ": None, "XA": None, "XB": None, "EZ": None, "001": None}

SCORES = {"project": 0.9, "curated": 0.85, "cldr": 0.8}


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    type: str
    source: str = "project"  # "project" (gold, KB), "curated", "cldr"


def read_curated(path: Path = CURATED_PATH) -> tuple[list[Entry], set[str]]:
    """Entries and removals from the curated TSV; a malformed line names its file and line."""
    entries, removed = [], set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, name = line.partition("\t")
        if not sep or not name.strip():
            raise ValueError(f"{path}, line {number}: expected TYPE<TAB>name, got {raw!r}")
        if kind == "-":
            removed.add(name.strip())
        else:
            entries.append(Entry(name.strip(), kind.strip(), "curated"))
    return entries, removed


def cldr_entries() -> list[Entry]:
    """Arabic country/region names and exemplar cities from Babel's CLDR data."""
    from babel import Locale

    locale = Locale("ar")
    out = []
    for code, name in locale.territories.items():
        kind = TERRITORY_TYPES.get(code, "LOC" if code.isdigit() else "GPE")
        if kind:
            out.append(Entry(name, kind, "cldr"))
    for zone, names in locale.time_zones.items():
        city = names.get("city") if zone.split("/")[0] in TZ_CONTINENTS else None
        if city and "(" not in city:
            out.append(Entry(city, "GPE", "cldr"))
    return out


@lru_cache(maxsize=1)
def shipped_entries() -> tuple[Entry, ...]:
    curated, removed = read_curated()
    return tuple(e for e in curated + cldr_entries() if e.name not in removed)


class Gazetteer:
    """`Gazetteer(entries)` matches those and the shipped names (unless `shipped=False`).

    `guard` maps ambiguous names to the context rule that keeps them (default: the shipped
    list; `{}` turns the check off)."""

    name = "gazetteer"

    def __init__(
        self, entries: Iterable[Entry | tuple[str, str]] = (), *, shipped: bool = True,
        guard: dict[tuple[str, ...], Rule] | None = None,
    ) -> None:
        self._matcher: PhraseMatcher[tuple[str, float]] = PhraseMatcher()
        self._guard = shipped_guard() if guard is None else guard
        self._guard_first = {key[0] for key in self._guard}
        own = [e if isinstance(e, Entry) else Entry(e[0], e[1]) for e in entries]
        # The first entry for a name wins: project names, then curated, then CLDR.
        for entry in own + list(shipped_entries() if shipped else ()):
            self._matcher.add(entry.name, (entry.type, SCORES.get(entry.source, 0.8)))

    def __len__(self) -> int:
        return len(self._matcher)

    def __contains__(self, name: str) -> bool:
        return name in self._matcher

    def matches(self, tokens: Sequence[Token]) -> list[PhraseMatch[tuple[str, float]]]:
        return [m for m in self._matcher.find(tokens) if self._passes_guard(tokens, m)]

    def _passes_guard(self, tokens: Sequence[Token], match: PhraseMatch) -> bool:
        head = tokens[match.first_token]
        first = fold_text(head.text[match.start - head.start:])
        if first not in self._guard_first:
            return True
        key = (first, *(fold_text(t.text) for t in tokens[match.first_token + 1:match.last_token + 1]))
        rule = self._guard.get(key)
        return rule is None or keep(rule, tokens, match.first_token, match.last_token)

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        return [
            EntityProposal(m.payload[0], m.start, m.end, m.payload[1], self.name) for m in self.matches(tokens)
        ]


@lru_cache(maxsize=1)
def shipped_gazetteer() -> Gazetteer:
    """The shipped names only; what the CRF uses for its membership features."""
    return Gazetteer()
