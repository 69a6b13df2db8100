"""The trigger model of a project (corpus.pretag.trigger_model): trained on the events of
the training sets (gold, else submitted sets, as the CRF) and stored as the project's
TaggerModel of tagger "trigger_crf", with the words it needs at tagging time in its
metrics. train_triggers is called by every CRF training (the page's button,
`train_tagger`, the automatic retraining after adjudication): one training of a few
hundred milliseconds on a few documents. Through train_triggers_reporting: its failure is
logged and said, and never undoes the CRF's training.
"""
from __future__ import annotations

import logging

from django.db import transaction

from annotate.models import TaggerModel
from annotate.pretagging.training import event_specs, trigger_examples
from corpus.deferred_text import DeferredText, gettext_deferred, text_of
from corpus.models import Project
from corpus.pretag import trigger_model

TRIGGER_CRF = trigger_model.NAME
log = logging.getLogger(__name__)


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


def train_triggers_reporting(project: Project) -> DeferredText | None:
    """train_triggers for a CRF training: its failure is logged and returned as a message
    (None when it trained), and the previous trigger model stays in use."""
    try:
        train_triggers(project)
    except Exception as error:  # the entity CRF is trained all the same
        log.exception("project %s: the trigger model could not be trained", project.slug)
        return gettext_deferred(
            "The trigger model could not be trained (%(error)s: %(reason)s): the CRF was trained, and the previous "
            "trigger model, if any, stays in use.", error=type(error).__name__, reason=text_of(error))
    return None
