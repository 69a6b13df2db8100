"""The training data the project's annotators made: which sets count (gold_sets, or the
latest submitted annotator set per document while there is no gold), the (text, spans)
examples the CRF learns from (training_data), the gazetteer's names (project_entries), the
string matcher's (names_marked), the schema's event types for the trigger tagger
(event_specs), the documents with annotated events (trigger_examples) and the trigger words
they taught (learned_triggers), and the
project's current trained model (latest_model).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr

from annotate.models import (
    AnnotationSet,
    Event,
    KBEntity,
    SetKind,
    SetStatus,
    Span,
    TaggerModel,
)
from annotate.pretagging.settings import CRF
from annotate.services.assignment import workflow_of
from corpus.models import Document, Project
from corpus.pretag import Entry, EventTypeSpec, MarkedName, RoleSpec
from corpus.pretag import crf as crf_module
from corpus.pretag.string_match import Mark, names_from_marks
from corpus.pretag.trigger_learning import AnnotatedText, LearnedTrigger, learn_triggers
from corpus.schema import ProjectSchema


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
    """Stand-in while there is no gold: the latest finished annotator set per document.

    In a blind project with several annotators per document, a document counts only once
    each of its annotators has finished (at least annotators_per_document sets, none still
    open): what the taggers learn from a set is offered to everyone, and a model trained on
    one annotator's set would show that set's marks to the next annotator of the document.
    """
    finished = (SetStatus.SUBMITTED, SetStatus.ADJUDICATED)
    sets = AnnotationSet.objects.filter(document__project=project, kind=SetKind.ANNOTATOR, status__in=finished)
    workflow = workflow_of(project)
    if workflow.blind and workflow.annotators_per_document > 1:
        done = (
            Document.objects.filter(project=project)
            .annotate(
                finished=Count("annotation_sets", filter=Q(annotation_sets__kind=SetKind.ANNOTATOR,
                                                           annotation_sets__status__in=finished)),
                open=Count("annotation_sets", filter=Q(annotation_sets__kind=SetKind.ANNOTATOR)
                           & ~Q(annotation_sets__status__in=finished)),
            )
            .filter(finished__gte=workflow.annotators_per_document, open=0)
        )
        sets = sets.filter(document__in=done.values("pk"))
    return sets.order_by("document_id", "-updated_at").distinct("document_id")


def training_sets(project: Project) -> tuple[list[int], str]:
    ids = list(gold_sets(project).values_list("pk", flat=True))
    if ids:
        return ids, "gold"
    ids = list(_submitted_sets(project).values_list("pk", flat=True))
    return ids, ("submitted" if ids else "none")


def training_data(project: Project) -> TrainingData:
    """(text, spans) per training document, oldest first, in three queries."""
    set_ids, source = training_sets(project)
    rows = Span.objects.filter(set__in=set_ids).values_list("set__document_id", "start", "end", "entity_type__key")
    spans: dict[int, list] = {}
    for document_id, start, end, kind in rows:
        spans.setdefault(document_id, []).append((start, end, kind))
    # Oldest first (by the set's last change): the quick retraining holds the newest out.
    document_ids = list(dict.fromkeys(
        AnnotationSet.objects.filter(pk__in=set_ids).order_by("updated_at", "document_id")
        .values_list("document_id", flat=True)))
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
    kb = KBEntity.objects.filter(project=project).values_list("name", "aliases", "entity_type__key")
    for name, aliases, kind in kb:
        names = [name, *(aliases or [])]
        entries += [Entry(alias.strip(), kind) for alias in names if isinstance(alias, str) and alias.strip()]
    return entries


def names_marked(project: Project) -> tuple[list[MarkedName], dict[int, list[MarkedName]]]:
    """What the string matcher offers: the names of the gold sets (for everyone) and of
    each annotator's own sets (for that annotator), each with the type and knowledge-base
    entity it was marked with most often, without the names those same texts mostly leave
    unmarked (corpus.pretag.string_match.names_from_marks). Three queries: the gold spans,
    the annotators' spans, the texts of their documents."""
    gold = list(Span.objects.filter(set__in=gold_sets(project)).values_list(
        "set__document_id", "start", "end", "entity_type__key", "kb_entity_id"))
    annotated = list(Span.objects.filter(
        set__document__project=project, set__kind=SetKind.ANNOTATOR, set__owner__isnull=False,
    ).values_list("set__owner_id", "set__document_id", "start", "end", "entity_type__key", "kb_entity_id"))
    document_ids = {row[0] for row in gold} | {row[1] for row in annotated}
    texts = dict(Document.objects.filter(pk__in=document_ids).values_list("pk", "text")) if document_ids else {}
    by_owner: dict[int, list[Mark]] = {}
    for owner, *place in annotated:
        by_owner.setdefault(owner, []).append(Mark(*place))
    own = {owner: names_from_marks(texts, marks) for owner, marks in by_owner.items()}
    return names_from_marks(texts, [Mark(*place) for place in gold]), own


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


def trigger_examples(project: Project) -> tuple[list[AnnotatedText], list[int]]:
    """(text, events) of the training documents holding events, and their ids, in two
    queries. Only the documents with events count: a set without any is no evidence that
    a word is not a trigger (its annotators may have marked entities only)."""
    set_ids, _source = training_sets(project)
    events: dict[int, list[tuple[str, int, int]]] = {}
    rows = Event.objects.filter(set__in=set_ids).values_list(
        "set__document_id", "event_type__key", "trigger_start", "trigger_end")
    for document_id, kind, start, end in rows:
        events.setdefault(document_id, []).append((kind, start, end))
    texts = Document.objects.filter(pk__in=list(events)).order_by("pk").values_list("pk", "text")
    pairs = [(pk, AnnotatedText(text, events[pk])) for pk, text in texts.iterator(chunk_size=500)]
    return [example for _pk, example in pairs], [pk for pk, _example in pairs]


def learned_triggers(project: Project) -> list[LearnedTrigger]:
    """Trigger words learned from the training sets' events (trigger_examples)."""
    return learn_triggers(trigger_examples(project)[0])


def latest_model(project: Project, tagger: str = CRF) -> TaggerModel | None:
    return TaggerModel.objects.filter(project=project, tagger=tagger).order_by("-trained_at", "-pk").first()
