"""Retraining the CRF after adjudication (and after a submitted set while there is no
gold): queued once however many decisions and confirmations come (one waiting per
project), quick (a stacked model over the full one, the bootstrap kept through it),
scored before it replaces anything (and not kept when clearly worse), the documents
nobody started scored again for the queue, and the model it makes tags."""
from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate import pretagging, services
from annotate.models import DocumentLoad, Job, Suggestion
from annotate.pretagging import bootstrap_corpus, running
from annotate.services import ANY_VERSION, adjudication, assignment
from corpus.pretag import crf as crf_module
from corpus.text.arabic import tokenize
from tests.annotate.test_adjudication import annotate
from tests.annotate.test_pretagging import CITIES, FIRST, LAST, add_docs, gold
from tests.corpus.test_pretag_crf import make_document


def retrain_jobs(project, **filters):
    return Job.objects.filter(project=project, kind=pretagging.RETRAIN_JOB, **filters)


def adjudicate(document, reviewer, users):
    """Three annotators disagree on one name; the reviewer settles every conflict and confirms."""
    a, b, c = users
    annotate(document, a, [("PER", "سمير داود"), ("GPE", "القاهرة"), ("ORG", "الخارجية")])
    annotate(document, b, [("PER", "سمير داود"), ("GPE", "القاهرة")])
    annotate(document, c, [("PER", "سمير داود"), ("LOC", "القاهرة")])
    state = adjudication.open_adjudication(document, reviewer)
    assert len(state.open) >= 2  # several decisions before the confirmation
    for conflict in state.open:
        adjudication.decide(document, reviewer, conflict_id=conflict.id, action="reject", version=ANY_VERSION)
    adjudication.confirm(document, reviewer, version=ANY_VERSION)


TEXT = "التقى وزير الخارجية سمير داود نظيره في القاهرة، وبحث الطرفان التعاون."


def test_adjudication_queues_one_quick_retraining_not_one_per_decision(project, reviewer, three):
    first, second, third = add_docs(project, [TEXT, TEXT + " وعاد الوفد مساء.", "وقال " + TEXT])
    adjudicate(first, reviewer, three)
    queued = list(retrain_jobs(project))
    assert [(job.status, job.params) for job in queued] == [("queued", {"reason": "auto"})]
    adjudicate(second, reviewer, three)  # a retraining already waits: it will read this gold too
    assert retrain_jobs(project).count() == 1
    retrain_jobs(project).update(status=Job.Status.RUNNING)  # it started before the next confirmation
    adjudicate(third, reviewer, three)
    assert list(retrain_jobs(project).values_list("status", flat=True).order_by("pk")) == ["running", "queued"]


def test_no_automatic_retraining_without_the_crf(project, reviewer, three):
    options = pretagging.PretagSettings.of(project)
    options.taggers = [name for name in options.taggers if name != "crf"]
    pretagging.save_settings(project, options)
    adjudicate(add_docs(project, [TEXT])[0], reviewer, three)
    assert not retrain_jobs(project).exists()


# A bootstrap corpus teaching a facility class the project's gold never marks.
BOOTSTRAP_LINES = [
    ("\u200eوصل", "O"), ("\u200eالوفد", "O"), ("\u200eإلى", "O"), ("\u200eمطار", "B-Airport"),
    ("\u200eالمزة", "I-Airport"), ("\u200eقادما", "O"), ("\u200eمن", "O"), ("\u200eحمص", "B-Population-Center"),
]


def write_bootstrap(path, rng):
    segments = []
    for _ in range(30):
        words = [(rng.choice(["وصل", "عاد", "هبط"]), "O"), *BOOTSTRAP_LINES[1:]]
        segments.append("".join(f"{word}\t{tag}\r\n" for word, tag in words))
    path.write_text("\ufeff" + "\r\n".join(segments) + "\r\n", encoding="utf-8", newline="")


