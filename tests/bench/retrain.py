"""How long the automatic retraining of the CRF takes, and what it is worth.

Quality (quality()): the quick retraining's candidates after 10, 25 and 50 gold documents,
each timed and scored (F1) on a held-out fifth of NewsFANE (the quality bench's split):
a full L-BFGS training over bootstrap + gold, passive-aggressive over both with 40 passes
(the automatic retraining before) and with 10, passive-aggressive over a fifth of the
bootstrap + gold, and the stacked model over the bootstrap's full model (the choice).
Timings (timings()): through annotate.pretagging.train_crf, as the retraining job runs it,
on a news-ar project bootstrapped from the whole of NewsFANE Gold (read where it lies) with
50 gold documents: the full training, the quick (stacked) one, and passive-aggressive.
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
LATE = 5  # gold documents adjudicated after the full training
GOLD_STEPS = (10, 25, 50)


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
    """The quick retraining's candidates after 10, 25 and 50 gold documents: seconds to
    train (features of the bootstrap already in memory, as in a worker) and F1 on the
    held-out fifth. Two states of the stacked model: over the full model of the bootstrap
    alone, from the newest STACK_MAX gold documents (no new base since: its worst case), and
    as the automatic job leaves it right after a new base (passive-aggressive over bootstrap
    + all gold but the newest HOLD_OUT, untimed here: that is the pa40 row's time), the
    newest HOLD_OUT on top."""
    from annotate.pretagging.retraining import FAST, HOLD_OUT, STACK_ITERATIONS, STACK_MAX
    from corpus.pretag.crf import featurize, train, train_stacked

    documents = _documents()
    order = list(range(len(documents)))
    random.Random(11).shuffle(order)
    fifth = len(order) // 5
    held = [documents[i] for i in order[:fifth]]
    rest = [documents[i] for i in order[fifth:]]
    bootstrap, pool = rest[: len(rest) // 2], rest[len(rest) // 2:]
    prepared = featurize(bootstrap)
    base = train((), prepared=prepared)
    figures = {"retrain_base_bootstrap_only_f1": {"value": f"{_f1_on(base, held):.3f}", "unit": "F1", "goal": ""}}

    def after_rebase(gold):
        rebased = train((), prepared=[*prepared, *featurize(gold[:-HOLD_OUT])], **FAST)
        started = time.perf_counter()
        return train_stacked(rebased, gold[-HOLD_OUT:], max_iterations=STACK_ITERATIONS), rebased, started

    candidates = {
        "full_lbfgs": lambda gold: (train((), prepared=[*prepared, *featurize(gold)]), None, None),
        "pa40": lambda gold: (train((), prepared=[*prepared, *featurize(gold)], **FAST), None, None),
        "pa10": lambda gold: (train((), prepared=[*prepared, *featurize(gold)], algorithm="pa", max_iterations=10),
                              None, None),
        "capped_fifth_pa40": lambda gold: (train((), prepared=[*prepared[::5], *featurize(gold)], **FAST), None,
                                           None),
        "stacked_no_new_base": lambda gold: (
            train_stacked(base, gold[-STACK_MAX:], max_iterations=STACK_ITERATIONS), base, None),
        "stacked_after_new_base": after_rebase,
    }
    for count in GOLD_STEPS:
        gold = pool[:count]
        for name, make in candidates.items():
            started = time.perf_counter()
            model, under, timed_from = make(gold)
            seconds = time.perf_counter() - (timed_from or started)
            figures[f"retrain_{count}_gold_{name}_s_f1"] = {
                "value": f"{seconds:.1f}/{_f1_on(model, held, base=under):.3f}", "unit": "s/F1", "goal": ""}
    return figures


def timings() -> dict:
    """Through train_crf on a project bootstrapped from the whole of NewsFANE: the full
    training (the button) with 45 gold documents, then 5 more adjudicated and the quick
    retraining (stacked on the full model; the 5 held out first to score it), the new base
    the automatic job trains every REBASE_AFTER documents (rebase), and the
    passive-aggressive retraining over bootstrap + gold that was the automatic one before."""
    from annotate import pretagging
    from annotate.models import TaggerModel
    from annotate.pretagging import bootstrap_corpus, retraining
    from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

    project, add_last_gold = _project()
    bootstrap = list(read_bio(NEWSFANE, NEWSFANE_CLASSES))

    def seconds(action, *args, **options) -> float:
        started = time.perf_counter()
        action(project, *args, **options)
        return time.perf_counter() - started

    full = seconds(pretagging.train_crf, extra_examples=bootstrap, extra_source=str(NEWSFANE))
    bootstrap_corpus.remember(project, str(NEWSFANE), NEWSFANE_CLASSES)
    add_last_gold()
    quick = seconds(pretagging.train_crf, fast=True)
    model = pretagging.latest_model(project)
    rebase = seconds(retraining.rebase)  # 5 new to the base: the job would wait for REBASE_AFTER
    TaggerModel.objects.filter(project=project).delete()
    pa_cold = seconds(pretagging.train_crf, fast=True)
    TaggerModel.objects.filter(project=project).delete()
    pa_warm = seconds(pretagging.train_crf, fast=True)
    return {
        "retrain_full_with_bootstrap_s": {"value": f"{full:.1f}", "unit": "s", "goal": ""},
        "retrain_quick_stacked_s": {"value": f"{quick:.1f}", "unit": "s", "goal": "seconds"},
        "retrain_quick_stacked_held_out_f1_new_old": {
            "value": f"{model.metrics.get('f1', 0):.3f}/{model.metrics.get('previous_f1', 0):.3f}",
            "unit": "F1", "goal": ""},
        "retrain_new_base_s": {"value": f"{rebase:.1f}", "unit": "s", "goal": ""},
        "retrain_pa_bootstrap_gold_cold_warm_s": {"value": f"{pa_cold:.1f}/{pa_warm:.1f}", "unit": "s", "goal": ""},
    }


def _project():
    """A news-ar project with GOLD NewsFANE documents, all but the last LATE stored as
    adjudicated gold sets (bulk-written); the function returned adds those."""
    from annotate.models import AnnotationSet, SetKind, SetStatus, Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.presets import create_project_from_preset

    project = create_project_from_preset("إعادة التدريب", slug="bench-retrain", preset="news-ar")
    documents = _documents()[:GOLD]
    add_documents(project, [DocumentRecord(external_id=f"nf{i}", text=text) for i, (text, _s) in enumerate(documents)])
    types = {t.key: t for t in project.entity_types.all()}
    stored = {d.external_id: d for d in project.documents.all()}

    def adjudicated(numbers):
        sets = AnnotationSet.objects.bulk_create([
            AnnotationSet(document=stored[f"nf{i}"], kind=SetKind.GOLD, status=SetStatus.ADJUDICATED)
            for i in numbers])
        Span.objects.bulk_create([
            Span(set=gold_set, entity_type=types[kind], start=start, end=end)
            for gold_set, i in zip(sets, numbers, strict=True) for start, end, kind in set(documents[i][1])
        ])

    adjudicated(range(GOLD - LATE))
    return project, lambda: adjudicated(range(GOLD - LATE, GOLD))


if __name__ == "__main__":
    main()
