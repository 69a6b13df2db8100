"""A real-world file: NewsFANE Gold (CoNLL BIO with CRLF, a BOM, U+200E marks and 45
fine classes) imports cleanly with a mapping onto news-ar types. Read at test time from
../shared/data (never copied into the repository); skipped when absent."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from annotate import dataset
from annotate.models import Span
from corpus import importing

NEWSFANE = Path(__file__).resolve().parents[3] / "shared" / "data" / "newsfane_gold" / "NewsFANE_Gold_2014_170K.txt"
MAPPING = {
    "PER": "Politician Athlete Artist Other_PER Religious_PER Scientist Businessperson Lawyer Engineer",
    "ORG": "Non-Governmental Sports Government Media Commercial Educational Police Medical-Science "
           "Entertainment Religious_ORG",
    "GPE": "Nation Population-Center State-or-Province GPE-Cluster County-or-District",
    "LOC": "Water-Body Land Continent Land-Region-Natural Celestial",
    "FAC": "Building-Grounds Airport Path Subarea-Facility",
    "": "Group Book Movie Software Hardware Air Projectile Shooting Food Water Drug Plant",
}

pytestmark = pytest.mark.skipif(not NEWSFANE.exists(), reason="../shared/data is not available")


def type_map() -> dict[str, str]:
    return {fine: coarse for coarse, fines in MAPPING.items() for fine in fines.split()}


def expected_spans(data: bytes) -> Counter:
    """Spans per coarse type, counted from the raw lines by seqeval's chunker (an I- tag
    after another type starts a chunk too), in the first occurrence of each sentence
    (a repeated text is one document)."""
    counts, seen, words, tags = Counter(), set(), [], []
    for line in data.decode("utf-8-sig").splitlines() + [""]:
        token, _tab, tag = line.partition("\t")
        if token.strip():
            words.append(token.strip("\u200e"))
            tags.append(tag.strip())
            continue
        if words and " ".join(words) not in seen:
            seen.add(" ".join(words))
            counts.update(type_map()[kind] for kind, _s, _e in get_entities(tags) if type_map()[kind])
        words, tags = [], []
    return counts


def test_newsfane_imports_cleanly_as_conll_with_a_type_mapping(project):
    data = NEWSFANE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and "\u200e".encode() in data
    sink = dataset.sinks(project, dataset.parse_target(project, "gold"), type_map=type_map())("newsfane")
    report = importing.import_stream(project, io.BytesIO(data), "NewsFANE.txt", "conll", sink=sink)
    assert report.errors == []
    assert report.imported > 4000
    stored = Counter(Span.objects.filter(set__document__project=project).values_list("entity_type__key", flat=True))
    assert stored == expected_spans(data)
    assert not project.documents.filter(text__contains="\u200e").exists()
    assert not project.documents.filter(text__contains="\r").exists()
