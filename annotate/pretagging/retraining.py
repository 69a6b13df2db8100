"""The learning CRF: train_crf trains it on the project's training data (plus an optional
bootstrap corpus), measures it and stores it as the current model; start_retrain and
retrain_job run that as a background job (kind RETRAIN_JOB), and maybe_retrain, called
after adjudication, starts one once enough new gold documents have been added.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from annotate import jobs
from annotate.models import Job, TaggerModel
from annotate.pretagging.settings import CRF, PretagSettings
from annotate.pretagging.training import gold_sets, latest_model, training_data
from corpus.models import Project
from corpus.pretag import CRFTagger
from corpus.pretag import crf as crf_module
from corpus.text.arabic import tokenize

RETRAIN_JOB = jobs.RETRAIN


class NoTrainingData(ValueError):
    pass


def _metrics(scores: crf_module.Scores, **extra) -> dict:
    return {
        "precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
        "true_positives": scores.true_positives, "false_positives": scores.false_positives,
        "false_negatives": scores.false_negatives,
        "per_type": {kind: list(prf) for kind, prf in scores.per_type.items()}, **extra,
    }


def train_crf(
    project: Project,
    *,
    extra_examples: Sequence[crf_module.Example] = (),
    extra_source: str = "",
    folds: int = 5,
    max_iterations: int = 100,
) -> TaggerModel:
    """Train the CRF on the project's gold (plus `extra_examples`, e.g. a bootstrap
    corpus), measure it, and store it as the project's current CRF model.

    Metrics: k-fold cross-validation over the project's training documents; with a
    bootstrap corpus, the corpus-only model scored on the project's gold instead
    (every gold document is then unseen by the model that is scored).
    """
    data = training_data(project)
    gold = data.examples
    if not gold and not extra_examples:
        raise NoTrainingData(_(
            "project %(slug)s: no training data: no gold set holds spans and no annotator set is submitted "
            "(or give a bootstrap corpus).") % {"slug": project.slug})
    metrics = {"source": data.source, "gold_documents": len(gold)}
    if extra_examples:
        corpus_model = crf_module.train(extra_examples, max_iterations=max_iterations)
        if gold:
            tagger = CRFTagger(corpus_model)
            predicted = [[(s.start, s.end, s.type) for s in tagger.tag(t, tokenize(t))] for t, _ in gold]
            scores = crf_module.evaluate([spans for _t, spans in gold], predicted)
            metrics.update(_metrics(scores, method="bootstrap model on the project's gold"))
        model = crf_module.train([*extra_examples, *gold], max_iterations=max_iterations) if gold else corpus_model
        metrics.update(bootstrap=extra_source, bootstrap_documents=len(extra_examples))
    else:
        if len(gold) >= 2:
            k = min(folds, len(gold))
            scores = crf_module.cross_validate(gold, folds=k, max_iterations=max_iterations)
            metrics.update(_metrics(scores, method="cross-validation", folds=k))
        model = crf_module.train(gold, max_iterations=max_iterations)
    with transaction.atomic():
        TaggerModel.objects.filter(project=project, tagger=CRF).delete()  # only the current model is kept
        return TaggerModel.objects.create(
            project=project, tagger=CRF, data=model, metrics=metrics, trained_on=len(gold) + len(extra_examples))


def start_retrain(project: Project, *, user=None, reason: str = "manual") -> Job:
    return jobs.start(project, RETRAIN_JOB, user=user, params={"reason": reason})


def retrain_job(job: Job, progress: jobs.Progress) -> dict:
    progress(0, 1)
    model = train_crf(job.project)
    progress(1, 1)
    return {"model": model.pk, "trained_on": model.trained_on, "metrics": model.metrics}


def gold_document_count(project: Project) -> int:
    return gold_sets(project).values("document_id").distinct().count()


def maybe_retrain(project: Project) -> Job | None:
    """Call when a gold set is marked adjudicated (annotate's adjudication does).

    Starts a background retraining of the CRF once `crf_retrain_every` (N) gold
    documents have been added since the current model was trained (or, with no model
    yet, once there are N). Returns the job, or None when it is not time yet, the CRF
    is not enabled, or a retraining is already queued or running.
    """
    options = PretagSettings.of(project)
    if CRF not in options.taggers:
        return None
    current = latest_model(project)
    trained = (current.metrics or {}).get("gold_documents", 0) if current else 0
    if gold_document_count(project) - trained < options.crf_retrain_every:
        return None
    busy = Job.objects.filter(project=project, kind=RETRAIN_JOB, status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
    if busy.exists():
        return None
    return start_retrain(project, reason="auto")
