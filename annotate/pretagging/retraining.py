"""The learning CRF: train_crf trains it on the project's training data (plus the
bootstrap corpus given, or the one remembered from `train_tagger --bootstrap`), measures
it and stores it as the current model; start_retrain and retrain_job run that as a
background job (kind RETRAIN_JOB), and maybe_retrain, called after adjudication and after
a submitted annotator set that counts as training data, queues one once enough new
training documents have been added, never more than one waiting.

Two ways to train. The full one (the page's button, `train_tagger`): L-BFGS over the
bootstrap and the gold, measured by k-fold cross-validation or the bootstrap model on the
gold. The quick one (automatic): a small stacked model over the current full model (its
base, kept in a TaggerModel row of tagger BASE) learns from the gold alone where to trust
or correct the base (corpus.pretag.crf.train_stacked): seconds, where passing over the
bootstrap again took a minute or two on a busy server. Measured on NewsFANE (README
"Benchmarks"): its held-out F1 stays at the base's, while a passive-aggressive training
over bootstrap + gold gains one to two points after 25-50 gold documents at ten to forty
times the time; the full training (button) takes those points. Before storing it, the
quick retraining scores a preliminary model trained without the newest gold documents, and
the current model, on those documents (neither saw them), and keeps the current model when
the new one is clearly worse (WORSE_BY). Every REBASE_AFTER gold documents the base has not
seen, the automatic job goes on, after the quick model is in use, to train a new base the
way the automatic retraining did before (passive-aggressive over bootstrap + gold), scored
the same way against the stacked model (rebase): the gain of a training over more data,
taken every so often instead of after every document.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from annotate import jobs
from annotate.models import Job, TaggerModel
from annotate.pretagging import bootstrap_corpus
from annotate.pretagging.settings import BASE, CRF, PretagSettings
from annotate.pretagging.training import gold_sets, latest_model, training_data, training_sets
from annotate.pretagging.trigger_model import train_triggers_reporting
from corpus.deferred_text import gettext_deferred, stored
from corpus.models import Project
from corpus.pretag import CRFTagger
from corpus.pretag import crf as crf_module
from corpus.text.arabic import tokenize

RETRAIN_JOB = jobs.RETRAIN
# Used when there is no full model to stack on yet: passive-aggressive over bootstrap +
# gold (on NewsFANE, 40 passes reach L-BFGS's F1 in about a third of its time; README).
FAST = {"algorithm": "pa", "max_iterations": 40}
STACK_ITERATIONS = 50  # measured: the same held-out F1 as 100, in half the time
WORSE_BY = 0.02  # F1 below the current model's on the held-out gold: the new one is not kept
HOLD_OUT = 5  # at most this many of the newest gold documents score the new model
STACK_MAX = 25  # gold documents a stacked model learns from at most (the newest its base has not seen)
# Gold documents a stacked model's base has not seen before the automatic job also trains a
# new base (rebase): the stacked model keeps the base's F1 but does not take the gain a
# training over more data brings (README "Benchmarks"); this takes it, every so often. More
# than HOLD_OUT: a new base leaves the documents it was scored on to the stacked model.
REBASE_AFTER = 10


class NoTrainingData(ValueError):
    pass


def _metrics(scores: crf_module.Scores, **extra) -> dict:
    return {
        "precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
        "true_positives": scores.true_positives, "false_positives": scores.false_positives,
        "false_negatives": scores.false_negatives,
        "per_type": {kind: list(prf) for kind, prf in scores.per_type.items()}, **extra,
    }


def _scored(model: bytes, examples: Sequence[crf_module.Example], base: bytes | None = None) -> crf_module.Scores:
    tagger = CRFTagger(model, base=base)
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

    The trigger model is trained too; the returned row's `trigger_failure` is None, or
    the message saying why that training failed (the CRF is stored all the same).
    """
    data = training_data(project)
    gold = data.examples
    metrics = {"source": data.source, "gold_documents": len(gold), "documents": data.document_ids,
               "feature_version": crf_module.FEATURE_VERSION}
    if fast and not extra_examples and (stacked := _train_stacked(project, data, metrics)) is not None:
        stacked.trigger_failure = train_triggers_reporting(project)  # as with every CRF training
        return stacked  # the bootstrap is not read: the base learned from it
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
    # The trigger model learns from the same sets' events, with every CRF training; its failure is said, not raised.
    trigger_failure = train_triggers_reporting(project)
    trained_on = len(gold) + len(extra_examples) + (remembered.examples if remembered else 0)
    model_row = _store(project, model, metrics, trained_on)
    model_row.trigger_failure = trigger_failure
    return model_row


