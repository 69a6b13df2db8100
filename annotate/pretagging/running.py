"""Running a pipeline over documents: tag_text gives every tagger's suggestions for one
text (event taggers see the merged entities), and pretag_documents runs the pipeline over
a project's documents CHUNK at a time, reports progress and tagger failures, and stores
the results through storing._Store; DocumentResult and PretagReport are what they return.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from annotate.pretagging.pipeline import Pipeline, build_pipeline
from annotate.pretagging.storing import _Store
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


@dataclass
class DocumentResult:
    document_id: int
    suggestions: list[EntityProposal]
    events: list[EventProposal]
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
    events: list[EventProposal] = []
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
