"""The trigger model in context (corpus.pretag.trigger_model): what it learns from a few
annotated documents, and how it judges the lexicon's proposals."""
from __future__ import annotations

import pytest

from corpus.pretag import TriggerTagger
from corpus.pretag.events import EventTypeSpec, RoleSpec
from corpus.pretag.trigger_learning import AnnotatedText
from corpus.pretag.trigger_model import TriggerModelTagger, doubtful_words, form_key, train
from corpus.text.arabic import tokenize

# A project that lists «عقد» ("held") as a meeting word: it is one before «الطرفان جلسة», and
# "a contract" or "a decade" elsewhere.
SPECS = [
    EventTypeSpec("MEET", ("عقد", "قمة"), (RoleSpec("Participant", frozenset({"PER", "ORG"})),)),
    EventTypeSpec("STATEMENT", ("قال", "أكد"), (RoleSpec("Speaker", frozenset({"PER"})),)),
]


def annotated(text: str, *marks: tuple[str, str, int]) -> AnnotatedText:
    """(word, type, occurrence from 0) → the event at that occurrence of the word."""
    events = []
    for word, kind, occurrence in marks:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(word, start + 1)
        events.append((kind, start, start + len(word)))
    return AnnotatedText(text, events)


TEACHING = [
    annotated("في العاصمة عقد الوزيران جلسة مغلقة. ووقعت الشركة عقد التوريد أمس.", ("عقد", "MEET", 0)),
    annotated("عقد الطرفان جلسة ثانية. وقال المتحدث إن العقد ينتهي بعد عقد من الزمن.",
              ("عقد", "MEET", 0), ("قال", "STATEMENT", 0)),
    annotated("وأمس عقد المحافظ جلسة مع التجار. وشارك الرئيس في قمة الجوار. ووصل الفريق إلى قمة الدوري.",
              ("عقد", "MEET", 0), ("قمة", "MEET", 0)),
    annotated("انتقد النواب عقد الإيجار. وحضر الوزير قمة المناخ، ثم صعد إلى قمة الجبل.", ("قمة", "MEET", 0)),
]
NEW = "وفي المساء عقد الرئيس جلسة مع الوفد، وناقشا عقد الغاز."
HELD, CONTRACT = NEW.index("عقد"), NEW.rindex("عقد")


@pytest.fixture(scope="module")
def trained():
    return train(TEACHING, SPECS)


def places(events) -> set[tuple[str, str, int]]:
    return {(e.tagger, e.type, e.trigger_start) for e in events}


def test_it_learns_from_four_documents_which_uses_of_a_word_are_triggers(trained):
    model = TriggerModelTagger(trained.model, SPECS, trained.marked, trained.doubtful)
    proposed = model.tag_events(NEW, tokenize(NEW), [])
    assert places(proposed) == {("trigger_crf", "MEET", HELD)}  # "held", not "the gas contract"
    assert proposed[0].trigger_end == HELD + 3 and 0.5 <= proposed[0].score < 1


def test_its_review_drops_the_lexicon_where_the_word_is_no_trigger_and_keeps_it_where_it_is(trained):
    model = TriggerModelTagger(trained.model, SPECS, trained.marked, trained.doubtful)
    tokens = tokenize(NEW)
    lexicon = TriggerTagger(SPECS).tag_events(NEW, tokens, [])
    assert places(lexicon) == {("triggers", "MEET", HELD), ("triggers", "MEET", CONTRACT)}
    kept = model.review(NEW, tokens, [*lexicon, *model.tag_events(NEW, tokens, [])])
    assert places(kept) == {("triggers", "MEET", HELD), ("trigger_crf", "MEET", HELD)}  # both taggers' provenance
    assert places(TriggerModelTagger(trained.model, SPECS, trained.marked, trained.doubtful, veto=None).review(
        NEW, tokens, lexicon)) == places(lexicon)  # no review asked for


def test_a_word_training_never_showed_unmarked_is_not_judged(trained):
    """«أكد» never occurs in the teaching documents: the model's "no" there is a want of
    evidence, and the lexicon's proposal stands."""
    assert {form_key("عقد"), form_key("قمة")} <= set(trained.doubtful) and form_key("أكد") not in trained.doubtful
    text = "أكد الوزير أن الجلسة مفيدة."
    model = TriggerModelTagger(trained.model, SPECS, trained.marked, trained.doubtful, veto=0.5)
    tokens = tokenize(text)
    assert model.views(text, tokens)[0].no_trigger >= 0.5  # the model alone would drop it
    lexicon = TriggerTagger(SPECS).tag_events(text, tokens, [])
    assert places(model.review(text, tokens, lexicon)) == {("triggers", "STATEMENT", 0)}


def test_doubtful_forms_are_those_left_unmarked_somewhere():
    """The form, not the word: «البحث» left unmarked does not make «بحثا» doubtful; the
    imperfect prefixes are one («لم تلتق» judged like «لم يلتق»)."""
    examples = [annotated("قال الوزير إن قمة الجوار قريبة، وبحثا الأمر، ولم يلتق الوفد فرق البحث.",
                          ("قال", "STATEMENT", 0), ("بحث", "MEET", 0))]
    words = [("قال", "STATEMENT"), ("قمة", "MEET"), ("أكد", "STATEMENT"), ("بحث", "MEET"), ("التقى", "MEET")]
    assert doubtful_words(examples, words) == [form_key("قمة"), form_key("يلتق"), form_key("البحث")]
    assert form_key("تلتق") == form_key("يلتق") and form_key("بحثا") not in doubtful_words(examples, words)


def test_arguments_come_from_the_same_sentence(trained):
    from corpus.pretag.base import EntityProposal

    model = TriggerModelTagger(trained.model, SPECS, trained.marked, trained.doubtful)
    person = EntityProposal("PER", NEW.index("الرئيس"), NEW.index("الرئيس") + 6, 0.9, "cues")
    [event] = model.tag_events(NEW, tokenize(NEW), [person])
    assert [(a.role, a.span) for a in event.arguments] == [("Participant", person)]


def test_training_without_events_is_refused():
    with pytest.raises(ValueError, match="no document holds an event"):
        train([AnnotatedText("وصل الوزير.", [])], SPECS)