def test_the_quick_retraining_keeps_the_bootstrap_and_makes_a_model_that_tags(
    project, reviewer, tmp_path, django_capture_on_commit_callbacks
):
    rng = random.Random(3)
    corpus = tmp_path / "bootstrap.txt"
    write_bootstrap(corpus, rng)
    call_command("train_tagger", project.slug, "--bootstrap", str(corpus), "--map", "Airport=FAC",
                 "--map", "Population-Center=GPE", "--iterations", "20", stdout=open("/dev/null", "w"))  # noqa: SIM115
    project.refresh_from_db()
    assert bootstrap_corpus.recorded(project) == {
        "path": str(corpus), "format": "conll", "map": {"Airport": "FAC", "Population-Center": "GPE"}}

    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=6) for _ in range(12)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:8], examples[:8], strict=True):
        gold(document, reviewer, spans)
    full = pretagging.train_crf(project)  # the full training, remembering which documents it saw
    for document, (_text, spans) in zip(documents[8:], examples[8:], strict=True):
        gold(document, reviewer, spans)
    project.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.shown_messages
    model = pretagging.latest_model(project)
    # Stacked on the full model, which is kept as it was as the base.
    assert model.metrics["stacked"] is True and model.metrics["training"]["stacked_on"] == 8
    base = pretagging.latest_model(project, pretagging.retraining.BASE)
    assert base.pk == full.pk and bytes(base.data) == bytes(full.data) and base.metrics == full.metrics
    assert model.metrics["gold_documents"] == 12 and model.metrics["bootstrap"] == str(corpus)
    # Scored honestly: a model trained without the four newest gold documents, and the model
    # it replaced, both on those four (neither saw them).
    assert model.metrics["method"] == "newest gold held out"
    assert model.metrics["held_out"] == 4 and 0 < model.metrics["f1"] <= 1 and 0 < model.metrics["previous_f1"] <= 1
    assert job.result["kept"] is False and job.result["compared"]["held_out"] == 4

    arrived = "هبط الوفد في مطار المزة قادما من حمص. من جهته صرح رامي حداد للصحفيين في دمشق."
    target = add_docs(project, [arrived], prefix="new")[0]
    pretagging.pretag_documents(project, [target.pk], taggers=["crf"])
    found = {(s.entity_type.key, target.text[s.start:s.end]) for s in Suggestion.objects.filter(document=target)}
    assert ("FAC", "مطار المزة") in found  # only the bootstrap taught it
    assert ("PER", "رامي حداد") in found  # the gold taught it


def test_a_bootstrap_corpus_no_longer_there_is_reported_and_the_gold_still_trains(project, reviewer, tmp_path):
    rng = random.Random(4)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=5) for _ in range(4)]
    for document, (_text, spans) in zip(add_docs(project, [t for t, _s in examples]), examples, strict=True):
        gold(document, reviewer, spans)
    gone = tmp_path / "moved.txt"
    bootstrap_corpus.remember(project, str(gone), {"Airport": "FAC"})
    model = pretagging.train_crf(project, fast=True)
    assert model.metrics["bootstrap_unreadable"].startswith(str(gone))
    assert "bootstrap" not in model.metrics and model.trained_on == 4


SWAP = {"PER": "GPE", "GPE": "PER", "ORG": "ORG"}


def test_a_clearly_worse_quick_model_is_not_kept_and_the_page_says_so(
    client, admin_user, project, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """Gold that contradicts itself (persons marked as places) teaches the stacked model to
    swap the base's labels: scored on the newest documents (marked well) against the current
    model, it is clearly worse, and the current model stays."""
    rng = random.Random(8)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=5) for _ in range(18)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:6], examples[:6], strict=True):
        gold(document, reviewer, spans)
    full = pretagging.train_crf(project, max_iterations=40)
    for document, (_text, spans) in zip(documents[6:14], examples[6:14], strict=True):
        gold(document, reviewer, [(start, end, SWAP[kind]) for start, end, kind in spans])
    for document, (_text, spans) in zip(documents[14:], examples[14:], strict=True):
        gold(document, reviewer, spans)
    monkeypatch.setattr(pretagging.retraining, "HOLD_OUT", 4)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.messages
    rejected = job.result["rejected"]
    assert job.result["kept"] is True and rejected["held_out"] == 4
    assert rejected["f1"] < rejected["previous_f1"] - pretagging.retraining.WORSE_BY
    current = pretagging.latest_model(project)
    assert current.pk == full.pk and bytes(current.data) == bytes(full.data)
    assert current.metrics["rejected"]["f1"] == rejected["f1"]
    assert not Suggestion.objects.exists()
    client.force_login(admin_user)
    page = client.get(f"/projects/{project.slug}/pretag/").content.decode()
    assert "crf-rejected" in page and f"{rejected['f1']:.3f}" in page, page[page.find("crf-rejected"):][:400]

    # A new model (here the full training) replaces the verdict with its own scores.
    pretagging.train_crf(project, max_iterations=20)
    assert "rejected" not in pretagging.latest_model(project).metrics


