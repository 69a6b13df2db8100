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
