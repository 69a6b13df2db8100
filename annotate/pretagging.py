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
    train_crf / start_retrain / retrain_job, maybe_retrain (after adjudication),
    pretag_after_import (connected to corpus.signals.documents_imported).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from django.dispatch import receiver
from django.utils.translation import gettext as _

from annotate import jobs
from annotate.models import AnnotationSet, Job, KBEntity, SetKind, SetStatus, Span, Suggestion, SuggestionDecision, TaggerModel
from corpus.models import Document, Project
from corpus.pretag import (
    DEFAULT_PRIORITY,
    CamelNER,
    CRFTagger,
    DateTagger,
    Entry,
    EventTypeSpec,
    Gazetteer,
    RoleSpec,
    TriggerTagger,
    merge,
    run_taggers,
)
from corpus.pretag import crf as crf_module
from corpus.pretag.base import EventSuggestion, TaggerError
from corpus.pretag.base import Suggestion as Proposal
from corpus.schema import ProjectSchema
from corpus.signals import documents_imported
from corpus.text.arabic import tokenize

log = logging.getLogger(__name__)

CRF = "crf"
EVENT_TAGGERS = ("triggers",)
ALL_TAGGERS = ("dates", "gazetteer", "crf", "camel_ner", "triggers")
PRIORITY = DEFAULT_PRIORITY
PRETAG_JOB = "annotate.pretagging.pretag_job"
RETRAIN_JOB = "annotate.pretagging.retrain_job"
CHUNK = 50  # documents per store (one delete + one bulk insert) and per progress report
INSERT_BATCH = 1000
MAX_JOB_MESSAGES = 200
Progress = Callable[[int, int], None]


# ---- settings -------------------------------------------------------------------------

DEFAULT_LABEL_MAP = {"PERS": "PER", "PER": "PER", "LOC": "GPE", "GPE": "GPE", "ORG": "ORG", "FAC": "FAC", "MISC": None}


@dataclass
class PretagSettings:
    """The pre-tagging options kept in Project.settings (keys of the same names)."""

    pretag_on_import: bool = False
    taggers: list[str] = field(default_factory=lambda: list(ALL_TAGGERS))
    ner_label_map: dict[str, str | None] = field(default_factory=lambda: dict(DEFAULT_LABEL_MAP))
    ner_model_path: str = ""
    crf_retrain_every: int = 5

    KEYS = ("pretag_on_import", "taggers", "ner_label_map", "ner_model_path", "crf_retrain_every")

    @classmethod
    def of(cls, project: Project) -> "PretagSettings":
        stored = project.settings or {}
        return cls(**{key: stored[key] for key in cls.KEYS if key in stored})

    def as_json(self) -> dict:
        return {key: getattr(self, key) for key in self.KEYS}


class SettingsError(ValueError):
    def __init__(self, message: str, field: str):
        self.message, self.field = message, field
        super().__init__(message)


def check_settings(project: Project, options: PretagSettings) -> PretagSettings:
    """Refuse unknown taggers, label maps naming types the project lacks, N < 1."""
    unknown = [name for name in options.taggers if name not in ALL_TAGGERS]
    if unknown:
        raise SettingsError(
            _("taggers: unknown tagger(s) %(names)s (known: %(known)s).")
            % {"names": ", ".join(unknown), "known": ", ".join(ALL_TAGGERS)}, "taggers")
    types = set(project.entity_types.values_list("key", flat=True))
    for label, kind in options.ner_label_map.items():
        if kind is not None and kind not in types:
            raise SettingsError(
                _("ner_label_map: the label %(label)s maps to «%(type)s», which is not an entity type of this "
                  "project (its types: %(types)s).") % {"label": label, "type": kind, "types": ", ".join(sorted(types))},
                "ner_label_map")
    if not isinstance(options.crf_retrain_every, int) or options.crf_retrain_every < 1:
        raise SettingsError(_("crf_retrain_every: must be a whole number of at least 1."), "crf_retrain_every")
    if options.ner_model_path and not _in_model_dirs(options.ner_model_path):
        raise SettingsError(
            _("ner_model_path: models may only be loaded from %(dirs)s (TAWSIM_MODEL_DIRS).")
            % {"dirs": ", ".join(settings.TAWSIM_MODEL_DIRS)}, "ner_model_path")
    return options


