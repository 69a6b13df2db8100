"""Retraining the CRF after adjudication: queued once however many decisions and
confirmations come (one waiting per project), quick (one training, the remembered
bootstrap corpus included), and the model it makes tags."""
from __future__ import annotations

import random

from django.core.management import call_command

from annotate import pretagging
from annotate.models import Job, Suggestion
from annotate.pretagging import bootstrap_corpus
from annotate.services import ANY_VERSION, adjudication
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
    pretagging.train_crf(project)  # the full training, remembering which documents it saw
    for document, (_text, spans) in zip(documents[8:], examples[8:], strict=True):
        gold(document, reviewer, spans)
    project.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.shown_messages
    model = pretagging.latest_model(project)
    assert model.metrics["training"]["algorithm"] == pretagging.retraining.FAST["algorithm"]
    assert model.metrics["gold_documents"] == 12 and model.metrics["bootstrap"] == str(corpus)
    # Scored honestly: the model it replaced, on the four gold documents it had never seen.
    assert model.metrics["method"] == "previous model on the new gold documents"
    assert model.metrics["new_documents"] == 4 and 0 < model.metrics["f1"] <= 1

    target = add_docs(project, ["هبط الوفد في مطار المزة قادما من حمص، والتقى رامي حداد في دمشق."], prefix="new")[0]
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