def _reference(model: bytes, examples: Sequence[crf_module.Example], remembered) -> float:
    """Sureness is measured against the model's own training sentences (the gold's first)."""
    prepared = crf_module.featurize(examples[:200]) if examples else list(remembered.sequences if remembered else ())
    return crf_module.sureness_reference(model, prepared)


def _train_fast(project: Project, data, remembered, metrics: dict) -> bytes:
    previous = latest_model(project)
    seen = set((previous.metrics or {}).get("documents") or ()) if previous else set()
    new = [example for pk, example in zip(data.document_ids, data.examples, strict=True) if pk not in seen]
    if previous is not None and new and seen and not (previous.metrics or {}).get("stacked"):
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


def _base_of(current: TaggerModel) -> TaggerModel | None:
    """The full model a quick one stacks on: the current model itself, or its base."""
    if not (current.metrics or {}).get("stacked"):
        return current
    return latest_model(current.project, BASE)


def _on_top(data, base_row: TaggerModel) -> list[tuple[int, crf_module.Example]]:
    """The gold a stacked model learns from: the documents its base has not seen (out of
    sample: where the base errs as it will on new text; REBASE_AFTER keeps them few), the
    newest STACK_MAX, oldest first."""
    seen = set((base_row.metrics or {}).get("documents") or ())
    return [(pk, example) for pk, example in zip(data.document_ids, data.examples, strict=True)
            if pk not in seen][-STACK_MAX:]


def _lock(project: Project) -> None:
    """Serialises what reads and replaces a project's models (call inside a transaction):
    two retrainings at once would otherwise each act on the rows they read before training."""
    Project.objects.select_for_update().filter(pk=project.pk).first()


def _unchanged(project: Project, current: TaggerModel, base_row: TaggerModel) -> bool:
    """Under _lock: whether the current model and its base are still the rows read before training."""
    now = latest_model(project)
    if now is None or now.pk != current.pk:
        return False
    return base_row.pk == current.pk or getattr(latest_model(project, BASE), "pk", None) == base_row.pk


def _superseded(project: Project) -> TaggerModel:
    """Another training replaced the models while this one ran: its result stays, this one is dropped."""
    now = latest_model(project) or TaggerModel(project=project, tagger=CRF, metrics={}, trained_on=0)
    now.kept, now.superseded = True, True
    return now


def _train_stacked(project: Project, data, metrics: dict) -> TaggerModel | None:
    """The quick retraining: a stacked model over the current full model, scored first on
    the newest gold documents the current model never saw, against that model. Returns the
    model now current (the new one, or the old one kept), or None when there is nothing to
    stack on (no model yet, or no gold): then the caller trains in full."""
    current = latest_model(project)
    base_row = _base_of(current) if current is not None else None
    if base_row is None or not data.examples:
        return None
    current.kept = False
    top_gold = _on_top(data, base_row)
    if not top_gold:  # nothing the base has not seen: the current model stays as it is
        return current
    base = bytes(base_row.data)
    seen = set((current.metrics or {}).get("documents") or ())
    held = set([pk for pk, _example in top_gold if pk not in seen][-HOLD_OUT:])
    metrics.update(stacked=True, training={
        "algorithm": "lbfgs", "stacked_on": base_row.metrics.get("gold_documents", 0), "on_top": len(top_gold),
        "max_iterations": STACK_ITERATIONS, **crf_module.STACK_TRAINING})
    metrics["documents"] = sorted(set(base_row.metrics.get("documents") or ()) | {pk for pk, _e in top_gold})
    # The base reads the text with the features it was trained with (1: before they were recorded).
    metrics["feature_version"] = min(crf_module.FEATURE_VERSION, base_row.metrics.get("feature_version", 1))
    if base_row.metrics.get("bootstrap"):
        metrics.update(bootstrap=base_row.metrics["bootstrap"], bootstrap_documents=base_row.metrics.get(
            "bootstrap_documents", 0))
    if held:
        kept = [example for pk, example in top_gold if pk not in held]
        scored_on = [example for pk, example in top_gold if pk in held]
        # With nothing else to learn from, the preliminary model is the base alone.
        preliminary = crf_module.train_stacked(base, kept, max_iterations=STACK_ITERATIONS) if kept else None
        new_scores = _scored(preliminary or base, scored_on, base if preliminary else None)
        old_scores = _scored(bytes(current.data), scored_on, base if current.pk != base_row.pk else None)
        comparison = {"held_out": len(held), "f1": new_scores.f1, "previous_f1": old_scores.f1}
        if new_scores.f1 < old_scores.f1 - WORSE_BY:
            # Kept: the page and the job's result say why (metrics["rejected"]); the gold
            # counted then, so that maybe_retrain waits for N more (not one per document).
            rejected = {**comparison, "at": timezone.now().isoformat(), "gold_documents": metrics["gold_documents"],
                        "source": metrics["source"]}
            with transaction.atomic():
                _lock(project)
                if not _unchanged(project, current, base_row):
                    return _superseded(project)
                TaggerModel.objects.filter(pk=current.pk).update(metrics={**(current.metrics or {}),
                                                                          "rejected": rejected})
            current.metrics = {**(current.metrics or {}), "rejected": rejected}
            current.kept = True
            return current
        metrics.update(_metrics(new_scores, method="newest gold held out", held_out=len(held),
                                previous_f1=old_scores.f1))
    examples = [example for _pk, example in top_gold]
    top = crf_module.train_stacked(base, examples, max_iterations=STACK_ITERATIONS)
    metrics.update(sureness_reference=crf_module.sureness_reference(top, crf_module.featurize(examples), base=base))
    with transaction.atomic():
        _lock(project)
        if not _unchanged(project, current, base_row):  # another training stored its model meanwhile
            return _superseded(project)
        if current.pk == base_row.pk:  # the full model becomes the base, as it is (data, metrics, date)
            TaggerModel.objects.filter(project=project, tagger=BASE).delete()
            TaggerModel.objects.filter(pk=base_row.pk).update(tagger=BASE)
        TaggerModel.objects.filter(project=project, tagger=CRF).delete()
        model = TaggerModel.objects.create(project=project, tagger=CRF, data=top, metrics=metrics,
                                           trained_on=base_row.trained_on + len(top_gold))
    model.kept = False
    return model


