"""The cue tagger: persons after titles, organisations after their heads, no model."""
from __future__ import annotations

import pytest

from corpus.pretag.cues import CueTagger, read_cues
from corpus.text.arabic import tokenize


def found(text, tagger=None):
    tagger = tagger or CueTagger()
    return [(x.type, text[x.start:x.end]) for x in tagger.tag(text, tokenize(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال الرئيس الفلسطيني سمير داود إن الوفد وصل.", [("PER", "سمير داود")]),
        ("والتقى وزير الخارجية الأردني نادر منصور أمس نظيره.", [("PER", "نادر منصور")]),
        ("وقال رئيس جهاز المخابرات العامة كريم حداد للصحفيين.",
         [("ORG", "المخابرات العامة"), ("PER", "كريم حداد")]),
        ("وقال وزير خارجية مصر رامي العلي إن بلاده مستعدة.", [("PER", "رامي العلي")]),  # a place qualifies the office
        ("وصرح اللواء جميل يوسف بأن الطريق مفتوح.", [("PER", "جميل يوسف")]),
        ("واستقبل الشيخ فادي بن سليمان آل عيسى الوفد.", [("PER", "فادي بن سليمان آل عيسى")]),
        ("والتقى السفير عبد الكريم الخطيب وفدا.", [("PER", "عبد الكريم الخطيب")]),
        ("وأكد العميد وليد حداد قتل في الهجوم.", [("PER", "وليد حداد")]),  # a third word must look like a name
        ("وقال المتحدث باسم وزارة الصحة سلمى النجار إن المستشفى ممتلئ.",
         [("ORG", "وزارة الصحة"), ("PER", "سلمى النجار")]),
    ],
)
def test_a_title_is_followed_by_the_name_it_introduces(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "وأكد الرئيس إن الاتفاق قريب.",  # a title and no name
        "وقال الرئيس الأمريكي للصحفيين إن الاتفاق قريب.",
        "وأعلنت الوزارة أن شركة كبيرة تقدمت بعرض.",  # bare heads are no names
        "وكان الجيش يقصف المدينة.",
        "وصل الوزير، ثم غادر.",
        "وتقدم للشعب كزعيم قادر على الحسم.",  # «كزعيم»: "as a leader"
        "بين الرئيس و نائبه خلاف",  # a proclitic written apart is no name
    ],
)
def test_titles_and_heads_without_a_name_propose_nothing(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("أعلنت وزارة الدفاع المصرية أن التدريبات انتهت.", [("ORG", "وزارة الدفاع المصرية")]),
        ("وقصف الجيش الإسرائيلي مواقع لهيئة تحرير الشام قرب إدلب.",
         [("ORG", "الجيش الإسرائيلي"), ("ORG", "هيئة تحرير الشام")]),
        ("ونقلت وكالة أنباء فارس عن مصادر.", [("ORG", "وكالة أنباء فارس")]),
        ("وأعلنت قوات سوريا الديمقراطية سيطرتها.", [("ORG", "قوات سوريا الديمقراطية")]),
        ("وقالت صحيفة نيويورك تايمز في تقرير.", [("ORG", "صحيفة نيويورك تايمز")]),
    ],
)
def test_an_organisation_is_its_head_and_the_name_that_follows(text, expected):
    assert found(text) == expected


def test_glued_proclitics_stay_outside_the_span_and_do_not_hide_the_cue():
    assert found("والرئيس سمير داود وصل") == [("PER", "سمير داود")]
    assert found("وجه رسالة لوزارة الخارجية أمس") == [("ORG", "وزارة الخارجية")]
    assert found("وبوزارة الصحة اجتماع") == [("ORG", "وزارة الصحة")]
    assert found("وللرئيس سمير داود رأي") == [("PER", "سمير داود")]


def test_every_suggestion_carries_the_tagger_name_and_its_score():
    text = "قال الرئيس سمير داود إن وزارة الصحة مستعدة"
    suggestions = CueTagger().tag(text, tokenize(text))
    assert {(s.tagger, s.type, s.score) for s in suggestions} == {("cues", "PER", 0.6), ("cues", "ORG", 0.55)}


def test_marks_give_the_crf_the_cues_and_the_rule_spans():
    text = "قال الرئيس سمير داود إن وزارة الصحة مستعدة"
    assert CueTagger().marks(tokenize(text)) == ["-", "PER", "B-PER", "I-PER", "-", "B-ORG", "I-ORG", "-"]


def test_the_cue_lists_are_data_and_a_bad_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "cues.tsv"
    path.write_text("# cues\nPER\tالمفتي\nSTOP\tقال\n", encoding="utf-8")
    assert found("وقال المفتي سمير داود قال", CueTagger(read_cues(path))) == [("PER", "سمير داود")]
    path.write_text("PER\tالمفتي\nTITLE\tالقاضي\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cues\.tsv, line 2: expected PER\|ORG\|STOP<TAB>phrase"):
        read_cues(path)


