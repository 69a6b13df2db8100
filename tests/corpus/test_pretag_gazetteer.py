"""Gazetteer: shipped CLDR + curated names, project names, clitics and normalisation."""
from __future__ import annotations

import pytest

from corpus.pretag.gazetteer import Entry, Gazetteer, cldr_entries, read_curated, shipped_gazetteer
from corpus.text.arabic import tokenize


def found(gazetteer, text):
    return [(x.type, text[x.start:x.end]) for x in gazetteer.tag(text, tokenize(text))]


def test_shipped_names_come_from_cldr_and_the_curated_list():
    names = {e.name: e.type for e in cldr_entries()}
    assert names["سوريا"] == "GPE" and names["دمشق"] == "GPE"  # territory, exemplar city
    assert names["الأمم المتحدة"] == "ORG" and names["أفريقيا"] == "LOC"
    curated, removed = read_curated()
    assert ("حلب", "GPE") in {(e.name, e.type) for e in curated}
    assert "العالم" in removed and "العالم" not in shipped_gazetteer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("عاد الوفد وبدمشق اجتمع", "دمشق"),
        ("سافر للقاهرة أمس", "لقاهرة"),  # ل + ال: the article's lam stays in the name
        ("كتب فلحلب قصة", "حلب"),
    ],
)
def test_glued_proclitics_stay_outside_the_match(text, expected):
    assert found(shipped_gazetteer(), text) == [("GPE", expected)]


@pytest.mark.parametrize("variant", ["اللاذقيه", "اللاذقيّة", "اللـاذقية"])
def test_teh_marbuta_diacritics_and_tatweel_do_not_prevent_a_match(variant):
    text = f"وصلت إلى {variant} صباحا"
    assert found(shipped_gazetteer(), text) == [("GPE", variant)]


def test_alef_and_alef_maksura_variants_match_project_names():
    gazetteer = Gazetteer([("إبراهيم موسى", "PER")], shipped=False)
    assert found(gazetteer, "قال ابراهيم موسي إن") == [("PER", "ابراهيم موسي")]
    assert found(gazetteer, "قال أبراهيم موسى") == [("PER", "أبراهيم موسى")]


def test_longest_match_wins_and_project_names_override_shipped_types():
    gazetteer = Gazetteer([Entry("جامعة حلب", "ORG"), ("القاهرة", "FAC")])
    text = "درس في جامعة حلب ثم في القاهرة"
    assert found(gazetteer, text) == [("ORG", "جامعة حلب"), ("FAC", "القاهرة")]


def test_a_word_that_only_starts_like_a_name_is_not_matched():
    gazetteer = Gazetteer([("داود", "PER")], shipped=False)
    assert found(gazetteer, "كان داودي هناك") == []
    assert found(gazetteer, "وداود هناك") == [("PER", "داود")]


def test_curated_file_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("# comment\nGPE\tحلب\nبلا نوع\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.tsv, line 3: expected TYPE<TAB>name"):
        read_curated(bad)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ترك الوزير منصبه أمس", []),  # the verb "left"
        ("وتركت الحرب آثارها", []),
        ("سافر الوفد إلى ترك", [("GPE", "ترك")]),  # only-after «إلى»
        ("وعاد إلى مسقط رأسه", []),  # "his birthplace"
        ("ولدت في مسقط رأسها", []),
        ("وصل الوفد إلى مسقط أمس", [("GPE", "مسقط")]),
        ("قدمت الحكومة دعم مالي للمزارعين", []),  # "financial"
        ("وصل الجنود وفي مالي اشتباكات", [("GPE", "مالي")]),  # «وفي»: the و is looked through
        ("نشرت صحيفة ديلي تلغراف الخبر", []),
    ],
)
def test_names_that_are_common_words_need_a_place_context(text, expected):
    assert found(Gazetteer(), text) == expected


def test_the_guard_applies_to_project_names_too_and_can_be_turned_off():
    text = "عاد إلى مسقط رأسه"
    assert found(Gazetteer([("مسقط", "GPE")]), text) == []
    assert found(Gazetteer([("مسقط", "GPE")], guard={}), text) == [("GPE", "مسقط")]


def test_guard_file_errors_name_the_file_and_line(tmp_path):
    from corpus.pretag.ambiguous import read_guard

    path = tmp_path / "guard.tsv"
    path.write_text("# ok\nترك\tonly-after\tفي\nمسقط\tsometimes\tرأس\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"guard\.tsv, line 3: expected name<TAB>only-after\|not-before"):
        read_guard(path)


def test_a_not_after_rule_drops_a_match_after_one_of_its_words(tmp_path):
    from corpus.pretag.ambiguous import read_guard

    path = tmp_path / "guard.tsv"
    path.write_text("دلتا\tnot-after\tشبه\n", encoding="utf-8")
    gazetteer = Gazetteer([("دلتا", "LOC")], shipped=False, guard=read_guard(path))
    assert found(gazetteer, "وصلنا إلى دلتا النهر") == [("LOC", "دلتا")]
    assert found(gazetteer, "وصلنا إلى شبه دلتا") == []
