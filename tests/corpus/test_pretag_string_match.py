"""The string matcher: a marked name found at its other occurrences across spelling
variants (hamza, ة/ه, ى/ي, diacritics) and glued proclitics (و ف ب ل ك, ل before the
article), with its type and knowledge-base entity; one user's own names for that user."""
from __future__ import annotations

import pytest

from corpus.pretag import DEFAULT_PRIORITY, merge
from corpus.pretag.cues import shipped_cues
from corpus.pretag.string_match import (
    NAME,
    OWN_SCORE,
    SCORE,
    Mark,
    MarkedName,
    StringMatcher,
    folded_into_a_common_word,
    names_from_marks,
)
from corpus.text.arabic import tokenize

# Made up for these tests.
TEXT = (
    "قال أُسامة الكُردي إن المستشفى الأهلي استقبل الجرحى. "
    "وأضاف اسامه الكردى أن فريق المستشفى الأهلي يعمل ليلا، "
    "وشكر لأسامة الكردي جهوده للمستشفى الأهلي وبالمستشفى الأهلي. "
    "أما الكرديون فلم يعلقوا."
)


def found(tagger, text=TEXT):
    return [(text[p.start:p.end], p.type, p.kb_entity, p.audience, p.score) for p in tagger.tag(text, tokenize(text))]


def test_a_marked_name_is_found_across_spellings_and_proclitics_with_its_type_and_link():
    tagger = StringMatcher([MarkedName("أسامة الكردي", "PER", 7)])
    assert found(tagger) == [
        ("أُسامة الكُردي", "PER", 7, None, SCORE),  # diacritics
        ("اسامه الكردى", "PER", 7, None, SCORE),  # no hamza, ه for ة, ى for ي
        ("أسامة الكردي", "PER", 7, None, SCORE),  # «لـ» left outside
    ]


def test_the_article_after_a_preposition_and_glued_conjunctions_are_left_outside_the_name():
    tagger = StringMatcher([MarkedName("المستشفى الأهلي", "ORG")])
    texts = [text for text, *_ in found(tagger)]
    # «للمستشفى»: ل + the article whose alef is elided; the name keeps the article's lam.
    assert texts == ["المستشفى الأهلي", "المستشفى الأهلي", "لمستشفى الأهلي", "المستشفى الأهلي"]
    assert all(t.tagger == NAME for t in tagger.tag(TEXT, tokenize(TEXT)))


def test_only_whole_words_match():
    tagger = StringMatcher([MarkedName("الكردي", "PER")])
    texts = [text for text, *_ in found(tagger)]
    assert "الكرديون" not in texts and len(texts) == 3


def test_a_users_own_names_are_for_that_user_and_a_shared_name_is_offered_once():
    tagger = StringMatcher(
        [MarkedName("المستشفى الأهلي", "ORG")],
        own={4: [MarkedName("أسامة الكردي", "PER"), MarkedName("المستشفى الأهلي", "FAC")], 5: []},
    )
    rows = found(tagger)
    assert {(t, a, s) for t, kind, _kb, a, s in rows if kind == "PER"} == {
        ("أُسامة الكُردي", 4, OWN_SCORE), ("اسامه الكردى", 4, OWN_SCORE), ("أسامة الكردي", 4, OWN_SCORE)}
    assert {(kind, a) for _t, kind, _kb, a, _s in rows if kind != "PER"} == {("ORG", None)}
    assert len(tagger) == 3


def test_the_first_reading_of_a_name_wins():
    tagger = StringMatcher([MarkedName("الأهلي", "ORG", 1), MarkedName("الاهلي", "GPE", 2)])
    assert {(kind, kb) for _t, kind, kb, *_ in found(tagger)} == {("ORG", 1)}


def test_merged_with_a_gazetteer_name_inside_it_the_longer_name_wins():
    text = "فاز ريال مدريد على ضيفه في مدريد."
    tagger = StringMatcher([MarkedName("ريال مدريد", "ORG")])
    at = text.rindex("مدريد")
    inner = text.index("مدريد")
    from corpus.pretag import EntityProposal

    gazetteer = [EntityProposal("GPE", inner, inner + 5, 0.85, "gazetteer"),
                 EntityProposal("GPE", at, at + 5, 0.85, "gazetteer")]
    merged = merge(tagger.tag(text, tokenize(text)) + gazetteer, DEFAULT_PRIORITY)
    assert [(text[m.start:m.end], m.type) for m in merged] == [("ريال مدريد", "ORG"), ("مدريد", "GPE")]


def test_names_the_texts_mostly_leave_unmarked_are_not_offered():
    """«علي» marked once where «على» (which folds onto it) occurs three times is a common
    word, not a name to offer; «سليم العتوم», marked every time, is; the most frequent
    reading of a name comes first."""
    texts = {
        1: "وقف علي أمام الباب. وضع الكتاب على الطاولة ثم على الرف، وسلم على الجيران. وقال سليم العتوم شيئا.",
        2: "وصل سليم العتوم صباحا.",
    }

    def marks(document, text, kind, occurrence=0, kb=None):
        start = -1
        for _ in range(occurrence + 1):
            start = texts[document].index(text, start + 1)
        return Mark(document, start, start + len(text), kind, kb)

    found = names_from_marks(texts, [marks(1, "علي", "PER"), marks(1, "سليم العتوم", "PER", kb=3),
                                     marks(2, "سليم العتوم", "PER", kb=3), marks(2, "سليم العتوم", "ORG")])
    assert found == [MarkedName("سليم العتوم", "PER", 3), MarkedName("سليم العتوم", "ORG")]
    assert names_from_marks(texts, [marks(1, "علي", "PER")], min_precision=0.25) == [MarkedName("علي", "PER")]


@pytest.mark.parametrize(("name", "found", "common"), [
    ("علي", "على", True),          # only folding makes them one
    ("علي", "علي", False),         # written as marked
    ("علي", "عليٌّ", False),        # diacritics are not a different word
    ("سليم العتوم", "سليم العتوم", False),
    ("المدينة", "المدينه", False),  # folds, but not onto a common word
])
def test_a_match_that_only_folding_makes_is_a_common_word_when_the_word_is_one(name, found, common):
    assert folded_into_a_common_word(name, found, shipped_cues().stop) is common