def _in_model_dirs(path: str) -> bool:
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(folder).resolve()) for folder in settings.TAWSIM_MODEL_DIRS)


def save_settings(project: Project, options: PretagSettings) -> None:
    """Validate and store the options, leaving the project's other settings alone."""
    check_settings(project, options)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.settings = {**(locked.settings or {}), **options.as_json()}
        locked.save(update_fields=["settings"])
    project.settings = locked.settings


# ---- training data --------------------------------------------------------------------

@dataclass
class TrainingData:
    examples: list[crf_module.Example]
    document_ids: list[int]
    source: str  # "gold", "submitted" or "none"


def gold_sets(project: Project):
    """The gold sets that count: adjudicated, or holding at least one span."""
    has_spans = Exists(Span.objects.filter(set=OuterRef("pk")))
    return AnnotationSet.objects.filter(document__project=project, kind=SetKind.GOLD).filter(
        Q(status=SetStatus.ADJUDICATED) | has_spans
    )


def _submitted_sets(project: Project):
    """Stand-in while there is no gold: the latest finished annotator set per document."""
    return (
        AnnotationSet.objects.filter(
            document__project=project, kind=SetKind.ANNOTATOR,
            status__in=(SetStatus.SUBMITTED, SetStatus.ADJUDICATED),
        ).order_by("document_id", "-updated_at").distinct("document_id")
    )


def training_sets(project: Project) -> tuple[list[int], str]:
    ids = list(gold_sets(project).values_list("pk", flat=True))
    if ids:
        return ids, "gold"
    ids = list(_submitted_sets(project).values_list("pk", flat=True))
    return ids, ("submitted" if ids else "none")


def training_data(project: Project) -> TrainingData:
    """(text, spans) per training document, in two queries."""
    set_ids, source = training_sets(project)
    rows = Span.objects.filter(set__in=set_ids).values_list("set__document_id", "start", "end", "entity_type__key")
    spans: dict[int, list] = {}
    for document_id, start, end, kind in rows:
        spans.setdefault(document_id, []).append((start, end, kind))
    document_ids = sorted(set(
        AnnotationSet.objects.filter(pk__in=set_ids).values_list("document_id", flat=True)))
    texts = dict(Document.objects.filter(pk__in=document_ids).values_list("pk", "text"))
    examples = [(texts[i], spans.get(i, [])) for i in document_ids]
    return TrainingData(examples, document_ids, source)


def project_entries(project: Project) -> list[Entry]:
    """The project's own names for the gazetteer: the training sets' entities (most
    frequent type first when a name has several) and the knowledge base's names and aliases."""
    set_ids, _source = training_sets(project)
    named = (
        Span.objects.filter(set__in=set_ids)
        .annotate(name=Substr("set__document__text", F("start") + 1, F("end") - F("start")))
        .values_list("name", "entity_type__key").annotate(n=Count("pk")).order_by("-n", "name")
    )
    entries = [Entry(name.strip(), kind) for name, kind, _n in named if name.strip()]
    for name, aliases, kind in KBEntity.objects.filter(project=project).values_list("name", "aliases", "entity_type__key"):
        entries += [Entry(alias.strip(), kind) for alias in [name, *(aliases or [])] if isinstance(alias, str) and alias.strip()]
    return entries


def event_specs(project: Project) -> list[EventTypeSpec]:
    """The schema's event types, trigger lexicons and roles as the trigger tagger wants them."""
    schema = ProjectSchema.load(project)
    return [
        EventTypeSpec(
            key, tuple(event.model.triggers or ()),
            tuple(RoleSpec(role.key, role.allowed, role.max_count) for role in event.roles.values()),
        )
        for key, event in schema.event_types.items()
    ]


def latest_model(project: Project, tagger: str = CRF) -> TaggerModel | None:
    return TaggerModel.objects.filter(project=project, tagger=tagger).order_by("-trained_at", "-pk").first()


