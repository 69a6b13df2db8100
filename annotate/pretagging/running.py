"""Running a pipeline over documents and storing its output.

tag_text gives every tagger's suggestions for one text (event taggers see the merged
entities; one that reviews, the trigger model, then judges the others' triggers), and
pretag_documents runs the pipeline over a project's documents CHUNK at a time, reports
progress and tagger failures, and stores the results through _Store;
DocumentResult and PretagReport are what they return.

_Store replaces, per document and tagger that ran, the undecided suggestions with the new
ones, keeps those an annotator accepted or rejected, and drops (and counts) suggestions
of a type the project does not have; it stores how sure the CRF was of each document
(DocumentLoad.tagger_confidence, read by the queue; None where the CRF gave no score).
rescore_sureness scores it again for the documents nobody has started, after a retraining.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef

from annotate.models import AnnotationSet, DocumentLoad, Suggestion, SuggestionDecision
from annotate.pretagging.pipeline import BUILDERS, Pipeline, TaggerUnavailable, build_pipeline
from annotate.pretagging.settings import CRF, PretagSettings
from annotate.services.base import ensure_writable
from corpus.models import Document, Project
from corpus.pretag import DEFAULT_PRIORITY, merge, run_taggers
from corpus.pretag.base import EntityProposal, EventProposal, TaggerError
from corpus.text.arabic import tokenize

if TYPE_CHECKING:
    from annotate.jobs import Progress

log = logging.getLogger(__name__)

PRIORITY = DEFAULT_PRIORITY
CHUNK = 50  # documents per store (one delete + one bulk insert) and per progress report
MAX_JOB_MESSAGES = 200
INSERT_BATCH = 1000


@dataclass
class DocumentResult:
    document_id: int
    suggestions: list[EntityProposal]
    events: list[EventProposal]
    ran: set[str]  # taggers that succeeded on this document: their old output is replaced
    errors: list[TaggerError]
    confidence: float | None = None  # how sure the CRF was of the document (None: it did not run)


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
    events: list[EventProposal] = []
    merged = merge([s for s in raw if s.audience is None], PRIORITY)  # what everyone is shown
    for tagger in pipeline.event_taggers:
        try:
            events.extend(tagger.tag_events(text, tokens, merged))
        except Exception as exc:  # noqa: BLE001 - one tagger must not stop the others
            log.warning("event tagger %s failed on document %s", tagger.name, document_id, exc_info=True)
            errors.append(TaggerError(tagger.name, f"{type(exc).__name__}: {exc}"))
    events = _reviewed(text, tokens, pipeline, events, errors)
    failed = {e.tagger for e in errors}
    ran = {t.name for t in [*pipeline.taggers, *pipeline.event_taggers]} - failed
    crf = next((t for t in pipeline.taggers if t.name == CRF), None)
    confidence = getattr(crf, "confidence", None) if CRF in ran else None
    return DocumentResult(document_id, raw, events, ran, errors, confidence)


def _reviewed(text: str, tokens, pipeline: Pipeline, events: list[EventProposal],
              errors: list[TaggerError]) -> list[EventProposal]:
    """Event taggers that judge the others' proposals in context (the trigger model's
    `review`: a lexicon word it is sure is no trigger here is dropped) see them all last."""
    failed = {e.tagger for e in errors}
    for tagger in pipeline.event_taggers:
        review = getattr(tagger, "review", None)
        if review is None or tagger.name in failed:
            continue
        try:
            events = review(text, tokens, events)
        except Exception as exc:  # noqa: BLE001 - the proposals stand as they were
            log.warning("event tagger %s failed to review", tagger.name, exc_info=True)
            errors.append(TaggerError(tagger.name, f"{type(exc).__name__}: {exc}"))
    return events


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
    resume_from: int = 0,
) -> PretagReport:
    """Run the taggers over the project's documents (all, or `document_ids`) and store
    the suggestions, CHUNK documents per transaction. A tagger failing on a document is
    reported (`on_error`, and in the report) and the run goes on. `resume_from` skips the
    first documents (in order), already stored by an attempt that was cut short."""
    pipeline = build_pipeline(project, taggers)
    report = PretagReport(skipped=dict(pipeline.skipped))
    ids = _document_ids(project, document_ids)
    store = _Store(project)
    resume_from = min(max(resume_from, 0), len(ids))
    if progress:
        progress(resume_from, len(ids))
    for first in range(resume_from, len(ids), CHUNK):
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


RESCORE_LIMIT = 2000  # documents a retraining scores again at most (the first in import order)


def rescore_sureness(project: Project, *, progress: Progress | None = None, limit: int | None = None) -> int:
    """Score again, with the current CRF, how sure it is of each document nobody has
    started (no annotation set yet), up to `limit` in import order, so the uncertain_first
    queue follows the model now current. One query reads the texts, one UPDATE stores
    each CHUNK; progress after each. Returns how many were scored (0 without a CRF)."""
    try:
        crf = BUILDERS[CRF](project, PretagSettings.of(project))
    except TaggerUnavailable:
        return 0
    started = AnnotationSet.objects.filter(document=OuterRef("pk"))
    rows = list(Document.objects.filter(project=project).exclude(Exists(started)).order_by("order")
                .values_list("pk", "text")[:RESCORE_LIMIT if limit is None else limit])
    if progress:
        progress(0, len(rows))
    for first in range(0, len(rows), CHUNK):
        scored = []
        for pk, text in rows[first:first + CHUNK]:
            crf.tag(text, tokenize(text))
            scored.append(DocumentLoad(document_id=pk, tagger_confidence=crf.confidence))
        DocumentLoad.objects.bulk_update(scored, ["tagger_confidence"])
        if progress:
            progress(first + len(scored), len(rows))
    return len(rows)


class _Store:
    """Replaces each (document, tagger)'s undecided suggestions with the new ones."""

    def __init__(self, project: Project):
        self.project = project
        self.entity_types = {t.key: t.pk for t in project.entity_types.all()}
        self.event_types = {t.key: t.pk for t in project.event_types.all()}

    def save(self, results: list[DocumentResult], report: PretagReport) -> None:
        ensure_writable(Project.objects.get(pk=self.project.pk))  # archived while the job ran: store nothing
        with transaction.atomic():
            self._delete_undecided(results)
            kept = self._decided_keys([r.document_id for r in results])
            rows = []
            for result in results:
                rows += self._rows(result, kept, report)
            Suggestion.objects.bulk_create(rows, batch_size=INSERT_BATCH)
            self._store_confidence(results)

    @staticmethod
    def _store_confidence(results: list[DocumentResult]) -> None:
        """The CRF's sureness per document, where the queue reads it (one UPDATE). Every
        document of the run gets this run's score, None where the CRF did not give one
        (not in this run, or failed there): an older score would order the queue by a
        model's view of the text that this run no longer vouches for."""
        scored = [DocumentLoad(document_id=r.document_id, tagger_confidence=r.confidence) for r in results]
        if scored:
            DocumentLoad.objects.bulk_update(scored, ["tagger_confidence"])

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
                "document_id", "tagger", "kind", "entity_type_id", "event_type_id", "start", "end", "user_id")
        )

    def _rows(self, result: DocumentResult, kept: set[tuple], report: PretagReport) -> list[Suggestion]:
        rows = []
        for s in result.suggestions:
            type_id = self.entity_types.get(s.type)
            key = (result.document_id, s.tagger, Suggestion.Kind.ENTITY, type_id, None, s.start, s.end, s.audience)
            if s.tagger not in result.ran or key in kept:
                continue
            if type_id is None:
                report.dropped += 1
                continue
            kept.add(key)
            rows.append(Suggestion(
                document_id=result.document_id, kind=Suggestion.Kind.ENTITY, tagger=s.tagger,
                entity_type_id=type_id, start=s.start, end=s.end, score=s.score, value=(s.value or "")[:100],
                kb_entity_id=s.kb_entity, user_id=s.audience))
        report.suggestions += len(rows)
        events = self._event_rows(result, kept, report)
        report.events += len(events)
        return rows + events

    def _event_rows(self, result: DocumentResult, kept: set[tuple], report: PretagReport) -> list[Suggestion]:
        rows = []
        for e in result.events:
            type_id = self.event_types.get(e.type)
            key = (result.document_id, e.tagger, Suggestion.Kind.EVENT, None, type_id, e.trigger_start, e.trigger_end,
                   None)
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
