"""Arabic dates: month forms, paired names, weekdays, Hijri, digits, partial values."""
from __future__ import annotations

import pytest

from corpus.pretag.dates import DateTagger, gregorian_months, weekdays
from corpus.pretag._text import fold_text


def dates(text):
    return [(text[x.start:x.end], x.value) for x in DateTagger().tag(text)]


def test_month_names_come_from_cldr_in_both_regional_forms():
    months = gregorian_months()
    assert months[fold_text("كانون الثاني")] == 1 and months[fold_text("يناير")] == 1
    assert months[fold_text("تشرين الأول")] == 10 and months[fold_text("أكتوبر")] == 10
    assert weekdays()[fold_text("الخميس")] == 4


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("وصل الوفد في 3 كانون الثاني 2024 إلى حلب", "3 كانون الثاني 2024", "2024-01-03"),
        ("افتتح المعرض في 7 ديسمبر 2022 بالقاهرة", "7 ديسمبر 2022", "2022-12-07"),
        ("جرى الاقتراع ١٥ حزيران/يونيو ٢٠٢٣ في حماة", "١٥ حزيران/يونيو ٢٠٢٣", "2023-06-15"),
        ("في 9 يونيو (حزيران) 2021 أعلن", "9 يونيو (حزيران) 2021", "2021-06-09"),
        ("بتاريخ 12 من شهر أيلول عام 2020 وقع", "12 من شهر أيلول عام 2020", "2020-09-12"),
        ("صدر القرار في 15/6/2023 صباحا", "15/6/2023", "2023-06-15"),
        ("صدر القرار في ٢٠٢٣-٠٦-١٥ مساء", "٢٠٢٣-٠٦-١٥", "2023-06-15"),
        ("عقدت الجلسة في 4 آب 2019م", "4 آب 2019م", "2019-08-04"),
    ],
)
def test_full_gregorian_dates_get_exact_offsets_and_iso_values(text, span, value):
    assert dates(text) == [(span, value)]


def test_weekday_before_a_date_joins_its_span():
    text = "وصل الوزير يوم الخميس، ١٥ حزيران ٢٠٢٣ إلى دمشق"
    assert dates(text) == [("يوم الخميس، ١٥ حزيران ٢٠٢٣", "2023-06-15")]
    start = text.index("يوم")
    assert DateTagger().tag(text)[0].start == start


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("سيزور حلب في 5 أيار المقبل", "5 أيار", "XXXX-05-05"),
        ("تراجعت الأسعار في تشرين الثاني 2018", "تشرين الثاني 2018", "2018-11"),
        ("منذ آذار الماضي لم يعد", "آذار", "XXXX-03"),
        ("في عام 2022 تغير كل شيء", "عام 2022", "2022"),
        ("اجتمعوا الأحد في حمص", "الأحد", "XXXX-WXX-7"),
        ("وصل يوم الاثنين إلى بيروت", "يوم الاثنين", "XXXX-WXX-1"),
    ],
)
def test_partial_dates_carry_partial_values(text, span, value):
    assert dates(text) == [(span, value)]


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("حل في 10 رمضان 1445هـ موعده", "10 رمضان 1445هـ", "islamic:1445-09-10"),
        ("ولد في 1 ذو الحجة ١٤٤٠ ه", "1 ذو الحجة ١٤٤٠ ه", "islamic:1440-12-01"),
        ("يبدأ في جمادى الأولى 1446", "جمادى الأولى 1446", "islamic:1446-05"),
    ],
)
def test_hijri_dates_are_kept_in_their_own_calendar(text, span, value):
    assert dates(text) == [(span, value)]


@pytest.mark.parametrize(
    "text",
    [
        "مارس الضغط على الوفد",  # the verb, not the month
        "قال رمضان سليم إن",  # a first name
        "وصل 300 شخص",
        "صدر في 31/2/2023",  # no such day
        "النتيجة 3 - 2 لصالحنا",
    ],
)
def test_things_that_only_look_like_dates_are_left_alone(text):
    assert dates(text) == []


def test_every_suggestion_is_typed_date_and_named_for_its_tagger():
    [suggestion] = DateTagger("TIME").tag("في 3 آذار 2021")
    assert (suggestion.type, suggestion.tagger, suggestion.score) == ("TIME", "dates", 0.95)


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("افتتح الجسر الأربعاء ٢٥ / ديسمبر / ٢٠٢٤ أمام السيارات", "الأربعاء ٢٥ / ديسمبر / ٢٠٢٤", "2024-12-25"),
        ("تسلم المنحة يوم الاثنين، 8/تموز/2019 في اللاذقية", "يوم الاثنين، 8/تموز/2019", "2019-07-08"),
        ("أغلق المتحف ٣ / كانون الأول/ديسمبر / ٢٠٢٠ للترميم", "٣ / كانون الأول/ديسمبر / ٢٠٢٠", "2020-12-03"),
        ("وقعت الاتفاقية 14-أكتوبر-2021م في الرباط", "14-أكتوبر-2021م", "2021-10-14"),
        ("بدأ الصيام ١١ / رمضان / ١٤٤٤ هـ هناك", "١١ / رمضان / ١٤٤٤ هـ", "islamic:1444-09-11"),
    ],
)
def test_day_month_name_and_year_between_slashes_are_one_date(text, span, value):
    assert dates(text) == [(span, value)]


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("سلمت التقارير الخميس ٢٦ / ١٢ / ٢٠٢٤ للجنة", "الخميس ٢٦ / ١٢ / ٢٠٢٤", "2024-12-26"),
        ("رفعت الجلسة 25/12/2024 بعد الظهر", "25/12/2024", "2024-12-25"),
        ("رفعت الجلسة ٢٥-١٢-٢٠٢٤ بعد الظهر", "٢٥-١٢-٢٠٢٤", "2024-12-25"),
    ],
)
def test_numeric_day_month_year_with_or_without_spaces(text, span, value):
    assert dates(text) == [(span, value)]


@pytest.mark.parametrize(
    "text",
    [
        "أضف 1/2 كوب من الماء",  # a fraction
        "فاز الفريق 3 / 1 على ضيفه",  # a score
        "حدد الموعد 31/02/2024 خطأ",  # no such day
        "حدد الموعد ٣٠ / فبراير / ٢٠٢٤ خطأ",  # no such day, month by name
        "مرت 7 / آذار / 20 ساعة",  # no four-digit year
    ],
)
def test_slashed_numbers_that_are_not_dates_are_not_full_dates(text):
    assert [value for _, value in dates(text) if value.count("-") == 2 and "X" not in value] == []
