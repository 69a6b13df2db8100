"""The learning CRF: train_crf trains it on the project's training data (plus the
bootstrap corpus given, or the one remembered from `train_tagger --bootstrap`), measures
it and stores it as the current model; start_retrain and retrain_job run that as a
background job (kind RETRAIN_JOB), and maybe_retrain, called after adjudication, queues
one once enough new gold documents have been added, never more than one waiting.

Two ways to train. The full one (the page's button, `train_tagger`): L-BFGS, measured by
k-fold cross-validation (k + 1 trainings). The quick one (automatic, after adjudication):
python-crfsuite's passive-aggressive algorithm (FAST), one training, the bootstrap's
features reused from memory (bootstrap_corpus), measured instead by the model it replaces
scored on the gold documents added since: documents that model never saw.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from annotate import jobs
from annotate.models import Job, TaggerModel
from annotate.pretagging import bootstrap_corpus
from annotate.pretagging.settings import CRF, PretagSettings
from annotate.pretagging.training import gold_sets, latest_model, training_data
from annotate.pretagging.trigger_model import train_triggers
from corpus.deferred_text import gettext_deferred
from corpus.models import Project
from corpus.pretag import CRFTagger
from corpus.pretag import crf as crf_module
from corpus.text.arabic import tokenize

RETRAIN_JOB = jobs.RETRAIN
# The quick retraining: on NewsFANE (bootstrap + 50 gold documents, a held-out fifth) 40
# passes of passive-aggressive reach L-BFGS's F1 in about a third of its time (README).
FAST = {"algorithm": "pa", "max_iterations": 40}


class NoTrainingData(ValueError):
    pass


def _metrics(scores: crf_module.Scores, **extra) -> dict:
    return {
        "precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
        "true_positives": scores.true_positives, "false_positives": scores.false_positives,
        "false_negatives": scores.false_negatives,
        "per_type": {kind: list(prf) for kind, prf in scores.per_type.items()}, **extra,
    }


def _scored(model: bytes, examples: Sequence[crf_module.Example]) -> crf_module.Scores:
    tagger = CRFTagger(model)
    predicted = [[(s.start, s.end, s.type) for s in tagger.tag(t, tokenize(t))] for t, _ in examples]
    return crf_module.evaluate([spans for _t, spans in examples], predicted)


def train_crf(
    project: Project,
    *,
    extra_examples: Sequence[crf_module.Example] = (),
    extra_source: str = "",
    folds: int = 5,
    max_iterations: int = 100,
    fast: bool = False,
) -> TaggerModel:
    """Train the CRF on the project's gold (plus `extra_examples`, e.g. a bootstrap
    corpus, else the bootstrap remembered for the project), measure it, and store it as
    the project's current CRF model.

    Metrics: k-fold cross-validation over the project's training documents; with a
    bootstrap corpus, the corpus-only model scored on the project's gold instead
    (every gold document is then unseen by the model that is scored). `fast`: one
    passive-aggressive training, scored by the previous model on the new gold.
    """
    data = training_data(project)
    gold = data.examples
    metrics = {"source": data.source, "gold_documents": len(gold), "documents": data.document_ids}
    remembered = None
    if not extra_examples:
        try:
            remembered = bootstrap_corpus.load(project)
        except (OSError, ValueError, UnicodeDecodeError) as error:  # moved, deleted, changed: train without it
            # The error's kind only: its text may quote the file.
            metrics["bootstrap_unreadable"] = f"{bootstrap_corpus.recorded(project)['path']}: {type(error).__name__}"
    if not gold and not extra_examples and remembered is None:
        raise NoTrainingData(gettext_deferred(
            "project %(slug)s: no training data: no gold set holds spans and no annotator set is submitted "
            "(or give a bootstrap corpus).", slug=project.slug))
    if fast:
        model = _train_fast(project, data, remembered, metrics)
    elif extra_examples:
        corpus_model = crf_module.train(extra_examples, max_iterations=max_iterations)
        if gold:
            metrics.update(_metrics(_scored(corpus_model, gold), method="bootstrap model on the project's gold"))
        model = crf_module.train([*extra_examples, *gold], max_iterations=max_iterations) if gold else corpus_model
        metrics.update(bootstrap=extra_source, bootstrap_documents=len(extra_examples))
    else:
        if len(gold) >= 2 and remembered is None:
            k = min(folds, len(gold))
            scores = crf_module.cross_validate(gold, folds=k, max_iterations=max_iterations)
            metrics.update(_metrics(scores, method="cross-validation", folds=k))
        prepared = remembered.sequences if remembered else ()
        if remembered and gold:
            corpus_model = crf_module.train((), prepared=prepared, max_iterations=max_iterations)
            metrics.update(_metrics(_scored(corpus_model, gold), method="bootstrap model on the project's gold"))
        model = crf_module.train(gold, prepared=prepared, max_iterations=max_iterations)
        if remembered:
            metrics.update(bootstrap=remembered.source, bootstrap_documents=remembered.examples)
    if not fast:
        metrics.update(sureness_reference=_reference(model, [*gold, *extra_examples], remembered))
    train_triggers(project)  # the trigger model learns from the same sets' events, with every CRF training
    return _store(project, model, metrics, len(gold) + len(extra_examples) + (remembered.examples if remembered else 0))


def _reference(model: bytes, examples: Sequence[crf_module.Example], remembered) -> float:
    """Sureness is measured against the model's own training sentences (the gold's first)."""
    prepared = crf_module.featurize(examples[:200]) if examples else list(remembered.sequences if remembered else ())
    return crf_module.sureness_reference(model, prepared)


def _train_fast(project: Project, data, remembered, metrics: dict) -> bytes:
    previous = latest_model(project)
    seen = set((previous.metrics or {}).get("documents") or ()) if previous else set()
    new = [example for pk, example in zip(data.document_ids, data.examples, strict=True) if pk not in seen]
    if previous is not None and new and seen:
        metrics.update(_metrics(_scored(bytes(previous.data), new),
                                method="previous model on the new gold documents", new_documents=len(new)))
    prepared = remembered.sequences if remembered else ()
    if remembered:
        metrics.update(bootstrap=remembered.source, bootstrap_documents=remembered.examples)
    metrics.update(training=dict(FAST))
    gold = crf_module.featurize(data.examples)
    model = crf_module.train((), prepared=[*prepared, *gold], **FAST)
    metrics.update(sureness_reference=crf_module.sureness_reference(model, gold or prepared))
    return model


def _store(project: Project, model: bytes, metrics: dict, trained_on: int) -> TaggerModel:
    with transaction.atomic():
        TaggerModel.objects.filter(project=project, tagger=CRF).delete()  # only the current model is kept
        # The documents' sureness scores (DocumentLoad.tagger_confidence) are kept: the quick
        # retraining runs on its own after adjudication, and clearing them there would drop an
        # admin's uncertain_first order back to import order without a word. Each model's score
        # is relative to its own sureness on its training text, so old and new ones compare,
        # and the next pre-tagging run replaces them (running._Store) document by document.
        return TaggerModel.objects.create(project=project, tagger=CRF, data=model, metrics=metrics,
                                          trained_on=trained_on)


def start_retrain(project: Project, *, user=None, reason: str = "manual") -> Job:
    return jobs.start(project, RETRAIN_JOB, user=user, params={"reason": reason})


def retrain_job(job: Job, progress: jobs.Progress) -> dict:
    """The page's button trains fully; the automatic retraining after adjudication quickly."""
    progress(0, 1)
    model = train_crf(job.project, fast=(job.params or {}).get("reason") == "auto")
    progress(1, 1)
    metrics = {key: value for key, value in model.metrics.items() if key != "documents"}
    return {"model": model.pk, "trained_on": model.trained_on, "metrics": metrics}


def gold_document_count(project: Project) -> int:
    return gold_sets(project).values("document_id").distinct().count()


def maybe_retrain(project: Project) -> Job | None:
    """Call when a gold set is marked adjudicated (annotate's adjudication does).

    Queues a quick background retraining of the CRF once `crf_retrain_every` (N) gold
    documents have been added since the current model was trained (or, with no model
    yet, once there are N). Debounced: while a retraining waits in the queue, none is
    added (the waiting one reads the gold when it starts); while one runs, one more may
    wait, for the gold that came after it started. Returns the job, or None when it is not
    time yet, the CRF is not enabled, or a retraining already waits.
    """
    options = PretagSettings.of(project)
    if CRF not in options.taggers:
        return None
    current = latest_model(project)
    trained = (current.metrics or {}).get("gold_documents", 0) if current else 0
    if gold_document_count(project) - trained < options.crf_retrain_every:
        return None
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one decision at a time per project
        if Job.objects.filter(project=project, kind=RETRAIN_JOB, status=Job.Status.QUEUED).exists():
            return None
        return start_retrain(project, reason="auto")
