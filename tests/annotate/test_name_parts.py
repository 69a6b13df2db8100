"""Short forms of names in a pre-tagging run and in the editor (corpus.pretag.name_parts):
the family name of a person the document names in full is offered at its bare mentions,
by the run to everyone and right after a mark to the annotator who marked it."""
from __future__ import annotations

from annotate import pretagging, services
from annotate.models import Suggestion
from annotate.pretagging import PretagSettings, save_settings
from tests.annotate.test_string_match import add, mark

# Made up for these tests.
TEXT = "قال الرئيس اللبناني سامي داود إن الحكومة ستجتمع. وأضاف داود للصحفيين أن لداود خطة."
PLAIN = "التقى سامي داود وفدا من التجار. وقال داود إن الأسعار سترتفع."


def offered(document, **filters):
    rows = Suggestion.objects.filter(document=document, tagger="name_parts", **filters).order_by("start")
    return [(document.text[r.start:r.end], r.entity_type.key, r.user_id) for r in rows]


def test_a_run_offers_the_family_name_of_a_person_the_cue_rules_found(project):
    [document] = add(project, [TEXT])
    report = pretagging.pretag_documents(project, taggers=["cues", "name_parts"])
    assert report.errors == []
    assert offered(document) == [("داود", "PER", None), ("داود", "PER", None)]
    # A second run replaces them rather than adding more.
    pretagging.pretag_documents(project, taggers=["cues", "name_parts"])
    assert len(offered(document)) == 2


def test_a_new_project_runs_it_by_default(project):
    assert "name_parts" in PretagSettings.of(project).taggers


def test_marking_a_full_name_offers_its_family_name_to_the_annotator_at_once(project, annotator, other_annotator):
    [document] = add(project, [PLAIN])
    own = services.own_set(document, annotator)
    span = mark(own, annotator, "سامي داود", "PER")
    assert services.offer_other_occurrences(own, span) == 1
    assert offered(document) == [("داود", "PER", annotator.pk)]
    assert services.offer_other_occurrences(own, span) == 0  # not twice
    assert [s.tagger for s in services.pending_suggestions(services.own_set(document, other_annotator))] == []


def test_no_family_name_is_offered_when_the_project_does_not_run_the_tagger(project, annotator):
    [document] = add(project, [PLAIN])
    save_settings(project, PretagSettings(taggers=["string_match"]))
    own = services.own_set(document, annotator)
    services.offer_other_occurrences(own, mark(own, annotator, "سامي داود", "PER"))
    assert offered(document) == []


# Made up for these tests: the cue rules find both full names; «الأسد» (with the article)
# comes only from a name two taggers agree on or one that is marked.
DEFINITE = "قال الرئيس اللبناني عماد الأسد إن الحكومة ستجتمع. وأضاف الأسد للصحفيين أن الوضع هادئ."


def shown(document, user):
    return [(document.text[s.start:s.end], s.entity_type.key, s.tagger)
            for s in services.pending_suggestions(services.own_set(document, user))]


def test_one_annotators_mark_confirms_a_name_for_them_alone(project, annotator, other_annotator):
    """X marks the full name the cue rules found: the two agree for X, so X is offered the
    definite family name; the other annotator, who sees the cue rules alone, is not."""
    [document] = add(project, [DEFINITE])
    mark(services.own_set(document, annotator), annotator, "عماد الأسد", "PER")
    pretagging.pretag_documents(project, taggers=["string_match", "cues", "name_parts"])
    bare = ("الأسد", "PER", "name_parts")
    assert bare in shown(document, annotator)
    assert bare not in shown(document, other_annotator)
    assert offered(document) == [("الأسد", "PER", annotator.pk)]


def test_one_annotators_other_type_does_not_take_a_short_form_from_the_others(project, annotator, other_annotator):
    """X marks the bare «داود» as a place: that is X's own reading, and the other annotator
    is still offered the family name of «سامي داود» where it recurs."""
    [document] = add(project, [TEXT])
    for occurrence in (1, 2):  # both bare mentions, so the string matcher keeps it as X's name
        mark(services.own_set(document, annotator), annotator, "داود", "LOC", occurrence=occurrence)
    pretagging.pretag_documents(project, taggers=["string_match", "cues", "name_parts"])
    assert [s[:2] for s in shown(document, other_annotator) if s[2] == "name_parts"] == [
        ("داود", "PER"), ("داود", "PER")]
    assert offered(document, user=annotator) == []  # nothing extra for X from X's own place


def test_retyping_a_mark_moves_the_short_forms_it_offered(project, annotator):
    [document] = add(project, [PLAIN])
    own = services.own_set(document, annotator)
    span = mark(own, annotator, "سامي داود", "PER")
    services.offer_other_occurrences(own, span)
    assert offered(document) == [("داود", "PER", annotator.pk)]
    own.refresh_from_db()
    services.change_span_type(span, annotator, entity_type="ORG", version=own.version)
    assert offered(document) == [("داود", "ORG", annotator.pk)]
    assert [s[:2] for s in shown(document, annotator)] == [("داود", "ORG")]