def rebase_due(project: Project) -> bool:
    """Whether the current model is stacked on a base that has not seen REBASE_AFTER of
    its gold documents: then the automatic job trains a new base as well."""
    current = latest_model(project)
    if current is None or not (current.metrics or {}).get("stacked"):
        return False
    base = latest_model(project, BASE)
    if base is None:
        return False
    unseen = set((current.metrics or {}).get("documents") or ()) - set((base.metrics or {}).get("documents") or ())
    return len(unseen) >= REBASE_AFTER


def rebase(project: Project) -> dict:
    """Fold the gold into a new base: passive-aggressive over the remembered bootstrap and
    the gold without its newest documents (FAST; what the automatic retraining did before
    the stacked model), scored on those newest documents against a stacked model over the
    current base trained on the same gold (both unseen by either). Stored unless clearly
    worse; then the quick retraining stacks the held-out documents on top of it at once.
    Returns what happened, for the job's result."""
    data = training_data(project)
    current = latest_model(project)
    base_row = _base_of(current) if current is not None else None
    if base_row is None or len(data.examples) < 2:
        return {"done": False}
    seen_by_base = set((base_row.metrics or {}).get("documents") or ())
    unseen = [pk for pk in data.document_ids if pk not in seen_by_base]  # oldest first
    held = set(unseen[-min(HOLD_OUT, len(data.examples) - 1):])
    if not held:
        return {"done": False}
    kept_ids = [pk for pk in data.document_ids if pk not in held]
    kept = [example for pk, example in zip(data.document_ids, data.examples, strict=True) if pk not in held]
    scored_on = [example for pk, example in zip(data.document_ids, data.examples, strict=True) if pk in held]
    metrics = {"source": data.source, "gold_documents": len(kept), "documents": kept_ids,
               "training": dict(FAST), "rebase": True, "feature_version": crf_module.FEATURE_VERSION}
    try:
        remembered = bootstrap_corpus.load(project)
    except (OSError, ValueError, UnicodeDecodeError) as error:  # as train_crf: the error's kind only
        remembered = None
        metrics["bootstrap_unreadable"] = f"{bootstrap_corpus.recorded(project)['path']}: {type(error).__name__}"
    base = bytes(base_row.data)
    # The competitor: the stacked model the quick retraining would make from the same gold.
    on_top = [example for pk, example in _on_top(data, base_row) if pk not in held]
    stacked = crf_module.train_stacked(base, on_top, max_iterations=STACK_ITERATIONS) if on_top else None
    stacked_scores = _scored(stacked or base, scored_on, base if stacked else None)
    prepared = remembered.sequences if remembered else ()
    gold = crf_module.featurize(kept)
    model = crf_module.train((), prepared=[*prepared, *gold], **FAST)
    scores = _scored(model, scored_on)
    outcome = {"done": True, "held_out": len(held), "f1": scores.f1, "stacked_f1": stacked_scores.f1}
    if scores.f1 < stacked_scores.f1 - WORSE_BY:
        return {**outcome, "kept": True}
    if remembered:
        metrics.update(bootstrap=remembered.source, bootstrap_documents=remembered.examples)
    metrics.update(_metrics(scores, method="newest gold held out", held_out=len(held), previous_f1=stacked_scores.f1),
                   sureness_reference=crf_module.sureness_reference(model, gold or prepared))
    if _store(project, model, metrics, len(kept) + (remembered.examples if remembered else 0),
              expected=(current, base_row)) is None:
        return {**outcome, "done": False, "superseded": True}
    train_crf(project, fast=True)  # the held-out documents, on top of the new base
    return {**outcome, "kept": False}


