"""Short forms of the names a document gives in full (corpus.pretag.name_parts): a person's
family name at its bare, clitic-bearing mentions, an organisation's own name after its head,
and the guards that keep common words out. Texts made up for these tests."""
from __future__ import annotations

from corpus.pretag import DEFAULT_PRIORITY, CueTagger, EntityProposal, NameParts, pretag_document
from corpus.pretag.name_parts import NAME, Source
from corpus.text.arabic import tokenize


def proposal(text, name, kind="PER", tagger="cues", occurrence=0, audience=None):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    return EntityProposal(kind, start, start + len(name), 0.6, tagger, audience=audience)


def found(text, proposals=(), marked=(), **options):
    out = NameParts(**options).tag_document(text, tokenize(text), list(proposals), list(marked))
    assert all(p.tagger == NAME for p in out)
    return [(text[p.start:p.end], p.type) for p in out]


def test_the_family_name_is_offered_at_its_bare_and_clitic_bearing_mentions():
    text = "قال الرئيس سامي داود إن الحكومة ستجتمع. وقال داود للصحفيين إن لداود خطة، فداود يريد حلا."
    assert found(text, [proposal(text, "سامي داود")]) == [("داود", "PER")] * 3
    # The offsets leave the proclitic out.
    starts = [p.start for p in NameParts().tag_document(text, tokenize(text), [proposal(text, "سامي داود")])]
    assert [text[s - 1] for s in starts] == [" ", "ل", "ف"]


def test_the_cue_tagger_and_name_parts_together_in_one_run():
    text = "وأكد وزير المالية نادر منصور أن العجز تراجع، وأضاف منصور أن الديون مستقرة."
    result = pretag_document(text, [NameParts(), CueTagger()], priority=DEFAULT_PRIORITY)
    assert [(text[s.start:s.end], s.tagger) for s in result.suggestions] == [
        ("نادر منصور", "cues"), ("منصور", NAME)]


def test_joined_and_compound_family_names_stay_whole_and_ordinals_give_nothing():
    text = "استقبل الأمير خالد بن سلمان الوفد، وقال بن سلمان إن اللقاء مثمر."
    assert found(text, [proposal(text, "خالد بن سلمان")]) == [("بن سلمان", "PER")]
    text = "التقى الوزير حسن نصر الله بالسفير، وقال نصر الله إن الله كريم."
    assert found(text, [proposal(text, "حسن نصر الله", tagger="crf"), proposal(text, "حسن نصر الله")]) == [
        ("نصر الله", "PER")]
    text = "استقبل الملك عبد الله الثاني الوفد في القصر الثاني."
    assert found(text, [proposal(text, "عبد الله الثاني")]) == []


def test_common_words_are_not_offered_as_names():
    # A family name the text also writes with the article is a common noun there.
    text = "قال الطبيب كريم حداد إن الحداد أعلن ثلاثة أيام، وأضاف حداد أن الوضع مستقر."
    assert found(text, [proposal(text, "كريم حداد")]) == []
    # A STOP word or a known place is never a name alone.
    assert NameParts().short_forms("خالد عمان", "PER") == []
    assert NameParts().short_forms("خالد بعد", "PER") == []
    assert NameParts().short_forms("خالد ع", "PER") == []


def test_a_definite_family_name_needs_a_name_two_taggers_agree_on_or_a_mark():
    text = "قال المدرب سامر الكرة إن الفريق جاهز. وقال الكرة للصحفيين إنه متفائل."
    cue = proposal(text, "سامر الكرة")
    assert found(text, [cue]) == []  # one tagger's guess
    assert found(text, [cue, proposal(text, "سامر الكرة", tagger="crf")]) == [("الكرة", "PER")]
    assert found(text, marked=[Source("سامر الكرة", "PER")]) == [("الكرة", "PER")]
    # ... and is a common noun where the text also has the word without the article.
    text = "قال المدرب سامر الكرة إن كرة القدم تتطور، وإن الكرة في ملعب الاتحاد."
    assert found(text, marked=[Source("سامر الكرة", "PER")]) == []


def test_a_phrase_misread_as_a_name_gives_no_short_form():
    text = "قال المدير العام لكرة القدم إن الكرة العربية تتطور، وإن القدم أصيبت."
    assert found(text, [proposal(text, "لكرة القدم"), proposal(text, "لكرة القدم", tagger="crf")]) == []


def test_no_short_form_where_a_tagger_sees_another_type_or_a_surer_one_proposes():
    text = "التقى المبعوث سامي دارفور بالوزير. وفي دارفور قتل عشرة. وقال دارفور إن الحل قريب."
    source = proposal(text, "سامي دارفور")
    place = proposal(text, "دارفور", kind="GPE", tagger="crf", occurrence=1)
    assert found(text, [source]) == [("دارفور", "PER")] * 2
    assert found(text, [source, place]) == []  # a place of this text: ambiguous
    text = "قال الرئيس سامي داود إن داود سيزور المدينة."
    assert found(text, [proposal(text, "سامي داود"), proposal(text, "داود", tagger="gazetteer", occurrence=1)]) == []


def test_first_names_only_when_asked_and_not_shared():
    text = "قال الوزير وليد النجار إن اللقاء مثمر، وأكد وليد أن الحوار مستمر."
    names = [proposal(text, "وليد النجار"), proposal(text, "وليد النجار", tagger="crf")]
    assert found(text, names) == []
    assert found(text, names, first_names=True) == [("وليد", "PER")]
    text = "قال الوزير وليد النجار والنائب وليد حسون إن وليد سيرأس الوفد."
    names = [proposal(text, "وليد النجار"), proposal(text, "وليد حسون")]
    assert found(text, names, first_names=True) == []


def test_an_organisation_is_offered_by_its_own_name_after_the_head():
    text = "أعلنت حركة حماس أن وفدها وصل، وقالت حماس إن المحادثات جادة. ونقلت وكالة رويترز عن رويترز."
    orgs = [proposal(text, "حركة حماس", "ORG"), proposal(text, "وكالة رويترز", "ORG")]
    assert found(text, orgs) == [("حماس", "ORG"), ("رويترز", "ORG")]
    # A rest with the article, or short enough to be a verb, is no name alone.
    text = "قال حزب الله إن الله كريم. وكتبت صحيفة الوطن عن الوطن. وأعلنت حركة فتح أنها فتح باب الحوار."
    orgs = [proposal(text, n, "ORG") for n in ("حزب الله", "صحيفة الوطن", "حركة فتح")]
    assert found(text, orgs) == []


def test_an_annotators_own_names_give_short_forms_for_that_annotator_alone():
    text = "قال الرئيس سامي داود إن الحكومة ستجتمع. وقال داود للصحفيين إن الوضع مستقر."
    out = NameParts().tag_document(text, tokenize(text), [proposal(text, "سامي داود", tagger="string_match",
                                                                    audience=7)])
    assert [(text[p.start:p.end], p.audience) for p in out] == [("داود", 7)]
