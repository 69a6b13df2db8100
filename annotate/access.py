"""Who may see and change which annotations. One helper per object kind: it returns
the object the user may access, or raises Http404 (never 403: a stranger must not
learn that an object exists). Project membership helpers come from corpus.access."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from annotate.models import AnnotationSet, Argument, Event, Relation, SetKind, Span
from annotate.services import assignment
from annotate.set_refs import OwnSetOf
from corpus import access as corpus_access
from corpus.access import get_project_for, projects_for, role_in  # noqa: F401 (re-exported)
from corpus.models import Document, Project, Role

REVIEW_ROLES = (Role.ADMIN, Role.REVIEWER)


def get_openable_document_for(user, project: Project, document_id: int) -> Document:
    """A document of the project; an annotator gets only the documents given to them once
    the project hands out assignments (see documents_for)."""
    document = corpus_access.get_member_document_for(user, project, document_id)
    if role_in(user, project) == Role.ANNOTATOR and not documents_for(user, project).filter(pk=document.pk).exists():
        raise Http404("no such document")
    return document


def documents_for(user, project: Project) -> QuerySet[Document]:
    """The documents the user may open: reviewers and admins all, annotators those the
    project gives them (annotate.services.assignment.openable_documents)."""
    if role_in(user, project) != Role.ANNOTATOR:
        return Document.objects.filter(project=project)
    return assignment.openable_documents(project, user)


def can_read_set(user, annotation_set: AnnotationSet) -> bool:
    """Reviewers and admins read every set; annotators their own, and, when the project
    is not blind, other annotators' sets (never the gold set before adjudication)."""
    project = annotation_set.document.project
    role = role_in(user, project)
    if role in REVIEW_ROLES:
        return True
    if role != Role.ANNOTATOR:
        return False
    if annotation_set.owner_id == user.pk:
        return True
    return not project.settings.get("blind", True) and annotation_set.kind == SetKind.ANNOTATOR


def can_write_set(user, annotation_set: AnnotationSet) -> bool:
    """Annotators write their own set; reviewers and admins write the gold set. An
    annotator's untouched set (opened before the project handed out assignments) is
    writable only while its document is still theirs to open; a set they wrote in stays
    theirs, and checking only untouched sets keeps the editor's writes at no extra query."""
    project = annotation_set.document.project
    role = role_in(user, project)
    if annotation_set.kind == SetKind.GOLD:
        return role in REVIEW_ROLES
    if annotation_set.owner_id != user.pk or role is None:
        return False
    if role == Role.ANNOTATOR and not assignment.is_written(annotation_set):
        return documents_for(user, project).filter(pk=annotation_set.document_id).exists()
    return True


def get_set_for(user, set_id: int | OwnSetOf, *, write: bool = False) -> AnnotationSet:
    """The set by id; or, for OwnSetOf (the editor's URLs before the first write), the
    user's own set of that document, unsaved if it does not exist yet (the first write
    creates it: annotate.services.base.recorded)."""
    # The user's role comes with the set (one query less on every editor write).
    sets = AnnotationSet.objects.select_related("document__project", "owner").annotate(
        user_role=corpus_access.role_subquery(user, "document__project"))
    if isinstance(set_id, OwnSetOf):
        if not user.is_authenticated:
            raise Http404("no such annotation set")
        sets = sets.filter(document_id=set_id.document_id, owner=user, kind=SetKind.ANNOTATOR)
        annotation_set = sets.first()
        if annotation_set is None:
            return _unsaved_own_set(user, set_id.document_id)
    else:
        annotation_set = sets.filter(pk=set_id).first()
    if annotation_set is not None:
        corpus_access.remember_role(annotation_set.document.project, user, annotation_set.user_role)
    allowed = annotation_set is not None and (
        can_write_set(user, annotation_set) if write else can_read_set(user, annotation_set)
    )
    if not allowed:
        raise Http404("no such annotation set")
    return annotation_set


def _unsaved_own_set(user, document_id: int) -> AnnotationSet:
    """The user's own set of a document they may open, not saved yet."""
    document = Document.objects.select_related("project").filter(pk=document_id).first()
    if document is None:
        raise Http404("no such document")
    get_openable_document_for(user, document.project, document.pk)
    return AnnotationSet(document=document, owner=user, kind=SetKind.ANNOTATOR)


def get_span_for(user, span_id: int, *, write: bool = False) -> Span:
    span = Span.objects.select_related("set__document__project", "entity_type").filter(pk=span_id).first()
    if span is None:
        raise Http404("no such span")
    get_set_for(user, span.set_id, write=write)
    return span


def get_event_for(user, event_id: int, *, write: bool = False) -> Event:
    event = Event.objects.select_related("event_type", "cluster").filter(pk=event_id).first()
    if event is None:
        raise Http404("no such event")
    event.set = get_set_for(user, event.set_id, write=write)
    return event


def get_argument_for(user, argument_id: int, *, write: bool = False) -> Argument:
    argument = Argument.objects.select_related("event__event_type", "role", "span").filter(pk=argument_id).first()
    if argument is None:
        raise Http404("no such argument")
    argument.event.set = get_set_for(user, argument.event.set_id, write=write)
    return argument


def get_relation_for(user, relation_id: int, *, write: bool = False) -> Relation:
    relation = Relation.objects.select_related("relation_type").filter(pk=relation_id).first()
    if relation is None:
        raise Http404("no such relation")
    relation.set = get_set_for(user, relation.set_id, write=write)
    return relation
