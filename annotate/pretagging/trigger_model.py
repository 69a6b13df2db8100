"""The trigger model of a project (corpus.pretag.trigger_model): trained on the events of
the training sets (gold, else submitted sets, as the CRF) and stored as the project's
TaggerModel of tagger "trigger_crf", with the words it needs at tagging time in its
metrics. train_triggers is called by every CRF training (the page's button,
`train_tagger`, the automatic retraining after adjudication): one training of a few
hundred milliseconds on a few documents.
"""
from __future__ import annotations

from django.db import transaction

from annotate.models import TaggerModel
from annotate.pretagging.training import event_specs, trigger_examples
from corpus.models import Project
from corpus.pretag import trigger_model

TRIGGER_CRF = trigger_model.NAME


def train_triggers(project: Project) -> TaggerModel | None:
    """Train the trigger model and store it as the project's current one; None (and the
    old model removed) when no training document holds an event."""
    examples, document_ids = trigger_examples(project)
    if not examples:
        TaggerModel.objects.filter(project=project, tagger=TRIGGER_CRF).delete()
        return None
    trained = trigger_model.train(examples, event_specs(project))
    metrics = {"documents": document_ids, "events": trained.events,
               "marked": [list(pair) for pair in trained.marked], "doubtful": trained.doubtful}
    with transaction.atomic():
        TaggerModel.objects.filter(project=project, tagger=TRIGGER_CRF).delete()  # only the current one is kept
        return TaggerModel.objects.create(project=project, tagger=TRIGGER_CRF, data=trained.model, metrics=metrics,
                                          trained_on=trained.documents)