def _store(project: Project, model: bytes, metrics: dict, trained_on: int, *,
           expected: tuple[TaggerModel, TaggerModel] | None = None) -> TaggerModel | None:
    """Store `model` as the current one. `expected`: the (current, base) rows it was trained
    against; when another training replaced them meanwhile, nothing is stored (None)."""
    with transaction.atomic():
        _lock(project)
        if expected is not None and not _unchanged(project, *expected):
            return None
        # Only the current model is kept (and a stacked one's base, which this replaces).
        TaggerModel.objects.filter(project=project, tagger__in=(CRF, BASE)).delete()
        # The documents' sureness scores (DocumentLoad.tagger_confidence) are kept: the quick
        # retraining runs on its own after adjudication, and clearing them there would drop an
        # admin's uncertain_first order back to import order without a word. Each model's score
        # is relative to its own sureness on its training text, so old and new ones compare,
        # and the next pre-tagging run replaces them (running._Store) document by document.
        stored = TaggerModel.objects.create(project=project, tagger=CRF, data=model, metrics=metrics,
                                            trained_on=trained_on)
    stored.kept = False
    return stored


def start_retrain(project: Project, *, user=None, reason: str = "manual") -> Job:
    return jobs.start(project, RETRAIN_JOB, user=user, params={"reason": reason})


def retrain_job(job: Job, progress: jobs.Progress) -> dict:
    """The page's button trains fully; the automatic retraining quickly. Then, with the
    queue set to hand out the least sure documents first, the documents nobody has
    started are scored again by the model now current (running.rescore_sureness)."""
    from annotate.pretagging.running import rescore_sureness
    from annotate.services.assignment import workflow_of

    quick = (job.params or {}).get("reason") == "auto"
    progress(0, 2 if quick and rebase_due(job.project) else 1)
    model = train_crf(job.project, fast=quick)
    metrics = {key: value for key, value in model.metrics.items() if key != "documents"}
    result = {"model": model.pk, "trained_on": model.trained_on, "metrics": metrics, "kept": model.kept}
    if getattr(model, "superseded", False):
        result["superseded"] = True  # another training stored its model while this one ran
    elif model.kept:
        result["rejected"] = metrics["rejected"]
    elif "previous_f1" in metrics:
        result["compared"] = {"held_out": metrics["held_out"], "f1": metrics["f1"],
                              "previous_f1": metrics["previous_f1"]}
    if model.trigger_failure is not None:  # said in the result and among the messages the page lists
        result["trigger_model_failed"] = model.trigger_failure
        Job.objects.filter(pk=job.pk).update(messages=[*job.messages, stored(model.trigger_failure)])
    if quick and rebase_due(job.project):
        progress(1, 2)  # the quick model is in use already; the new base takes a minute or two
        result["rebase"] = rebase(job.project)
        if result["rebase"].get("kept") is False:
            model = latest_model(job.project)
            result.update(model=model.pk, trained_on=model.trained_on,
                          metrics={key: value for key, value in model.metrics.items() if key != "documents"})
    if workflow_of(job.project).uncertain_first:
        result["rescored"] = rescore_sureness(job.project, progress=progress)
    else:
        progress(1, 1)
    return result


def gold_document_count(project: Project) -> int:
    return gold_sets(project).values("document_id").distinct().count()


def _counted(metrics: dict, source: str) -> int:
    """The training documents the current model answers for: those it was trained on, or
    as many as there were when a newer model was rejected (kept: no retraining per document)."""
    counts = [metrics.get("gold_documents", 0) if metrics.get("source", source) == source else 0]
    rejected = metrics.get("rejected") or {}
    if rejected.get("source", source) == source:
        counts.append(rejected.get("gold_documents", 0))
    return max(counts)


def maybe_retrain(project: Project) -> Job | None:
    """Call when a gold set is marked adjudicated (annotate's adjudication does), or an
    annotator set is submitted (annotate's sets do; it counts while the project has no gold).

    Queues a quick background retraining of the CRF once `crf_retrain_every` (N) training
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
    set_ids, source = training_sets(project)
    # Counted by source: the first gold replaces the submitted sets as training data.
    trained = _counted(current.metrics or {}, source) if current else 0
    if len(set_ids) - trained < options.crf_retrain_every:
        return None
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one decision at a time per project
        if Job.objects.filter(project=project, kind=RETRAIN_JOB, status=Job.Status.QUEUED).exists():
            return None
        return start_retrain(project, reason="auto")