def test_the_cue_tagger_is_registered_and_ranked_above_the_crf():
    from corpus.pretag import DEFAULT_PRIORITY, TAGGERS

    assert TAGGERS["cues"] is CueTagger
    assert DEFAULT_PRIORITY.index("cues") < DEFAULT_PRIORITY.index("crf")


def test_on_the_written_test_articles_most_persons_and_organisations_are_found_and_few_are_wrong():
    """The README's figures (exact match): missed are names mentioned without a title
    («وقال داود») and «مجموعة …», left out of the heads because «مجموعة اجتماعات» is no name."""
    from corpus.pretag.crf import evaluate
    from tests.corpus.news_articles import gold_articles

    articles = gold_articles()
    tagger = CueTagger()
    predicted = [[(s.start, s.end, s.type) for s in tagger.tag(text, tokenize(text))] for text, _ in articles]
    scores = evaluate([spans for _, spans in articles], predicted)
    assert scores.per_type["PER"][:2] == (1.0, 0.875)  # P, R
    assert scores.per_type["ORG"][0] == 1.0 and scores.per_type["ORG"][1] >= 0.94


def test_a_known_organisation_after_a_title_qualifies_it_and_is_no_name():
    from corpus.pretag.gazetteer import Gazetteer

    tagger = CueTagger(gazetteer=Gazetteer([("حلف شمال الأطلسي", "ORG")], shipped=False))
    assert found("وقال أمين عام حلف شمال الأطلسي نادر العلي إن", tagger) == [("PER", "نادر العلي")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # A third word the text also writes alone is part of the name ...
        ("وقال الرئيس التركي رجب طيب أردوغان إن الحوار ممكن، وأضاف أردوغان أن الوفد جاهز.",
         [("PER", "رجب طيب أردوغان")]),
        # ... one it does not, or a plural with the article, is not.
        ("وأكد العميد وليد حداد قتل في الهجوم، وقال حداد إن الهجوم فشل.", [("PER", "وليد حداد")]),
        ("ورفض وزير الداخلية سليمان صويلو الاتهامات ووصفها بالكاذبة.", [("PER", "سليمان صويلو")]),
        ("وناشد وزير الصحة قاسم بحيبح المانحين تقديم الدعم.", [("PER", "قاسم بحيبح")]),
        ("وقال الشيخ صلاح نور الدين إن الوفد وصل.", [("PER", "صلاح نور الدين")]),  # «الدين» ends names
        # A later word glued to ل ("for …") ends an organisation's name.
        ("ووقعت شركة توتال لتطوير الحقول عقدا جديدا.", [("ORG", "شركة توتال")]),
        # A name written with hamza on its alef starts with no article.
        ("والتقى وزير الخارجية الروسي ألكسندر بيلوف نظيره في موسكو.", [("PER", "ألكسندر بيلوف")]),
        # A glued ب or ل does not hide a STOP word: «بأن» ends the name.
        ("وذكرت وكالة سانا بأن الجانبين وقعا اتفاقا.", [("ORG", "وكالة سانا")]),
    ],
)
def test_where_a_name_after_a_title_ends(text, expected):
    assert found(text) == expected


def test_ali_is_a_name_where_the_text_writes_ala_apart():
    # «على» with alef maqsura in the same text: «علي» is the name, not the preposition.
    text = "وزار مدير مكتب الأمن الوطني علي مملوك أنقرة، وحصل على وعود."
    assert ("PER", "علي مملوك") in found(text)
    # A text that spells the preposition «علي» gives no name there.
    assert ("PER", "علي مملوك") not in found("وزار مدير مكتب الأمن الوطني علي مملوك أنقرة، وحصل علي وعود.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال الرئيس الأسد إن الحوار ممكن. وأكد الرئيس الأسد أن الجيش مستعد.",
         [("PER", "الأسد"), ("PER", "الأسد")]),
        # An adjective of a known place, a generic one, an ordinal, an office's portfolio:
        ("وقال الرئيس التركي إن الحوار ممكن. وأكد الرئيس التركي أن الجيش مستعد.", []),
        ("وقال الرئيس الجديد إن الحوار ممكن. وأكد الرئيس الجديد أن الجيش مستعد.", []),
        ("وقال وزير الدفاع إن الحوار ممكن. وأكد وزير الدفاع أن الجيش مستعد.", []),
        # A family name alone that the text does not repeat is not taken.
        ("وقال الرئيس الغامض إن الحوار ممكن.", []),
    ],
)
def test_a_family_name_with_the_article_alone_after_a_personal_title(text, expected):
    assert found(text) == expected
