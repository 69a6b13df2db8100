"""Who may see and change what. One helper per object kind: it returns the object
the user may access, or raises Http404 (never 403: a stranger must not learn that
an object exists)."""
from __future__ import annotations

from django.http import Http404

from annotate.models import AnnotationSet, SetKind, Span
from corpus.models import Document, Membership, Project, Role

REVIEW_ROLES = (Role.ADMIN, Role.REVIEWER)


def role_in(user, project: Project) -> str | None:
    """The user's role in the project, or None. Cached on the project instance."""
    if not user.is_authenticated:
        return None
    cache = project.__dict__.setdefault("_roles", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
        )
    return cache[user.pk]


def get_project_for(user, slug: str, roles: tuple[str, ...] | None = None) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise Http404("no such project")
    role = role_in(user, project)
    if role is None or (roles is not None and role not in roles):
        raise Http404("no such project")
    return project


def projects_for(user):
    return Project.objects.filter(memberships__user=user).distinct() if user.is_authenticated else Project.objects.none()


def get_document_for(user, project: Project, document_id: int) -> Document:
    document = Document.objects.filter(project=project, pk=document_id).first()
    if document is None or role_in(user, project) is None:
        raise Http404("no such document")
    return document


def can_read_set(user, annotation_set: AnnotationSet) -> bool:
    role = role_in(user, annotation_set.document.project)
    if role in REVIEW_ROLES:
        return True
    return role == Role.ANNOTATOR and annotation_set.owner_id == user.pk


def can_write_set(user, annotation_set: AnnotationSet) -> bool:
    """Annotators write their own set; reviewers and admins write the gold set."""
    role = role_in(user, annotation_set.document.project)
    if annotation_set.kind == SetKind.GOLD:
        return role in REVIEW_ROLES
    return annotation_set.owner_id == user.pk and role is not None


def get_set_for(user, set_id: int, *, write: bool = False) -> AnnotationSet:
    annotation_set = (
        AnnotationSet.objects.select_related("document__project", "owner").filter(pk=set_id).first()
    )
    allowed = annotation_set is not None and (
        can_write_set(user, annotation_set) if write else can_read_set(user, annotation_set)
    )
    if not allowed:
        raise Http404("no such annotation set")
    return annotation_set


def get_span_for(user, span_id: int, *, write: bool = False) -> Span:
    span = Span.objects.select_related("set__document__project", "entity_type").filter(pk=span_id).first()
    if span is None:
        raise Http404("no such span")
    get_set_for(user, span.set_id, write=write)
    return span
