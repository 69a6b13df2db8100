"""Storing the taggers' output as Suggestions: _Store replaces, per document and tagger
that ran, the undecided suggestions with the new ones, keeps those an annotator accepted
or rejected, and drops (and counts) suggestions of a type the project does not have.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef

from annotate.models import Suggestion, SuggestionDecision
from annotate.services.base import ensure_writable
from corpus.models import Project

if TYPE_CHECKING:  # running imports this module, so only for the annotations
    from annotate.pretagging.running import DocumentResult, PretagReport

INSERT_BATCH = 1000


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
