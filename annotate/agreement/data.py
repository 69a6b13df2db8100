"""Load annotators' submitted sets into the plain data annotate.agreement.metrics works on.

A set counts when it is an annotator's (not gold) and submitted, or adjudicated (it was
submitted before a reviewer merged it into gold). A document counts when at least two
annotators' sets count. A handful of queries whatever the project's size: the sets, the
spans (values_list joined to their sets), the texts, the events and the arguments.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from annotate.agreement.metrics import ComparedEvent, DocumentSets
from annotate.models import AnnotationSet, Argument, Event, SetKind, SetStatus, Span
from corpus.models import Document, Project

COUNTED_STATUSES = (SetStatus.SUBMITTED, SetStatus.ADJUDICATED)


def counted_sets(project: Project, document_id: int | None = None):
    """The sets agreement is computed from (documents with one such set included)."""
    sets = AnnotationSet.objects.filter(
        document__project=project, kind=SetKind.ANNOTATOR, status__in=COUNTED_STATUSES
    )
    return sets.filter(document_id=document_id) if document_id is not None else sets


def state_key(project: Project) -> str:
    """Changes whenever a counted set does: one is submitted, reopened (it leaves the
    count), resubmitted (its updated_at moves) or written to (its version moves)."""
    state = counted_sets(project).aggregate(n=Count("pk"), latest=Max("updated_at"), versions=Sum("version"))
    latest = state["latest"].isoformat() if state["latest"] else "-"
    return f"{state['n']}:{latest}:{state['versions'] or 0}"


@dataclass
class Loaded:
    documents: list[DocumentSets]
    entity_types: list[str]


def load(project: Project, document_id: int | None = None) -> Loaded:
    """The project's (or one document's) documents with two or more counted sets."""
    sets = list(counted_sets(project, document_id).values_list("pk", "document_id", "owner__username"))
    by_document: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for set_id, doc_id, owner in sets:
        by_document[doc_id].append((set_id, owner))
    kept = {doc_id for doc_id, members in by_document.items() if len(members) >= 2}
    owner_of = {set_id: (doc_id, owner) for set_id, doc_id, owner in sets if doc_id in kept}
    documents = {
        pk: DocumentSets(pk, text, title=title or external_id,
                         spans={owner: [] for _s, owner in by_document[pk]},
                         events={owner: [] for _s, owner in by_document[pk]})
        for pk, text, title, external_id in Document.objects.filter(pk__in=kept)
        .order_by("order").values_list("pk", "text", "title", "external_id")
    }
    _add_spans(project, document_id, owner_of, documents)
    _add_events(project, document_id, owner_of, documents)
    entity_types = list(project.entity_types.order_by("order", "key").values_list("key", flat=True))
    return Loaded(list(documents.values()), entity_types)


def _in_scope(model, project: Project, document_id: int | None, prefix: str):
    scope = Q(**{f"{prefix}document__project": project, f"{prefix}kind": SetKind.ANNOTATOR,
                 f"{prefix}status__in": COUNTED_STATUSES})
    if document_id is not None:
        scope &= Q(**{f"{prefix}document_id": document_id})
    return model.objects.filter(scope)


def _add_spans(project, document_id, owner_of, documents) -> None:
    # By the sets' ids (the unique index leads with set_id): a plan linear in the spans
    # read whatever the statistics say, unlike the join through sets and documents.
    rows = Span.objects.filter(set_id__in=list(owner_of)).values_list("set_id", "entity_type__key", "start", "end")
    for set_id, key, start, end in rows.iterator(chunk_size=20_000):
        if set_id in owner_of:
            doc_id, owner = owner_of[set_id]
            documents[doc_id].spans[owner].append((key, start, end))


def _add_events(project, document_id, owner_of, documents) -> None:
    arguments = defaultdict(set)
    argument_rows = _in_scope(Argument, project, document_id, "event__set__").values_list(
        "event_id", "role__key", "span__start", "span__end"
    )
    for event_id, role, start, end in argument_rows.iterator(chunk_size=20_000):
        arguments[event_id].add((role, start, end))
    rows = _in_scope(Event, project, document_id, "set__").values_list(
        "pk", "set_id", "event_type__key", "trigger_start", "trigger_end", "attributes"
    )
    for pk, set_id, key, start, end, attributes in rows.iterator(chunk_size=20_000):
        if set_id in owner_of:
            doc_id, owner = owner_of[set_id]
            documents[doc_id].events[owner].append(ComparedEvent(
                key, (start, end), tuple(sorted((k, str(v)) for k, v in (attributes or {}).items())),
                frozenset(arguments.get(pk, ())),
            ))