# ---- building taggers -----------------------------------------------------------------

class TaggerUnavailable(Exception):
    """A tagger that cannot run for this project now (no model yet); the message says why."""


def _build_dates(project: Project, options: PretagSettings):
    return DateTagger()


def _build_gazetteer(project: Project, options: PretagSettings):
    return Gazetteer(project_entries(project))


def _build_crf(project: Project, options: PretagSettings):
    model = latest_model(project)
    if model is None:
        raise TaggerUnavailable(_("the CRF has not been trained yet: retrain it once the project has gold documents."))
    return CRFTagger(bytes(model.data))


def ner_tagger(project: Project, options: PretagSettings | None = None) -> CamelNER:
    """The camel-tools NER tagger as configured (nothing is loaded until it tags)."""
    options = options or PretagSettings.of(project)
    types = set(project.entity_types.values_list("key", flat=True))
    label_map = {label: kind for label, kind in options.ner_label_map.items() if kind in types}
    return CamelNER(label_map, model_path=options.ner_model_path or None)


def _build_camel_ner(project: Project, options: PretagSettings):
    tagger = ner_tagger(project, options)
    problem = tagger.status()  # a file check only: never imports camel_tools.ner
    if problem:
        raise TaggerUnavailable(problem)
    return tagger


def _build_triggers(project: Project, options: PretagSettings):
    specs = [spec for spec in event_specs(project) if spec.triggers]
    if not specs:
        raise TaggerUnavailable(_("no event type of this project has trigger words."))
    return TriggerTagger(specs)


# Name → builder(project, settings) → tagger; tests register extra (failing) taggers here.
BUILDERS: dict[str, Callable] = {
    "dates": _build_dates,
    "gazetteer": _build_gazetteer,
    "crf": _build_crf,
    "camel_ner": _build_camel_ner,
    "triggers": _build_triggers,
}


@dataclass
class Pipeline:
    taggers: list = field(default_factory=list)
    event_taggers: list = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # tagger → why it did not run


def build_pipeline(project: Project, names: Sequence[str] | None = None) -> Pipeline:
    """The enabled (or named) taggers, built from the project's data; a tagger that
    cannot run is listed in `skipped` with its reason instead of failing the run."""
    options = PretagSettings.of(project)
    pipeline = Pipeline()
    for name in names if names is not None else options.taggers:
        builder = BUILDERS.get(name)
        if builder is None:
            pipeline.skipped[name] = _("unknown tagger (known: %(known)s)") % {"known": ", ".join(BUILDERS)}
            continue
        try:
            tagger = builder(project, options)
        except TaggerUnavailable as reason:
            pipeline.skipped[name] = str(reason)
            continue
        (pipeline.event_taggers if name in EVENT_TAGGERS else pipeline.taggers).append(tagger)
    return pipeline


# ---- running and storing --------------------------------------------------------------

@dataclass
class DocumentResult:
    document_id: int
    suggestions: list[Proposal]
    events: list[EventSuggestion]
    ran: set[str]  # taggers that succeeded on this document: their old output is replaced
    errors: list[TaggerError]


@dataclass
class PretagReport:
    documents: int = 0
    suggestions: int = 0
    events: int = 0
    dropped: int = 0  # suggestions of a type the project does not have
    errors: list[dict] = field(default_factory=list)  # {"document", "tagger", "message"}
    skipped: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "documents": self.documents, "suggestions": self.suggestions, "events": self.events,
            "dropped": self.dropped, "errors": self.errors[:MAX_JOB_MESSAGES], "error_count": len(self.errors),
            "skipped": self.skipped,
        }


