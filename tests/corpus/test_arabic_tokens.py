"""Tokens with code-point offsets, and normalisation: pure functions, no database."""
from __future__ import annotations

from itertools import pairwise

from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.text.arabic import Token, normalise, tokenize, tokens_in
from corpus.text.tokens import FORMAT_CHARS, camel_spans


def texts_of(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def test_every_token_is_the_slice_of_the_text_at_its_offsets():
    text = "التقى سمير داود، في القاهرة، نظيره يوم ١٢ آذار 2021."
    tokens = tokenize(text)
    assert tokens, "a sentence must give tokens"
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert texts_of(text) == [
        "التقى", "سمير", "داود", "،", "في", "القاهرة", "،", "نظيره", "يوم", "١٢", "آذار", "2021", ".",
    ]


def test_eastern_and_western_digits_are_words_and_decimals_stay_whole():
    text = "بلغ ٣٫٥ مليار ونحو 1,000 طن عند 12:30 يوم ١٢/٣/٢٠٢١ أي 1، 2"
    assert texts_of(text) == [
        "بلغ", "٣٫٥", "مليار", "ونحو", "1,000", "طن", "عند", "12:30", "يوم", "١٢/٣/٢٠٢١", "أي", "1", "،", "2",
    ]
    assert all(t.is_word for t in tokenize("١٢ 2021 ٣٫٥"))


def test_a_number_at_the_end_of_a_sentence_keeps_its_full_stop_apart():
    assert texts_of("في عام 2021. ثم") == ["في", "عام", "2021", ".", "ثم"]


def test_tatweel_and_diacritics_stay_inside_their_word():
    text = "كَتَبَ مـــحمّد الرِّسالةَ"
    assert texts_of(text) == ["كَتَبَ", "مـــحمّد", "الرِّسالةَ"]


def test_a_diacritic_left_after_a_symbol_joins_that_symbol_instead_of_standing_alone():
    text = "قال «َ نعم"
    assert texts_of(text) == ["قال", "«َ", "نعم"]
    assert not tokenize(text)[1].is_word


def test_latin_words_inside_arabic_text_are_tokens_of_their_own():
    text = "أعلنت شركة Acme-Corp عن نظام iPhone الجديد"
    assert texts_of(text) == ["أعلنت", "شركة", "Acme", "-", "Corp", "عن", "نظام", "iPhone", "الجديد"]


def test_arabic_punctuation_is_split_off():
    text = "قال: «نعم»؛ هل جاء؟ حلب/دمشق، انتهى."
    assert texts_of(text) == [
        "قال", ":", "«", "نعم", "»", "؛", "هل", "جاء", "؟", "حلب", "/", "دمشق", "،", "انتهى", ".",
    ]
    assert [t.is_word for t in tokenize("« حلب ؟")] == [False, True, False]


def test_emoji_offsets_are_code_points():
    text = "👍🏽 زار 👨\u200d👩\u200d👧 سمير 🇸🇾 حلب"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["👍🏽", "زار", "👨\u200d👩\u200d👧", "سمير", "🇸🇾", "حلب"]
    samir = tokens[3]
    assert (samir.start, samir.end) == (text.index("سمير"), text.index("سمير") + 4)
    # 2 + 1 + 3 + 1 + 5 + 1 code points before it (UTF-16 would count 4 + 1 + 3 + 1 + 8 + 1 = 18)
    assert samir.start == 13
    assert not tokens[0].is_word and not tokens[4].is_word


def test_bidi_marks_and_joiners_are_trimmed_from_token_edges_but_kept_inside():
    text = "\u200fقال\u200e وزير\u200cالخارجية \u200dسمير\u200d"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["قال", "وزير\u200cالخارجية", "سمير"]
    assert tokens[0].start == 1 and tokens[2].start == text.index("سمير")


def test_invisible_marks_alone_make_no_token():
    assert tokenize("حلب \u200f\u200e دمشق") == [Token(0, 3, "حلب"), Token(7, 11, "دمشق")]


def test_newlines_separate_tokens_like_spaces():
    text = "حلب\nدمشق\r\n\nبغداد"
    assert [(t.start, t.text) for t in tokenize(text)] == [(0, "حلب"), (4, "دمشق"), (11, "بغداد")]


def test_tokens_in_returns_every_token_overlapping_the_range():
    text = "زار سمير، حلب."
    assert [t.text for t in tokens_in(text, 5, 11)] == ["سمير", "،", "حلب"]


def test_tokenize_returns_a_fresh_list_each_time_so_callers_cannot_spoil_the_cache():
    text = "زار سمير حلب"
    tokenize(text).clear()
    assert len(tokenize(text)) == 3


def test_normalise_removes_diacritics_tatweel_and_unifies_letter_variants():
    assert normalise("أَحْمَد") == normalise("احمد") == "احمد"
    assert normalise("إسـلام") == "اسلام"
    assert normalise("آمنة") == "امنه"
    assert normalise("مصطفى") == "مصطفي"
    assert normalise("وزير\u200cالخارجية") == "وزيرالخارجيه"
    assert normalise("Acme ١٢") == "Acme ١٢"


# Property tests -------------------------------------------------------------------------

ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"  # letters
    "ءأإآىة"
    "\u064b\u064e\u064f\u0650\u0651\u0652\u0670\u0640"  # harakat, superscript alef, tatweel
    "0123456789٠١٢٣٤٥٦٧٨٩"
    "abcXYZ"
    "،؛؟«»/:.,!-()\"'#*©"
    "😀👍🏽🇸🇾\U000e0067\U000e007f"  # emoji, skin tone, regional indicators, tags
    "\u200d\u200c\u200e\u200f\u061c\ufe0f\u20e3"
    " \n\t"
)
texts = st.text(alphabet=ALPHABET, max_size=60)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_fast_path_splits_exactly_like_camel_tools(text):
    assert [text[a:b] for a, b in camel_spans(text)] == simple_word_tokenize(text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_tokens_are_ordered_disjoint_slices_covering_every_visible_character(text):
    tokens = tokenize(text)
    covered = set()
    for before, after in pairwise(tokens):
        assert before.end <= after.start
    for token in tokens:
        assert token.text == text[token.start : token.end] and token.text
        assert not any(ch.isspace() for ch in token.text)
        assert token.text[0] not in FORMAT_CHARS and token.text[-1] not in FORMAT_CHARS
        covered.update(range(token.start, token.end))
    visible = {i for i, ch in enumerate(text) if not ch.isspace() and ch not in FORMAT_CHARS}
    assert visible <= covered
