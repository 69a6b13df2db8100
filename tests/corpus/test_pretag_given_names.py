"""Persons named without a title, starting at a known given name (corpus.pretag.given_names).
The sentences are made up for these tests."""
from __future__ import annotations

import pytest

from corpus.pretag.given_names import GivenNameTagger, read_given_names
from corpus.text.arabic import tokenize


def found(text):
    return [(x.type, text[x.start:x.end], x.tagger) for x in GivenNameTagger().tag(text, tokenize(text))]


def names(text):
    return [name for _kind, name, _tagger in found(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("التقى محمد الدبيبة وفدا من رجال الأعمال.", ["محمد الدبيبة"]),
        ("وأكد جورج بوش أن القوات باقية.", ["جورج بوش"]),
        ("ووصلت فاطمة الزهراني إلى المطار صباحا.", ["فاطمة الزهراني"]),
        ("ومحمد الدبيبة لم يعلق.", ["محمد الدبيبة"]),  # the glued و stays out of the span
        ("وكان أسامة بن لادن في الجبال.", ["أسامة بن لادن"]),
        ("وقال حسن نصر الله في خطاب متلفز إن الرد قادم.", ["حسن نصر الله"]),
        ("واستقبل عبد الرحمن الكواكبي ضيوفه.", ["عبد الرحمن الكواكبي"]),
        ("وظهر أبو مازن حسين في الصورة.", ["أبو مازن حسين"]),
        ("وقال أبو مازن إن المفاوضات متوقفة.", ["أبو مازن"]),  # a kunya is a name by itself
        ("وأعلن أبو عبيدة انتهاء العملية.", ["أبو عبيدة"]),
        ("وسجل دييغو مارادونا هدفين.", ["دييغو مارادونا"]),
        ("ونقلت الصحيفة عن محمد علي السعدي أن المهرجان تأجل بناء على طلبه.", ["محمد علي السعدي"]),  # the father's
        ("وحضر يوسف عبد الله الاجتماع.", ["يوسف عبد الله"]),
    ],
)
def test_a_given_name_and_the_name_words_after_it_are_a_person(text, expected):
    assert names(text) == expected
    assert {kind for kind, _name, _tagger in found(text)} == {"PER"}
    assert {tagger for _kind, _name, tagger in found(text)} == {"given_names"}


def test_a_common_word_name_needs_a_verb_of_saying_or_another_given_name():
    # «خليفة» is also "successor", «سعيد» "happy", «أمل» "hope".
    assert names("وقال خليفة حفتر إن قواته تتقدم.") == ["خليفة حفتر"]
    assert names("واختار المجلس خليفة حفتر في المنصب.") == []
    assert names("كان سعيد جدا بالنتيجة.") == []
    assert names("وعبر عن أمل الشعب في السلام.") == []
    assert names("وحضر سعيد محمود الحفل.") == ["سعيد محمود"]  # the next word is a given name


@pytest.mark.parametrize(
    "text",
    [
        "وقال محمد إن الوفد وصل.",  # a given name alone: anyone
        "ووقع الاتفاق علي هامش القمة.",  # «علي» written for «على»
        "وأضاف محمد يرفض العرض.",  # a verb follows the given name
        "نحن الآن أمام مرحلة جديدة.",  # «الآن» is no «آلان»
        "ونحمد الله على السلامة.",  # «حمد» behind a proclitic, then «الله»
        "بحمد الله انتهت المباراة.",
        "وصل الوفد إلى أبو ظبي مساء.",  # «ظبي» is no given name
    ],
)
def test_common_words_are_not_taken_for_names(text):
    assert found(text) == []


def test_a_description_after_the_name_is_left_out():
    assert names("وصرح كوفي عنان الغاني بأن الحل قريب.") == ["كوفي عنان"]  # an adjective of a place
    assert names("وقال محمد فاضل الناطق باسم الفريق إن المدرب باق.") == ["محمد فاضل"]  # a participle
    assert names("وقدم مايكل للاشتباه في أمره.") == []  # a word glued to ل and the article


def test_a_word_the_text_also_writes_with_the_article_is_a_common_noun():
    text = "وصلت الكرة إلى المرمى. وسدد كارلوس كوريا كرة قوية."
    assert names(text) == ["كارلوس كوريا"]


def test_a_third_word_must_be_a_family_name_with_the_article_or_a_given_name():
    assert names("وقال جورج كلوني إن الأمر محسوم.") == ["جورج كلوني"]
    assert names("وسدد جورج كلوني رمية بعيدة.") == ["جورج كلوني"]  # «رمية» is no family name
    assert names("وحضر يوسف عبد الله الاجتماع.") == ["يوسف عبد الله"]  # nor «الاجتماع»


def test_a_known_place_is_not_part_of_a_name():
    assert names("وزار محمد مصر مرتين.") == []


def test_the_list_file_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "names.tsv"
    path.write_text("# ok\nname\tمحمد\nsurname\tالدبيبة\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"names\.tsv, line 3: expected name\|word<TAB>one word"):
        read_given_names(path)
    path.write_text("name\tعبد الله\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 1"):
        read_given_names(path)


def test_the_shipped_list_tells_common_words_apart():
    names_list = read_given_names()
    assert "محمد" in names_list.sure and "جورج" in names_list.sure and "فاطمه" in names_list.sure  # folded
    assert "سعيد" in names_list.common and "امل" in names_list.common and "علي" in names_list.common
    assert not names_list.sure & names_list.common
