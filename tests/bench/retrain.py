"""How long retraining the CRF takes after an adjudicated document, and what it is worth.

A project as the README bootstraps it: NewsFANE Gold as the bootstrap corpus (read where
it lies) and 50 gold documents (NewsFANE documents of 15 segments, stored as adjudicated
gold sets). Timed through annotate.pretagging.train_crf, as the retraining job runs it:
- before: what the automatic retraining did (the gold alone, 5-fold cross-validation and
  a final L-BFGS training; it left the bootstrap out),
- full: the full training with the bootstrap (the corpus model scored on the gold, then
  the model on both),
- quick: the quick retraining (passive-aggressive, one training, the bootstrap's features
  from memory), cold (first in a process: the corpus is read and featurized) and warm.
Quality: F1 on a held-out fifth of the documents (the quality bench's split) of an L-BFGS
model and of the quick one, both trained on the same bootstrap part and 50 gold documents.
The load average is printed: the machine is shared and the times move with it.

Skipped (with a line saying so) when NewsFANE is absent.
"""
from __future__ import annotations

import os
import random
import time

from tests.bench.common import report, setup_django
from tests.bench.quality import NEWSFANE, _documents, _f1_on

GOLD = 50


def main() -> None:
    setup_django()
    if not NEWSFANE.exists():
        print(f"retrain: {NEWSFANE} is absent; skipped")
        report({})
        return
    figures = {"retrain_load_average": {"value": f"{os.getloadavg()[0]:.1f}", "unit": "1 min", "goal": ""}}
    figures.update(quality())
    figures.update(timings())
    figures["retrain_load_average_after"] = {"value": f"{os.getloadavg()[0]:.1f}", "unit": "1 min", "goal": ""}
    report(figures)


def quality() -> dict:
    from annotate.pretagging.retraining import FAST
    from corpus.pretag.crf import train

    documents = _documents()
    order = list(range(len(documents)))
    random.Random(11).shuffle(order)
    fifth = len(order) // 5
    held = [documents[i] for i in order[:fifth]]
    rest = [documents[i] for i in order[fifth:]]
    bootstrap, gold = rest[: len(rest) // 2], rest[len(rest) // 2:][:GOLD]
    started = time.perf_counter()
    full = train(bootstrap + gold)
    full_s = time.perf_counter() - started
    started = time.perf_counter()
    quick = train(bootstrap + gold, **FAST)
    quick_s = time.perf_counter() - started
    alone = train(gold)
    return {
        "retrain_heldout_f1_full_quick_gold_only": {
            "value": f"{_f1_on(full, held):.3f}/{_f1_on(quick, held):.3f}/{_f1_on(alone, held):.3f}",
            "unit": "F1", "goal": "quick >= full - 0.01"},
        "retrain_heldout_training_s_full_quick": {"value": f"{full_s:.1f}/{quick_s:.1f}", "unit": "s", "goal": ""},
    }


def timings() -> dict:
    from annotate import pretagging
    from annotate.pretagging import bootstrap_corpus
    from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

    project = _project()
    bootstrap = list(read_bio(NEWSFANE, NEWSFANE_CLASSES))

    def seconds(**options) -> float:
        started = time.perf_counter()
        pretagging.train_crf(project, **options)
        return time.perf_counter() - started

    before = seconds()
    full = seconds(extra_examples=bootstrap, extra_source=str(NEWSFANE))
    bootstrap_corpus.remember(project, str(NEWSFANE), NEWSFANE_CLASSES)
    cold = seconds(fast=True)
    warm = seconds(fast=True)
    return {
        "retrain_before_gold_only_cv_s": {"value": f"{before:.1f}", "unit": "s", "goal": ""},
        "retrain_full_with_bootstrap_s": {"value": f"{full:.1f}", "unit": "s", "goal": ""},
        "retrain_quick_cold_warm_s": {"value": f"{cold:.1f}/{warm:.1f}", "unit": "s", "goal": "warm: seconds"},
    }


def _project():
    """A news-ar project with GOLD adjudicated NewsFANE documents (bulk-written)."""
    from annotate.models import AnnotationSet, SetKind, SetStatus, Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.presets import create_project_from_preset

    project = create_project_from_preset("إعادة التدريب", slug="bench-retrain", preset="news-ar")
    documents = _documents()[:GOLD]
    add_documents(project, [DocumentRecord(external_id=f"nf{i}", text=text) for i, (text, _s) in enumerate(documents)])
    types = {t.key: t for t in project.entity_types.all()}
    stored = {d.external_id: d for d in project.documents.all()}
    sets = AnnotationSet.objects.bulk_create([
        AnnotationSet(document=stored[f"nf{i}"], kind=SetKind.GOLD, status=SetStatus.ADJUDICATED)
        for i in range(len(documents))])
    Span.objects.bulk_create([
        Span(set=gold_set, entity_type=types[kind], start=start, end=end)
        for gold_set, (_text, spans) in zip(sets, documents, strict=True) for start, end, kind in set(spans)
    ])
    return project


if __name__ == "__main__":
    main()
