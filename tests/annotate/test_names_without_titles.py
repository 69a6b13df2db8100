"""A pre-tagging run offers persons that start at a known given name and well-known
organisations without a head, each under its own tagger name (corpus.pretag.given_names,
corpus.pretag.organisations). The text is made up for these tests."""
from __future__ import annotations

from annotate import pretagging
from annotate.models import Suggestion
from annotate.pretagging import PretagSettings
from tests.annotate.test_string_match import add

TEXT = "وقال خليفة حفتر إن قواته تتقدم، ونقلت رويترز عن حماس أنها ترفض. ثم قال حفتر إنه لن يتراجع."


def stored(document):
    rows = Suggestion.objects.filter(document=document).order_by("start")
    return [(document.text[r.start:r.end], r.entity_type.key, r.tagger) for r in rows]


def test_a_run_offers_given_name_persons_and_listed_organisations(project):
    [document] = add(project, [TEXT])
    report = pretagging.pretag_documents(project, taggers=["organisations", "given_names", "name_parts"])
    assert report.errors == []
    assert stored(document) == [
        ("خليفة حفتر", "PER", "given_names"),
        ("رويترز", "ORG", "organisations"),
        ("حماس", "ORG", "organisations"),
        ("حفتر", "PER", "name_parts"),  # the family name of the person the rule found
    ]


def test_a_new_project_runs_them_by_default(project):
    taggers = PretagSettings.of(project).taggers
    assert "given_names" in taggers and "organisations" in taggers
