"""Arabic date expressions, with a normalised value.

Month and weekday names come from CLDR through Babel: plain `ar` gives the
Egyptian/Western months (يناير … ديسمبر), `ar_SY` (same as ar_LB, ar_IQ, ar_JO) the
Levantine/Iraqi ones (كانون الثاني … كانون الأول), `ar_MA`/`ar_TN` the Maghrebi ones.
Babel exposes only the Gregorian calendar, so the Hijri month names are listed here.
Matching runs on folded text (camel-tools normalisation, see _text.py), so «أيار» and
«ايار», «جمادى» and «جمادي» are one; Western, Eastern (٠-٩) and Persian digits all count.

Values (TIMEX3-style where a part is unknown):
  "2023-06-15", "2023-06", "2023"          Gregorian, full or partial
  "XXXX-06-15", "XXXX-06"                  no year given
  "XXXX-WXX-4"                             a weekday alone (ISO: 1 = Monday)
  "islamic:1445-09-10", "islamic:1445-09"  Hijri dates, not converted (no exact rule)
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.pretag._text import fold_text, fold_with_offsets, original_span
from corpus.pretag.base import EntityProposal
from corpus.text.arabic import Token

MONTH_LOCALES = ("ar", "ar_SY", "ar_MA", "ar_TN")
# Frequent spellings that CLDR does not list.
EXTRA_MONTHS = {"يونيه": 6, "يوليه": 7, "كانون ثاني": 1, "تشرين اول": 10, "تشرين ثاني": 11, "كانون اول": 12}
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4,
    "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}
# A month named alone («في آذار») is a date only after one of these words; alone,
# «مارس» is as often the verb "practised" and «رمضان», «رجب» are also first names.
BARE_MONTH_CUES = (
    "شهر", "في", "منذ", "خلال", "حتى", "مطلع", "أوائل", "أواسط", "منتصف", "أواخر", "نهاية",
    "بداية", "مع", "قبل", "بعد", "أول", "آخر",
)
YEAR_CUES = ("عام", "العام", "سنة", "السنة")
GREGORIAN_ERA = ("م", "ميلادي", "ميلادية", "للميلاد")
HIJRI_ERA = ("هـ", "ه", "هجري", "هجرية", "للهجرة")

SCORE_FULL, SCORE_PARTIAL, SCORE_BARE, SCORE_WEEKDAY = 0.95, 0.85, 0.7, 0.6


def _alternation(names) -> str:
    folded = sorted({fold_text(n) for n in names}, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in folded)


def _by_folded(mapping: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, number in mapping.items():
        key = " ".join(fold_text(name).split())
        if out.setdefault(key, number) != number:
            raise ValueError(f"month name {name!r} is listed for two months")
    return out


@lru_cache(maxsize=1)
def gregorian_months() -> dict[str, int]:
    from babel import Locale

    names: dict[str, int] = {}
    for code in MONTH_LOCALES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for number, name in months[context]["wide"].items():
                names[name] = number
    return _by_folded({**names, **EXTRA_MONTHS})


@lru_cache(maxsize=1)
def weekdays() -> dict[str, int]:
    """Folded weekday name → ISO weekday (1 = Monday)."""
    from babel import Locale

    days = Locale("ar").days["format"]["wide"]
    return _by_folded({name: index + 1 for index, name in days.items()})


HIJRI = _by_folded(HIJRI_MONTHS)

_CLITIC = r"(?<!\w)(?:[وفبلك]{1,2}(?=\w))?"  # outside the span: «وفي 3 آذار», «بحزيران»
_DAY = r"(?P<day>\d{1,2})(?!\d)"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_ERA = rf"(?:\s*(?P<era>{_alternation(GREGORIAN_ERA + HIJRI_ERA)}))?(?!\w)"


def _paired(alt: str) -> str:
    """A month name, optionally paired with its other name: «حزيران/يونيو», «يونيو (حزيران)»."""
    return (
        rf"(?P<month>{alt})(?:\s*[/\\\-–]\s*(?P<month2>{alt})(?!\w)|\s*\(\s*(?P<month3>{alt})\s*\))?(?!\w)"
    )


def _textual(alt: str) -> re.Pattern:
    year_cue = "|".join(fold_text(c) for c in YEAR_CUES)
    return re.compile(
        _CLITIC
        + rf"(?P<date>(?:{_DAY}\s+(?:من\s+)?(?:شهر\s+)?)?{_paired(alt)}"
        + rf"(?:\s*[،,]?\s*(?:(?:من\s+)?(?:{year_cue})\s+)?{_YEAR}{_ERA})?)"
    )


def _slashed(alt: str) -> re.Pattern:
    """Day, month name and year between slashes or hyphens: «25 / ديسمبر / 2024»."""
    return re.compile(
        rf"(?<![\d/.\-])(?P<date>{_DAY}\s*(?P<sep>[/\-])\s*{_paired(alt)}\s*(?P=sep)\s*{_YEAR}{_ERA})"
        r"(?![/.\-]?\d)"
    )


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    year_cue = "|".join(fold_text(c) for c in YEAR_CUES)
    cues = "|".join(fold_text(c) for c in BARE_MONTH_CUES)
    eras = _alternation(GREGORIAN_ERA + HIJRI_ERA)
    return {
        "gregorian": _textual(_alternation(gregorian_months())),
        "hijri": _textual(_alternation(HIJRI)),
        "gregorian_slashed": _slashed(_alternation(gregorian_months())),
        "hijri_slashed": _slashed(_alternation(HIJRI)),
        "numeric": re.compile(
            r"(?<![\d/.\-])(?P<date>(?:(?P<a>\d{1,2})\s*(?P<s>[/.\-])\s*(?P<b>\d{1,2})\s*(?P=s)\s*(?P<c>\d{4})"
            r"|(?P<y>\d{4})(?P<s2>[/.\-])(?P<mm>\d{1,2})(?P=s2)(?P<dd>\d{1,2}))" + _ERA + r")(?![/.\-]?\d)"
        ),
        "year": re.compile(
            _CLITIC + rf"(?P<date>(?:{year_cue})\s+{_YEAR}{_ERA}|(?P<year2>\d{{4}})\s*(?P<era_only>{eras})(?!\w))"
        ),
        "weekday": re.compile(_CLITIC + rf"(?P<date>(?:يوم\s+)?(?P<wd>{_alternation(weekdays())})(?!\w))"),
        "weekday_before": re.compile(
            rf"(?:^|(?<=\s)|{_CLITIC})(?P<date>(?:يوم\s+)?(?P<wd>{_alternation(weekdays())}))\s*[،,]?\s*$"
        ),
        "bare_cue": re.compile(rf"(?:^|[\s\W])(?:{cues})\s+$"),
    }


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # in folded text
    end: int
    value: str
    score: float


def _key(name: str) -> str:
    return " ".join(name.split())


def _era(match: re.Match, group: str = "era") -> str | None:
    era = match.groupdict().get(group)
    if not era:
        return None
    return "hijri" if era in {fold_text(e) for e in HIJRI_ERA} else "gregorian"


def _value(calendar: str, year: int | None, month: int | None, day: int | None) -> str | None:
    """The normalised value, or None when the parts cannot be a date."""
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= (30 if calendar == "islamic" else 31):
        return None
    if calendar == "gregorian" and year is not None and month and day:
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    parts = [f"{year:04d}" if year is not None else "XXXX"]
    if month is not None:
        parts.append(f"{month:02d}")
    if day is not None:
        parts.append(f"{day:02d}")
    text = "-".join(parts)
    return f"islamic:{text}" if calendar == "islamic" else text


def _int(text: str | None) -> int | None:
    return int(text) if text else None  # int() reads Eastern Arabic digits too


class DateTagger:
    name = "dates"

    def __init__(self, entity_type: str = "DATE") -> None:
        self.entity_type = entity_type
        self.patterns = _patterns()
        self.months = gregorian_months()

    def tag(self, text: str, tokens: Sequence[Token] = ()) -> list[EntityProposal]:
        folded, index = fold_with_offsets(text)
        found = self._resolve(self._candidates(folded))
        out = []
        for f in found:
            start, end = original_span(text, index, f.start, f.end)
            out.append(EntityProposal(self.entity_type, start, end, f.score, self.name, f.value))
        return out

    def _candidates(self, folded: str) -> list[_Found]:
        found: list[_Found] = []
        for calendar, months, names in (("gregorian", self.months, "gregorian"), ("islamic", HIJRI, "hijri")):
            for pattern in (self.patterns[names], self.patterns[f"{names}_slashed"]):
                found += [f for m in pattern.finditer(folded) if (f := self._textual(folded, m, calendar, months))]
        found += [f for m in self.patterns["numeric"].finditer(folded) if (f := self._numeric(m))]
        found += [f for m in self.patterns["year"].finditer(folded) if (f := self._year(m))]
        found = [self._with_weekday(folded, f) for f in found]
        found += [self._weekday(m) for m in self.patterns["weekday"].finditer(folded)]
        return found

    def _textual(self, folded: str, m: re.Match, calendar: str, months: dict[str, int]) -> _Found | None:
        day, year = _int(m["day"]), _int(m["year"])
        if _era(m) == "hijri" and calendar == "gregorian":
            return None
        if day is None and year is None and not self.patterns["bare_cue"].search(folded, 0, m.start()):
            return None
        value = _value(calendar, year, months[_key(m["month"])], day)
        if value is None:
            return None
        score = SCORE_FULL if day and year else SCORE_PARTIAL if day or year else SCORE_BARE
        return _Found(m.start("date"), m.end("date"), value, score)

    def _numeric(self, m: re.Match) -> _Found | None:
        if m["y"]:
            year, month, day = int(m["y"]), int(m["mm"]), int(m["dd"])
        else:  # Arabic news writes day/month/year
            day, month, year = int(m["a"]), int(m["b"]), int(m["c"])
        calendar = "islamic" if _era(m) == "hijri" else "gregorian"
        value = _value(calendar, year, month, day)
        return _Found(m.start("date"), m.end("date"), value, SCORE_FULL) if value else None

    def _year(self, m: re.Match) -> _Found | None:
        era = _era(m) or _era(m, "era_only")
        calendar = "islamic" if era == "hijri" else "gregorian"
        year = int(m["year"] or m["year2"])
        return _Found(m.start("date"), m.end("date"), _value(calendar, year, None, None), SCORE_PARTIAL)

    def _with_weekday(self, folded: str, f: _Found) -> _Found:
        m = self.patterns["weekday_before"].search(folded, max(0, f.start - 24), f.start)
        if m is None:
            return f
        return _Found(m.start("date"), f.end, f.value, f.score)

    def _weekday(self, m: re.Match) -> _Found:
        day = weekdays()[_key(m["wd"])]
        return _Found(m.start("date"), m.end("date"), f"XXXX-WXX-{day}", SCORE_WEEKDAY)

    @staticmethod
    def _resolve(found: list[_Found]) -> list[_Found]:
        """Longest first, then earliest; never overlapping."""
        kept: list[_Found] = []
        for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
            if all(f.end <= k.start or f.start >= k.end for k in kept):
                kept.append(f)
        return sorted(kept, key=lambda f: f.start)
