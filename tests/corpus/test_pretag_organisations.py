"""Well-known organisations without a head word, and Latin acronyms (corpus.pretag.organisations).
The sentences are made up for these tests."""
from __future__ import annotations

import pytest

from corpus.pretag.organisations import OrganisationTagger
from corpus.text.arabic import tokenize


def found(text):
    return [(x.type, text[x.start:x.end], x.tagger) for x in OrganisationTagger().tag(text, tokenize(text))]


def names(text):
    return [name for _kind, name, _tagger in found(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وأعلنت حماس رفضها للمقترح.", ["حماس"]),
        ("وقال مسؤول في الكونغرس إن المجلس مستعد.", ["الكونغرس"]),
        ("ووزعت الأونروا مساعدات على اللاجئين.", ["الأونروا"]),
        ("وسيطرت طالبان على المعبر.", ["طالبان"]),
        ("وفاز ريال مدريد على ضيفه بهدفين.", ["ريال مدريد"]),
        ("القاهرة (رويترز) - ارتفعت الأسعار.", ["رويترز"]),
        ("باريس (الفرنسية) - أعلنت الحكومة خطة جديدة.", ["الفرنسية"]),  # the agency in a dateline
        ("وبثت قناة الجزيرة الخطاب كاملا.", ["قناة الجزيرة"]),
        ("ولرويترز قال المتحدث إن الأمر محسوم.", ["رويترز"]),  # a glued proclitic stays out
        ("وأعلنت بوينغ عن طلبية جديدة.", ["بوينغ"]),
    ],
)
def test_a_listed_organisation_is_found_without_a_head(text, expected):
    assert names(text) == expected
    assert {(kind, tagger) for kind, _name, tagger in found(text)} == {("ORG", "organisations")}


def test_capital_latin_acronyms_are_organisations_unless_they_abbreviate_something_else():
    assert names("وأعلنت منظمة الصحة العالمية (WHO) حالة الطوارئ.") == ["WHO"]
    assert names("وقالت شركة IBM إن أرباحها زادت.") == ["IBM"]
    assert names("ونما الناتج المحلي GDP بنسبة اثنين في المئة.") == []
    assert names("وأظهر تحليل DNA أن الجثة له، وعرض على TV.") == []
    assert names("وكتب Dell في مدونته.") == []  # not all capitals


@pytest.mark.parametrize(
    "text",
    [
        "وقال مسؤول فرنسي إن الحكومة الفرنسية تدرس الأمر.",  # "French", not the agency
        "وتقع شبه الجزيرة الكورية بين بحرين.",  # the peninsula
        "وهبطت طائرة من طراز بوينغ في المطار.",  # the aircraft
        "وأغلق الريال السعودي على ارتفاع.",  # the currency
    ],
)
def test_listed_names_that_are_common_words_need_their_context(text):
    assert found(text) == []
