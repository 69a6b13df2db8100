"""The tagger interface: merging overlapping suggestions, and failing taggers reported."""
from __future__ import annotations

from corpus.pretag import EntityProposal, merge, pretag_document, run_taggers
from corpus.text.arabic import tokenize


class FixedTagger:
    def __init__(self, name, suggestions):
        self.name, self.suggestions = name, suggestions

    def tag(self, text, tokens):
        return list(self.suggestions)


class BrokenTagger:
    name = "broken"

    def tag(self, text, tokens):
        raise RuntimeError("model file is corrupt")


def s(kind, start, end, score, tagger):
    return EntityProposal(kind, start, end, score, tagger)


def test_merge_prefers_the_higher_priority_tagger_over_a_higher_score_where_spans_cross():
    crf = s("PER", 0, 9, 0.99, "crf")
    gaz = s("GPE", 5, 12, 0.5, "gazetteer")
    assert merge([crf, gaz], priority=["gazetteer", "crf"]) == [gaz]
    assert merge([crf, gaz], priority=["crf", "gazetteer"]) == [crf]


def test_merge_keeps_the_longer_of_nested_suggestions_whatever_their_taggers():
    text = "فاز نادي ريال مدريد أمس"
    club_at = text.index("ريال مدريد")
    club = s("ORG", club_at, club_at + len("ريال مدريد"), 0.6, "crf")
    city = s("GPE", text.index("مدريد"), text.index("مدريد") + len("مدريد"), 0.9, "gazetteer")
    for order in ([club, city], [city, club]):
        assert merge(order, priority=["gazetteer", "crf"]) == [club]
    # The rule holds through a chain: the longest of three nested spans stays, and a
    # span crossing the winner does not displace it.
    whole = s("ORG", text.index("نادي"), club.end, 0.3, "other")
    crossing = s("PER", club.end - 2, len(text), 0.2, "other")
    assert merge([crossing, city, club, whole], priority=["gazetteer", "crf"]) == [whole]


def test_merge_breaks_a_priority_tie_by_score_and_keeps_disjoint_suggestions():
    low, high = s("PER", 0, 9, 0.4, "crf"), s("ORG", 3, 12, 0.7, "crf")
    apart = s("GPE", 20, 25, 0.1, "crf")
    assert merge([low, apart, high], priority=["crf"]) == [high, apart]


def test_merge_ranks_unlisted_taggers_last_and_returns_text_order():
    listed, unlisted = s("GPE", 10, 14, 0.1, "gazetteer"), s("LOC", 12, 20, 0.9, "other")
    first = s("DATE", 0, 4, 0.5, "dates")
    assert merge([unlisted, listed, first], priority={"gazetteer": 2, "dates": 1}) == [first, listed]


def test_a_failing_tagger_is_reported_and_the_others_still_count():
    text = "زار سمير داود حلب"
    good = FixedTagger("gazetteer", [s("GPE", 14, 17, 0.8, "gazetteer")])
    suggestions, errors = run_taggers(text, [BrokenTagger(), good])
    assert suggestions == good.suggestions
    assert [(e.tagger, e.message) for e in errors] == [("broken", "RuntimeError: model file is corrupt")]


def test_a_tagger_returning_offsets_outside_the_text_is_reported_and_dropped():
    text = "حلب"
    bad = FixedTagger("crf", [s("GPE", 0, 3, 0.9, "crf"), s("GPE", 2, 9, 0.9, "crf")])
    suggestions, errors = run_taggers(text, [bad], tokenize(text))
    assert suggestions == []
    assert errors[0].tagger == "crf" and "outside the text (length 3)" in errors[0].message


def test_pretag_document_merges_and_collects_errors():
    text = "وصل سمير داود إلى حلب"
    a = FixedTagger("crf", [s("PER", 4, 13, 0.9, "crf"), s("PER", 18, 21, 0.3, "crf")])
    b = FixedTagger("gazetteer", [s("GPE", 18, 21, 0.8, "gazetteer")])
    result = pretag_document(text, [a, b, BrokenTagger()], priority=["gazetteer", "crf"])
    assert [(x.type, text[x.start:x.end]) for x in result.suggestions] == [("PER", "سمير داود"), ("GPE", "حلب")]
    assert [e.tagger for e in result.errors] == ["broken"]
