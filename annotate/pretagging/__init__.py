"""Pre-tagging on the annotate side: the project's settings, the training data the
project's annotators made, building the pure taggers of corpus.pretag, running them
over documents, storing their Suggestions, and training the CRF.

Where the training data comes from
    Spans of the project's gold sets (kind=gold) that are adjudicated or hold at least
    one span. While a project has no gold at all, annotators' submitted (or adjudicated)
    sets stand in, the most recently changed one per document, so the CRF and the
    dictionary can learn before the first adjudication.

What is stored
    Every tagger's own suggestions (not only the merged winners), so that evaluation
    can score each tagger; readers merge them (annotate.services.suggestions.
    pending_suggestions). Re-running a tagger on a document replaces its undecided
    suggestions there and keeps the ones an annotator accepted or rejected.

Entry points
    pretag_documents (inline), start_pretag / pretag_job (background job),
    train_crf / start_retrain / retrain_job, maybe_retrain (after adjudication or a submitted set),
    pretag_after_import (connected to corpus.signals.documents_imported).

Modules
    settings      PretagSettings, the tagger names, check_settings / save_settings
    training      which sets count as training data, training_data, project_entries,
                  names_marked (the string matcher's), event_specs, latest_model
    pipeline      the tagger builders (BUILDERS), Pipeline, build_pipeline
    running       tag_text, pretag_documents and their results (CHUNK is read here),
                  rescore_sureness (after a retraining), and
                  _Store: replacing undecided Suggestions with new ones
    pretag_jobs   start_pretag / pretag_job and the after-import signal receiver
    retraining    train_crf (full, or quick: stacked on a base), rebase, start_retrain / retrain_job,
                  maybe_retrain
    trigger_model train_triggers: the trigger model in context, trained with every CRF training
    status        tagger_states and count_by_tagger for the settings page
    evaluation    the taggers scored against gold, and annotators' decisions on them
    ner_model     camel-tools' NER model on this server: its state, the job installing it

This package re-exports the public names, so `annotate.pretagging.X` keeps working; the
job kinds "pretag" / "retrain" (annotate.jobs.KINDS) resolve through these re-exports.
To patch a module-level value such as CHUNK, patch it in the module that reads it
(e.g. annotate.pretagging.running.CHUNK).
"""
from __future__ import annotations

from annotate.pretagging.pipeline import (
    BUILDERS,
    Pipeline,
    TaggerUnavailable,
    build_pipeline,
    ner_installed,
    ner_tagger,
)
from annotate.pretagging.pretag_jobs import (
    PRETAG_JOB,
    pretag_after_import,
    pretag_job,
    start_pretag,
)
from annotate.pretagging.retraining import (
    RETRAIN_JOB,
    NoTrainingData,
    gold_document_count,
    maybe_retrain,
    retrain_job,
    start_retrain,
    train_crf,
)
from annotate.pretagging.running import (
    PRIORITY,
    DocumentResult,
    PretagReport,
    pretag_documents,
    tag_text,
)
from annotate.pretagging.settings import (
    ALL_TAGGERS,
    CRF,
    DEFAULT_LABEL_MAP,
    EVENT_TAGGERS,
    TRIGGER_CRF,
    PretagSettings,
    SettingsError,
    check_settings,
    save_settings,
)
from annotate.pretagging.status import count_by_tagger, tagger_states
from annotate.pretagging.training import (
    TrainingData,
    event_specs,
    gold_sets,
    latest_model,
    names_marked,
    project_entries,
    training_data,
    training_sets,
    trigger_examples,
)
from annotate.pretagging.trigger_model import train_triggers

__all__ = [
    "ALL_TAGGERS",
    "BUILDERS",
    "CRF",
    "DEFAULT_LABEL_MAP",
    "EVENT_TAGGERS",
    "PRETAG_JOB",
    "PRIORITY",
    "RETRAIN_JOB",
    "DocumentResult",
    "NoTrainingData",
    "Pipeline",
    "PretagReport",
    "PretagSettings",
    "SettingsError",
    "TRIGGER_CRF",
    "TaggerUnavailable",
    "TrainingData",
    "build_pipeline",
    "check_settings",
    "count_by_tagger",
    "event_specs",
    "gold_document_count",
    "gold_sets",
    "latest_model",
    "maybe_retrain",
    "names_marked",
    "ner_installed",
    "ner_tagger",
    "pretag_after_import",
    "pretag_documents",
    "pretag_job",
    "project_entries",
    "retrain_job",
    "save_settings",
    "start_pretag",
    "start_retrain",
    "tag_text",
    "tagger_states",
    "train_crf",
    "training_data",
    "training_sets",
    "train_triggers",
    "trigger_examples",
]