def tag_text(text: str, pipeline: Pipeline, document_id: int = 0) -> DocumentResult:
    """Every tagger's suggestions for one text; event taggers see the merged entities."""
    tokens = tokenize(text)
    raw, errors = run_taggers(text, pipeline.taggers, tokens)
    events: list[EventSuggestion] = []
    merged = merge(raw, PRIORITY)
    for tagger in pipeline.event_taggers:
        try:
            events.extend(tagger.tag_events(text, tokens, merged))
        except Exception as exc:  # noqa: BLE001 - one tagger must not stop the others
            log.warning("event tagger %s failed on document %s", tagger.name, document_id, exc_info=True)
            errors.append(TaggerError(tagger.name, f"{type(exc).__name__}: {exc}"))
    failed = {e.tagger for e in errors}
    ran = {t.name for t in [*pipeline.taggers, *pipeline.event_taggers]} - failed
    return DocumentResult(document_id, raw, events, ran, errors)


def _document_ids(project: Project, document_ids: Iterable[int] | None) -> list[int]:
    documents = Document.objects.filter(project=project)
    if document_ids is not None:
        documents = documents.filter(pk__in=list(document_ids))
    return list(documents.order_by("order").values_list("pk", flat=True))


def pretag_documents(
    project: Project,
    document_ids: Iterable[int] | None = None,
    *,
    taggers: Sequence[str] | None = None,
    progress: Progress | None = None,
    on_error: Callable[[dict], None] | None = None,
) -> PretagReport:
    """Run the taggers over the project's documents (all, or `document_ids`) and store
    the suggestions, CHUNK documents per transaction. A tagger failing on a document is
    reported (`on_error`, and in the report) and the run goes on."""
    pipeline = build_pipeline(project, taggers)
    report = PretagReport(skipped=dict(pipeline.skipped))
    ids = _document_ids(project, document_ids)
    store = _Store(project)
    if progress:
        progress(0, len(ids))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first:first + CHUNK]
        texts = Document.objects.filter(pk__in=chunk).values_list("pk", "text")
        results = [tag_text(text, pipeline, pk) for pk, text in texts]
        for result in results:
            for error in result.errors:
                problem = {"document": result.document_id, "tagger": error.tagger, "message": error.message}
                report.errors.append(problem)
                if on_error:
                    on_error(problem)
        store.save(results, report)
        report.documents += len(results)
        if progress:
            progress(first + len(chunk), len(ids))
    return report


class _Store:
    """Replaces each (document, tagger)'s undecided suggestions with the new ones."""

    def __init__(self, project: Project):
        self.entity_types = {t.key: t.pk for t in project.entity_types.all()}
        self.event_types = {t.key: t.pk for t in project.event_types.all()}

    def save(self, results: list[DocumentResult], report: PretagReport) -> None:
        with transaction.atomic():
            self._delete_undecided(results)
            kept = self._decided_keys([r.document_id for r in results])
            rows = []
            for result in results:
                rows += self._rows(result, kept, report)
            Suggestion.objects.bulk_create(rows, batch_size=INSERT_BATCH)

    def _delete_undecided(self, results: list[DocumentResult]) -> None:
        by_taggers: dict[frozenset, list[int]] = {}
        for result in results:
            by_taggers.setdefault(frozenset(result.ran), []).append(result.document_id)
        decided = SuggestionDecision.objects.filter(suggestion=OuterRef("pk"))
        for names, document_ids in by_taggers.items():
            if names:
                Suggestion.objects.filter(document_id__in=document_ids, tagger__in=names).exclude(
                    Exists(decided)).delete()

    @staticmethod
    def _decided_keys(document_ids: list[int]) -> set[tuple]:
        return set(
            Suggestion.objects.filter(document_id__in=document_ids).values_list(
                "document_id", "tagger", "kind", "entity_type_id", "event_type_id", "start", "end")
        )

    def _rows(self, result: DocumentResult, kept: set[tuple], report: PretagReport) -> list[Suggestion]:
        rows = []
        for s in result.suggestions:
            type_id = self.entity_types.get(s.type)
            key = (result.document_id, s.tagger, Suggestion.Kind.ENTITY, type_id, None, s.start, s.end)
            if s.tagger not in result.ran or key in kept:
                continue
            if type_id is None:
                report.dropped += 1
                continue
            kept.add(key)
            rows.append(Suggestion(
                document_id=result.document_id, kind=Suggestion.Kind.ENTITY, tagger=s.tagger,
                entity_type_id=type_id, start=s.start, end=s.end, score=s.score, value=(s.value or "")[:100]))
        report.suggestions += len(rows)
        events = self._event_rows(result, kept, report)
        report.events += len(events)
        return rows + events

    def _event_rows(self, result: DocumentResult, kept: set[tuple], report: PretagReport) -> list[Suggestion]:
        rows = []
        for e in result.events:
            type_id = self.event_types.get(e.type)
            key = (result.document_id, e.tagger, Suggestion.Kind.EVENT, None, type_id, e.trigger_start, e.trigger_end)
            if e.tagger not in result.ran or key in kept or type_id is None:
                continue
            kept.add(key)
            arguments = [
                {"role": a.role, "type": a.span.type, "start": a.span.start, "end": a.span.end}
                for a in e.arguments if a.span.type in self.entity_types
            ]
            rows.append(Suggestion(
                document_id=result.document_id, kind=Suggestion.Kind.EVENT, tagger=e.tagger, event_type_id=type_id,
                start=e.trigger_start, end=e.trigger_end, score=e.score, arguments=arguments))
        return rows


