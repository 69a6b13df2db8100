"""A pre-tagging run offers persons that start at a known given name and well-known
organisations without a head, each under its own tagger name (corpus.pretag.given_names,
corpus.pretag.organisations). The text is made up for these tests."""
from __future__ import annotations

import random

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


def test_the_given_name_rule_gives_way_to_a_trained_crf(project):
    from tests.corpus.test_pretag_crf import make_document

    rng = random.Random(3)
    [document] = add(project, [TEXT])
    pretagging.pretag_documents(project, taggers=["given_names"])
    assert ("خليفة حفتر", "PER", "given_names") in stored(document)
    pretagging.train_crf(project, extra_examples=[make_document(rng, sentences=4) for _ in range(6)], folds=2,
                         max_iterations=20)
    report = pretagging.pretag_documents(project, taggers=["organisations", "given_names", "crf"])
    assert "given_names" in report.skipped and "CRF" in report.skipped["given_names"]
    assert not [row for row in stored(document) if row[2] == "given_names"]  # what it offered is gone
    assert ("حماس", "ORG", "organisations") in stored(document)  # the list still runs
    report = pretagging.pretag_documents(project, taggers=["given_names"])  # no CRF in this run
    assert "given_names" not in report.skipped and ("خليفة حفتر", "PER", "given_names") in stored(document)


def test_a_crf_trained_before_it_knew_the_given_names_leaves_the_rule_running(project):
    # a model stored before the given-name feature (its metrics record no feature version)
    # has never seen that feature: standing the rule down beside it would lose the persons
    from annotate.models import TaggerModel
    from tests.corpus.test_pretag_crf import make_document

    [document] = add(project, [TEXT])
    model = pretagging.train_crf(project, extra_examples=[make_document(random.Random(4), sentences=4)
                                                          for _ in range(6)], folds=2, max_iterations=20)
    assert model.metrics["feature_version"] >= 2
    metrics = {key: value for key, value in model.metrics.items() if key != "feature_version"}
    TaggerModel.objects.filter(pk=model.pk).update(metrics=metrics)
    report = pretagging.pretag_documents(project, taggers=["given_names", "crf"])
    assert "given_names" not in report.skipped
    assert ("خليفة حفتر", "PER", "given_names") in stored(document)


def test_a_new_project_runs_them_by_default(project):
    taggers = PretagSettings.of(project).taggers
    assert "given_names" in taggers and "organisations" in taggers
