"""Read a token-per-line BIO corpus (CoNLL style) into (text, spans) pairs to train the CRF.

Built for files like NewsFANE Gold: UTF-8 with a BOM, CRLF line ends, `token<TAB>tag`,
a blank line between segments, tokens prefixed with an invisible U+200E mark. The text
is the tokens joined by spaces; fine classes are mapped to project types by `class_map`
(classes it leaves out become O). The file is read where it lies, never copied.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from corpus.pretag.crf import Example

INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200e\u200f"), None)

# NewsFANE's "Group" is a people, not an organisation (العرب، المسلمين، الأكراد، الشيعة):
# mapped to ORG it taught the CRF to propose nationalities as organisations. It is left
# out (O), like the classes of things (Book, Software, Food ...).
NEWSFANE_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ["Politician", "Athlete", "Artist", "Other_PER", "Religious_PER", "Scientist",
         "Businessperson", "Lawyer", "Engineer"], "PER"),
    **dict.fromkeys(
        ["Non-Governmental", "Sports", "Government", "Media", "Commercial", "Educational",
         "Police", "Medical-Science", "Entertainment", "Religious_ORG"], "ORG"),
    **dict.fromkeys(
        ["Nation", "Population-Center", "State-or-Province", "GPE-Cluster", "County-or-District"], "GPE"),
    **dict.fromkeys(["Water-Body", "Land", "Continent", "Land-Region-Natural", "Celestial"], "LOC"),
    **dict.fromkeys(["Building-Grounds", "Airport", "Path", "Subarea-Facility"], "FAC"),
}


def read_bio(path: str | Path, class_map: Mapping[str, str]) -> Iterator[Example]:
    """One example per segment; a malformed line raises with its file and line number."""
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8-sig", newline=None) as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n").translate(INVISIBLE)
            if not line.strip():
                if words:
                    yield _example(words, tags, class_map)
                words, tags = [], []
                continue
            word, sep, tag = line.rpartition("\t")
            if not sep or not word.strip():
                raise ValueError(f"{path}, line {number}: expected token<TAB>tag, got {raw!r}")
            words.append(word.strip())
            tags.append(tag.strip())
    if words:
        yield _example(words, tags, class_map)


def _example(words: list[str], tags: list[str], class_map: Mapping[str, str]) -> Example:
    spans: list[tuple[int, int, str]] = []
    offset, current = 0, None
    for word, tag in zip(words, tags, strict=True):
        start, end = offset, offset + len(word)
        offset = end + 1
        head, _, cls = tag.partition("-")
        kind = class_map.get(cls) if tag != "O" else None
        if kind is None:
            current = None
            continue
        if head == "I" and current is not None and current[2] == kind:
            current[1] = end
            continue
        current = [start, end, kind]
        spans.append(current)
    return " ".join(words), [tuple(s) for s in spans]