# ---- jobs -----------------------------------------------------------------------------

def start_pretag(project: Project, *, user=None, documents: list[int] | None = None,
                 taggers: list[str] | None = None) -> Job:
    """Queue a pre-tagging job (all documents, or the listed ones) and return it."""
    return jobs.start(project, PRETAG_JOB, user=user, params={"documents": documents, "taggers": taggers})


def pretag_job(job: Job, progress: Progress) -> dict:
    """The background job: pre-tag, with progress, and each tagger failure as a message."""
    messages = list(job.messages)
    pipeline_note = []

    def note(problem: dict) -> None:
        if len(messages) < MAX_JOB_MESSAGES:
            messages.append(
                _("document %(document)s: tagger %(tagger)s failed: %(message)s") % problem)

    def report_progress(done: int, total: int) -> None:
        progress(done, total)
        Job.objects.filter(pk=job.pk).update(messages=messages)

    params = job.params or {}
    report = pretag_documents(
        job.project, params.get("documents"), taggers=params.get("taggers"), progress=report_progress, on_error=note)
    for name, reason in report.skipped.items():
        pipeline_note.append(_("%(tagger)s did not run: %(reason)s") % {"tagger": name, "reason": reason})
    Job.objects.filter(pk=job.pk).update(messages=pipeline_note + messages)
    return report.as_json()


def pretag_after_import(project: Project, document_ids: list[int] | None) -> Job | None:
    """Start pre-tagging the newly imported documents when the project asks for it."""
    if not PretagSettings.of(project).pretag_on_import or (document_ids is not None and not document_ids):
        return None
    return start_pretag(project, documents=list(document_ids) if document_ids is not None else None)


@receiver(documents_imported, dispatch_uid="annotate.pretagging.after_import")
def _on_documents_imported(sender, project: Project, document_ids=None, **kwargs) -> None:
    pretag_after_import(project, document_ids)


# ---- the learning CRF -----------------------------------------------------------------

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


def retrain_job(job: Job, progress: Progress) -> dict:
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


def tagger_states(project: Project) -> list[dict]:
    """For the settings page: each tagger, whether it is enabled, and whether it can run."""
    options = PretagSettings.of(project)
    states = []
    for name in ALL_TAGGERS:
        problem = ""
        if name == "crf" and latest_model(project) is None:
            problem = _("not trained yet")
        elif name == "camel_ner":
            problem = ner_tagger(project, options).status() or ""
        elif name == "triggers" and not any(spec.triggers for spec in event_specs(project)):
            problem = _("no trigger words in the schema")
        states.append({"name": name, "enabled": name in options.taggers, "problem": problem})
    return states


def count_by_tagger(project: Project) -> dict[str, int]:
    rows = Suggestion.objects.filter(document__project=project).values("tagger").annotate(n=Count("pk"))
    return {row["tagger"]: row["n"] for row in rows.order_by("tagger")}
