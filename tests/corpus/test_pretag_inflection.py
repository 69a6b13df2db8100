"""Inflected forms of verb triggers (corpus.pretag.inflection, through TriggerFinder and the
trigger tagger): «بحث» finds «يبحث», «بحثوا», «سيبحث»; nouns of the same root, a verb whose
letters are a trigger's but whose lemma is not, and noun triggers get nothing. Texts made up."""
from __future__ import annotations

from corpus.pretag import TriggerTagger
from corpus.pretag.events import EventTypeSpec, TriggerFinder
from corpus.pretag.inflection import Inflections
from corpus.pretag.trigger_learning import learn_triggers
from corpus.text.arabic import tokenize
from tests.corpus.test_pretag_trigger_learning import marked


def found(words, text):
    finder = TriggerFinder((w, w) for w in words)
    return [(text[m.start:m.end], m.payload) for m in finder.find(tokenize(text))]


def test_a_verb_trigger_finds_its_inflected_and_clitic_bearing_forms():
    text = "يبحث الوزير الملف، وبحثوا أمس الخطة، وسيبحث الوفد غدا، وبحثت اللجنة المقترح."
    assert found(["بحث"], text) == [("يبحث", "بحث"), ("بحثوا", "بحث"), ("سيبحث", "بحث"), ("بحثت", "بحث")]
    text = "وقالت الوزارة إن الوزير يقول ما يريد، ونفت الحكومة، ويؤكد الخبراء ذلك، والتقت الوفود."
    assert found(["قال", "نفى", "أكد", "التقى"], text) == [
        ("قالت", "قال"), ("يقول", "قال"), ("نفت", "نفى"), ("يؤكد", "أكد"), ("التقت", "التقى")]


def test_nouns_of_the_same_root_and_look_alike_verbs_are_not_forms():
    # «بحوث», «الباحث», «مباحث»: nouns; «يكاد» ("almost") holds the letters of «أكد»;
    # «يقع» ("lies") those of «وقع» ("signed"); «ينفد» those of «نفى».
    text = "بحوث الباحث مهمة لمباحث المدينة، ويكاد المبنى الذي يقع قرب النهر ينفد ماؤه."
    assert found(["بحث", "أكد", "وقع", "نفى"], text) == []


def test_a_verb_beginning_with_waw_keeps_it_and_a_glued_conjunction_is_left_out():
    text = "وقعت الحكومة الاتفاق، ووقعت المعارضة عليه أيضا."
    assert found(["وقع"], text) == [("وقعت", "وقع"), ("وقعت", "وقع")]


def test_a_noun_trigger_gets_no_inflected_forms():
    assert found(["اجتماع"], "عقدت اجتماعات عدة، واجتمعوا أمس.") == []


def test_the_tagger_proposes_inflected_forms_of_learned_and_listed_triggers():
    spec = EventTypeSpec("MEET", ("اجتمع",))
    tagger = TriggerTagger([spec], learned=[("بحث", "MEET", 0.9)])
    text = "يبحث الوزيران ملف المياه، ثم اجتمعوا بالوفد."
    events = tagger.tag_events(text, tokenize(text), [])
    assert [(text[e.trigger_start:e.trigger_end], e.score) for e in events] == [("يبحث", 0.9), ("اجتمعوا", 0.6)]


def test_learning_counts_the_inflected_places_of_a_word():
    # «بحث» is marked twice, but its forms «يبحث» occur three more times unmarked (a search,
    # not a meeting, in these texts): 2 of 5 places is too few to learn it.
    examples = [
        marked("بحث الوزيران خطة المعابر.", ("بحث", "MEET", 0)),
        marked("وبحث الرئيس مع ضيفه ملف المياه.", ("بحث", "MEET", 0)),
        marked("يبحث الأهالي عن المفقودين، ويبحث الدفاع المدني تحت الأنقاض، ويبحث الجميع عن ماء."),
    ]
    assert [t.word for t in learn_triggers(examples)] == []
    assert [t.word for t in learn_triggers(examples[:2])] == ["بحث"]


def test_answers_are_remembered_per_word_and_forgotten_when_a_trigger_is_added():
    forms = Inflections()
    assert forms.trigger_of("يبحثون") is None
    forms.add("بحث", "MEET")
    assert forms.trigger_of("يبحثون") == ("بحث", "MEET")  # not the answer remembered before the word was added
    assert forms.trigger_of("يبحثون") == ("بحث", "MEET")