def test_a_submitted_annotator_set_retrains_while_the_project_has_no_gold(project, reviewer, three):
    first, second = add_docs(project, [TEXT, "وقال " + TEXT])
    annotate(first, three[0], [("PER", "سمير داود"), ("GPE", "القاهرة")])  # submitted
    assert [job.params for job in retrain_jobs(project)] == [{"reason": "auto"}]
    retrain_jobs(project).update(status=Job.Status.DONE)
    pretagging.train_crf(project)
    assert pretagging.latest_model(project).metrics["source"] == "submitted"

    adjudicate(second, reviewer, three)  # the first gold: the training data is gold from now on
    assert retrain_jobs(project, status=Job.Status.QUEUED).count() == 1
    retrain_jobs(project).update(status=Job.Status.DONE)
    pretagging.train_crf(project)
    annotate(first, three[1], [("PER", "سمير داود")])  # submitted
    assert not retrain_jobs(project, status=Job.Status.QUEUED).exists()  # not training data any more


def test_after_a_retraining_the_documents_nobody_started_are_scored_again(
    project, reviewer, annotator, django_capture_on_commit_callbacks
):
    rng = random.Random(9)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(6)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:3], examples[:3], strict=True):
        gold(document, reviewer, spans)
    pretagging.train_crf(project, max_iterations=20)
    waiting = add_docs(project, [make_document(rng, sentences=2)[0] for _ in range(9)], prefix="w")
    services.own_set(waiting[0], annotator)  # started: its score is the queue's no more
    assignment.update_workflow(project, None, uncertain_first=True)
    for document, (_text, spans) in zip(documents[3:], examples[3:], strict=True):
        gold(document, reviewer, spans)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.messages
    assert job.result["rescored"] == 8 and (job.done, job.total) == (8, 8)
    scores = dict(DocumentLoad.objects.filter(document__in=waiting).values_list("document_id", "tagger_confidence"))
    assert scores[waiting[0].pk] is None and all(0 < scores[d.pk] < 2 for d in waiting[1:])

    def queries(limit):
        with CaptureQueriesContext(connection) as seen:
            assert running.rescore_sureness(project, limit=limit) == limit
        return len(seen)

    assert queries(2) == queries(8)  # one read, one write per chunk: no query per document
    DocumentLoad.objects.update(tagger_confidence=None)
    running.rescore_sureness(project, limit=3)  # bounded, in import order
    assert DocumentLoad.objects.filter(tagger_confidence__isnull=False).count() == 3


def test_a_stacked_model_and_its_base_travel_in_the_project_archive(project, reviewer, tmp_path):
    from annotate.archive.writing import export_project
    from annotate.services.archive import import_project

    rng = random.Random(10)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(6)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:4], examples[:4], strict=True):
        gold(document, reviewer, spans)
    pretagging.train_crf(project, max_iterations=20)
    for document, (_text, spans) in zip(documents[4:], examples[4:], strict=True):
        gold(document, reviewer, spans)
    assert pretagging.train_crf(project, fast=True).metrics["stacked"] is True
    path = tmp_path / "a.zip"
    export_project(project, path)
    copy = import_project(path, slug="copy").project
    text = make_document(rng, sentences=3)[0]

    def spans(of):
        tagger = pretagging.BUILDERS["crf"](of, pretagging.PretagSettings.of(of))
        return [(s.start, s.end, s.type) for s in tagger.tag(text, tokenize(text))], tagger.confidence

    assert spans(copy) == spans(project) and spans(copy)[0]
    # The documents each model saw, by the copy's ids: the next quick retraining stacks only
    # the two its base never saw, as it would in the original project.
    from annotate.models import Document
    by_external = dict(Document.objects.filter(project=copy).values_list("external_id", "pk"))
    base = pretagging.latest_model(copy, pretagging.retraining.BASE)
    assert base.metrics["documents"] == sorted(by_external[d.external_id] for d in documents[:4])
    assert pretagging.latest_model(copy).metrics["documents"] == sorted(by_external[d.external_id] for d in documents)
    assert pretagging.train_crf(copy, fast=True).metrics["training"]["on_top"] == 2
    assert not pretagging.retraining.rebase_due(copy)


