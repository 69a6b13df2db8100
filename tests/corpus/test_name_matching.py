"""Matching knowledge-base names across Arabic spelling variation (pure, no database)."""
from __future__ import annotations

import random

import pytest

from corpus.text.name_matching import KBIndex, name_key, rank, word

PER, ORG = 1, 2

KB = [
    (1, PER, "هاكان فيدان", []),
    (2, PER, "أحمد سامي", ["احمد السامي"]),
    (3, PER, "مصطفى كمال", []),
    (4, PER, "فاطمة الزهراء", []),
    (5, PER, "فيدان", []),
    (6, ORG, "حقان للتجارة", []),
    (7, PER, "سمير داود", ["أبو داود"]),
    (8, PER, "حسن فياض", []),
]


def ids(query: str, **options) -> list[int]:
    return [m.entity_id for m in rank(query, KB, **options)]


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("أحمد", "احمد"),  # hamza on alef
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),  # madda, teh marbuta
        ("مصطفى", "مصطفي"),  # alef maksura
        ("فاطمة", "فاطمه"),
        ("سـمـيـر", "سمير"),  # tatweel
        ("سَمِير", "سمير"),  # diacritics
        ("مسؤول", "مسئول"),  # hamza carriers
    ],
)
def test_spelling_variants_share_one_key(variant, canonical):
    assert name_key(variant) == name_key(canonical)


def test_different_names_keep_different_keys():
    assert name_key("سمير") != name_key("سامر")
    assert name_key("حقان") != name_key("هاكان")  # close, but not the same spelling


@pytest.mark.parametrize(
    "one, other",
    [("حقان", "هاكان"), ("كمال", "قمال"), ("جورج", "غورغ"), ("طوني", "توني"), ("صالح", "سالح"),
     ("ذكي", "زكي"), ("ضياء", "دياء")],
)
def test_transliteration_variants_share_a_skeleton(one, other):
    assert word(one).skeleton == word(other).skeleton


def test_hakan_fidan_is_found_from_haqqan_fidan():
    matches = rank("حقان فيدان", KB)
    assert matches[0].entity_id == 1 and matches[0].matched == "هاكان فيدان"
    assert not matches[0].exact and matches[0].score >= 0.9


@pytest.mark.parametrize(
    "query, expected",
    [("احمد سامي", 2), ("مصطفي كمال", 3), ("فاطمه الزهراء", 4), ("سـمير داوُد", 7), ("ابو داود", 7)],
)
def test_spelling_variants_are_exact_matches(query, expected):
    first = rank(query, KB)[0]
    assert (first.entity_id, first.exact) == (expected, True)


def test_exact_match_ranks_before_closer_looking_partial_ones():
    # «فيدان» is entity 5's whole name and a word of entity 1's.
    assert ids("فيدان")[:2] == [5, 1]
    matches = rank("فيدان", KB)
    assert matches[0].exact and not matches[1].exact and matches[0].score > matches[1].score


def test_ranking_is_by_closeness():
    # The same skeleton beats an edit away, which beats unrelated names (not listed).
    result = rank("هاكان فيدن", KB)
    assert result[0].entity_id == 1
    assert 8 not in [m.entity_id for m in result] or [m.entity_id for m in result].index(8) > 0
    scores = [m.score for m in result]
    assert scores == sorted(scores, reverse=True)


def test_aliases_are_searched_and_reported():
    first = rank("احمد السامي", KB)[0]
    assert (first.entity_id, first.matched) == (2, "احمد السامي")


def test_type_restricts_the_candidates():
    assert 6 in ids("حقان")
    assert 6 not in ids("حقان", type_id=PER)
    assert ids("حقان", type_id=ORG) == [6]


def test_last_word_matches_as_a_prefix_while_typing():
    assert ids("مصط")[0] == 3
    assert ids("سمير دا")[0] == 7


def test_unrelated_names_are_not_listed():
    assert ids("القاهرة") == []
    assert ids("") == [] and ids("  ،،  ") == []


def test_each_entity_appears_once_with_its_best_name():
    matches = rank("احمد", KB)
    assert [m.entity_id for m in matches].count(2) == 1


def test_a_large_knowledge_base_still_ranks_the_close_spelling_first():
    """Among 10,000 random names (the time this takes: tests/bench/kb_search.py)."""
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    rng = random.Random(7)

    def name() -> str:
        words = ("".join(rng.choice(letters) for _ in range(rng.randint(3, 7))) for _ in range(rng.randint(1, 3)))
        return " ".join(words)

    rows = [(i, 1 + i % 5, name(), [name()]) for i in range(100, 10_100)] + KB
    matches = KBIndex(rows).search("حقان فيدان")
    assert matches[0].entity_id == 1 and matches[0].matched == "هاكان فيدان"
