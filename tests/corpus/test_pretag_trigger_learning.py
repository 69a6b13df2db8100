"""Trigger words learned from annotated events: a word marked (at least twice) in most of its places is
proposed with its precision as score, clitic-bearing and article forms included; a word
marked in few of its places is not; learned words come before the schema's lexicon."""
from __future__ import annotations

from corpus.pretag import TriggerTagger
from corpus.pretag.events import EventTypeSpec, RoleSpec
from corpus.pretag.trigger_learning import AnnotatedText, learn_triggers
from corpus.text.arabic import tokenize


def marked(text: str, *triggers: tuple[str, str, int]) -> AnnotatedText:
    """`triggers`: (word, event type, occurrence of the word in the text, from 0)."""
    events = []
    for word, kind, occurrence in triggers:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(word, start + 1)
        events.append((kind, start, start + len(word)))
    return AnnotatedText(text, events)


# Made up for these tests.
EXAMPLES = [
    marked("بحث الوزيران في عمان خطة المعابر.", ("بحث", "MEET", 0)),
    marked("وبحث الرئيس مع ضيفه ملف المياه ثم عقد مؤتمرا.", ("بحث", "MEET", 0)),
    marked("وقد عقد الطرفان جولة جديدة من المفاوضات.", ("عقد", "MEET", 0)),
    marked("عقد المجلس جلسته، وعقد الوزير مؤتمرا صحفيا، ثم بحث الملف.", ("بحث", "MEET", 0)),
]


def test_a_word_marked_in_most_of_its_places_is_learned_with_its_precision():
    learned = {(t.word, t.type): t for t in learn_triggers(EXAMPLES)}
    meet = learned[("بحث", "MEET")]
    assert meet.score == 0.95 and meet.marked == 3  # 3 of 3 places, «وبحث» counted as the word
    assert ("عقد", "MEET") not in learned  # marked in 1 of its 4 places


def test_one_mark_is_not_enough_evidence():
    once = marked("اجتمع الوفدان في عمان.", ("اجتمع", "MEET", 0))
    assert learn_triggers([once]) == []
    assert [t.word for t in learn_triggers([once, marked("ثم اجتمع المجلس.", ("اجتمع", "MEET", 0))])] == ["اجتمع"]


def test_nothing_is_learned_without_events():
    assert learn_triggers([AnnotatedText("نص بلا أحداث.", [])]) == []


def spec(key: str, triggers=()) -> EventTypeSpec:
    return EventTypeSpec(key, tuple(triggers), (RoleSpec("Participant", frozenset({"PER"})),))


def test_the_tagger_proposes_learned_words_with_their_score_and_arguments():
    from corpus.pretag import EntityProposal

    text = "وبحث سمير داود مع نادر منصور الأزمة."
    people = [EntityProposal("PER", text.index(n), text.index(n) + len(n), 0.8, "test")
              for n in ("سمير داود", "نادر منصور")]
    tagger = TriggerTagger([spec("MEET", ["اجتماع"])], learned=[("بحث", "MEET", 0.9)])
    [event] = tagger.tag_events(text, tokenize(text), people)
    assert (event.type, text[event.trigger_start:event.trigger_end], event.score) == ("MEET", "بحث", 0.9)
    assert sorted(a.role for a in event.arguments) == ["Participant", "Participant"]


def test_a_learned_type_outside_the_schema_is_ignored_and_the_lexicon_still_works():
    text = "جرى اجتماع ثم بحث."
    tagger = TriggerTagger([spec("MEET", ["اجتماع"])], learned=[("بحث", "GONE", 0.9)])
    assert [(e.type, text[e.trigger_start:e.trigger_end]) for e in tagger.tag_events(text, tokenize(text), [])] == [
        ("MEET", "اجتماع")]