def test_every_few_gold_documents_the_automatic_job_also_trains_a_new_base(
    client, admin_user, project, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pretagging.retraining, "REBASE_AFTER", 3)
    monkeypatch.setattr(pretagging.retraining, "HOLD_OUT", 2)
    rng = random.Random(12)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(8)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:4], examples[:4], strict=True):
        gold(document, reviewer, spans)
    first_base = pretagging.train_crf(project, max_iterations=2)  # barely trained: the new base beats it
    for document, (_text, spans) in zip(documents[4:6], examples[4:6], strict=True):
        gold(document, reviewer, spans)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert "rebase" not in job.result  # two new documents: stacked on the first base only
    assert pretagging.latest_model(project, pretagging.retraining.BASE).pk == first_base.pk

    for document, (_text, spans) in zip(documents[6:], examples[6:], strict=True):
        gold(document, reviewer, spans)
    # Which of the two wins on made-up text is not the point here: accept any new base.
    monkeypatch.setattr(pretagging.retraining, "WORSE_BY", 1.0)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.messages
    rebased = job.result["rebase"]
    assert rebased["done"] and rebased["kept"] is False and rebased["held_out"] == 2  # the newest two, new to the base
    assert 0 < rebased["f1"] <= 1 and 0 < rebased["stacked_f1"] <= 1
    base = pretagging.latest_model(project, pretagging.retraining.BASE)
    assert base.pk != first_base.pk and base.metrics["rebase"] is True
    assert base.metrics["training"] == pretagging.retraining.FAST and base.metrics["gold_documents"] == 6
    current = pretagging.latest_model(project)
    assert current.metrics["stacked"] is True and current.metrics["gold_documents"] == 8
    assert job.result["model"] == current.pk
    assert not pretagging.retraining.rebase_due(project)
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    page = client.get(f"/projects/{project.slug}/pretag/").content.decode()
    assert 'class="job-rebase"' in page and "A new base model, trained over the bootstrap and the gold, is in" in page
    assert "A model trained without the 2 newest gold documents, scored on them" in page

    # A new base that must beat the stacked model by more than it can is not kept.
    monkeypatch.setattr(pretagging.retraining, "WORSE_BY", -1.0)
    monkeypatch.setattr(pretagging.retraining, "REBASE_AFTER", 2)
    outcome = pretagging.retraining.rebase(project)
    assert outcome["done"] and outcome["kept"] is True
    assert pretagging.latest_model(project, pretagging.retraining.BASE).pk == base.pk
    assert pretagging.latest_model(project).pk == current.pk


def test_a_stacked_model_reads_the_text_with_its_bases_feature_version(project, reviewer):
    # the base tags first, with the features it was trained with: a model stacked on a base
    # from before the given-name feature must not claim to know it
    from annotate.models import TaggerModel
    from annotate.pretagging.settings import BASE, CRF

    rng = random.Random(11)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(6)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:4], examples[:4], strict=True):
        gold(document, reviewer, spans)
    full = pretagging.train_crf(project, max_iterations=20)
    TaggerModel.objects.filter(pk=full.pk).update(
        metrics={key: value for key, value in full.metrics.items() if key != "feature_version"})
    for document, (_text, spans) in zip(documents[4:], examples[4:], strict=True):
        gold(document, reviewer, spans)
    stacked = pretagging.train_crf(project, fast=True)
    assert stacked.metrics["stacked"] is True and stacked.metrics["feature_version"] == 1
    assert TaggerModel.objects.get(project=project, tagger=BASE).pk == full.pk
    assert TaggerModel.objects.get(project=project, tagger=CRF).metrics["feature_version"] == 1


def test_the_rebase_records_its_feature_version(project, reviewer, monkeypatch):
    # without it every stacked model over a new base claims version 1 and the given-name rule
    # runs beside the CRF again
    monkeypatch.setattr(pretagging.retraining, "HOLD_OUT", 2)
    monkeypatch.setattr(pretagging.retraining, "WORSE_BY", 1.0)
    rng = random.Random(13)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(9)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:6], examples[:6], strict=True):
        gold(document, reviewer, spans)
    pretagging.train_crf(project, max_iterations=5)
    for document, (_text, spans) in zip(documents[6:], examples[6:], strict=True):
        gold(document, reviewer, spans)
    pretagging.train_crf(project, fast=True)
    assert pretagging.retraining.rebase(project)["kept"] is False
    base = pretagging.latest_model(project, pretagging.retraining.BASE)
    assert base.metrics["rebase"] is True and base.metrics["feature_version"] == crf_module.FEATURE_VERSION
    assert pretagging.latest_model(project).metrics["feature_version"] == crf_module.FEATURE_VERSION


def _interleaved(monkeypatch, other_training):
    """Runs `other_training` to its end while the quick retraining trains (its first stacked
    model), as another job would."""
    real, ran = crf_module.train_stacked, []

    def train_stacked(*args, **kwargs):
        if not ran:
            ran.append(True)
            other_training()
        return real(*args, **kwargs)

    monkeypatch.setattr(pretagging.retraining.crf_module, "train_stacked", train_stacked)


@pytest.mark.parametrize("other", ["full", "quick"])
def test_a_retraining_does_not_store_over_one_that_finished_while_it_ran(
    client, admin_user, project, reviewer, monkeypatch, other, django_capture_on_commit_callbacks
):
    """Two trainings at once (the button during an automatic job, or two automatic jobs):
    the one that stores last finds the models changed since it read them and keeps the
    other's, so the stacked model in use always has its base."""
    from annotate.models import TaggerModel
    from annotate.pretagging.settings import BASE, CRF

    rng = random.Random(14)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=4) for _ in range(7)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:4], examples[:4], strict=True):
        gold(document, reviewer, spans)
    full = pretagging.train_crf(project, max_iterations=10)
    for document, (_text, spans) in zip(documents[4:], examples[4:], strict=True):
        gold(document, reviewer, spans)
    stored = []
    options = {"full": {"max_iterations": 5}, "quick": {"fast": True}}[other]
    _interleaved(monkeypatch, lambda: stored.append(pretagging.train_crf(project, **options)))
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.messages
    current = pretagging.latest_model(project)
    assert current.pk == stored[0].pk and TaggerModel.objects.filter(project=project, tagger=CRF).count() == 1
    if other == "quick":
        assert current.metrics["stacked"] is True
        assert TaggerModel.objects.get(project=project, tagger=BASE).pk == full.pk
    else:
        assert "stacked" not in current.metrics and not TaggerModel.objects.filter(tagger=BASE).exists()
    text = make_document(rng, sentences=3)[0]
    tagger = pretagging.BUILDERS["crf"](project, pretagging.PretagSettings.of(project))  # its base is there
    assert tagger.tag(text, tokenize(text)) is not None
    assert job.result["superseded"] is True and job.result["model"] == stored[0].pk
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    page = client.get(f"/projects/{project.slug}/pretag/").content.decode()
    assert 'class="job-superseded"' in page and "this one was not stored" in page


def test_after_a_rejection_the_next_retraining_waits_for_n_more_gold_documents(project, reviewer, monkeypatch):
    from annotate.models import TaggerModel

    rng = random.Random(15)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=3) for _ in range(5)]
    documents = add_docs(project, [text for text, _spans in examples])
    for document, (_text, spans) in zip(documents[:2], examples[:2], strict=True):
        gold(document, reviewer, spans)
    monkeypatch.setattr(pretagging.retraining, "WORSE_BY", -1.0)  # every new model is clearly worse
    full = pretagging.train_crf(project, max_iterations=5)
    options = pretagging.PretagSettings.of(project)
    options.crf_retrain_every = 2
    pretagging.save_settings(project, options)
    gold(documents[2], reviewer, examples[2][1])
    gold(documents[3], reviewer, examples[3][1])
    Job.objects.all().delete()
    assert pretagging.maybe_retrain(project) is not None  # two new: time
    Job.objects.all().delete()
    kept = pretagging.train_crf(project, fast=True)
    assert kept.pk == full.pk and kept.kept
    gold(documents[4], reviewer, examples[4][1])
    Job.objects.all().delete()
    assert pretagging.maybe_retrain(project) is None  # one since the rejection: not yet
    assert TaggerModel.objects.get(pk=full.pk).metrics["rejected"]["gold_documents"] == 4
