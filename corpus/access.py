"""Project-level access: membership and roles. Helpers return what the user may
access or raise Http404 (never 403: a stranger must not learn that an object exists).
Annotation-level rules (whose set is whose) live in annotate.access."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import Http404

from corpus.models import Document, Membership, Project


def role_in(user, project: Project) -> str | None:
    """The user's role in the project, or None. Cached on the project instance."""
    if not user.is_authenticated:
        return None
    cache = project.member_roles
    if user.pk not in cache:
        cache[user.pk] = (
            Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
        )
    return cache[user.pk]


def role_subquery(user, project_path: str):
    """The user's role in the project at `project_path` of the queried rows, to annotate a
    query with (then remember_role), saving role_in its own query."""
    pk = user.pk if user.is_authenticated else None
    return Subquery(Membership.objects.filter(project=OuterRef(project_path), user=pk).values("role")[:1])


def remember_role(project: Project, user, role: str | None) -> None:
    if user.is_authenticated:
        project.member_roles[user.pk] = role


def get_project_for(user, slug: str, roles: tuple[str, ...] | None = None) -> Project:
    # the user's role comes with the project: one query for both, on every project page
    project = Project.objects.filter(slug=slug).annotate(user_role=role_subquery(user, "pk")).first()
    if project is None:
        raise Http404("no such project")
    remember_role(project, user, project.user_role)
    role = role_in(user, project)
    if role is None or (roles is not None and role not in roles):
        raise Http404("no such project")
    return project


def projects_for(user, *, archived: bool = False):
    """The projects the user is a member of; archived ones are hidden from lists unless asked for."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user, archived_at__isnull=not archived).distinct()


def get_member_document_for(user, project: Project, document_id: int) -> Document:
    """Any document of the project, to any member (assignments are annotate's rule: see
    annotate.access.get_openable_document_for)."""
    document = Document.objects.filter(project=project, pk=document_id).first()
    if document is None or role_in(user, project) is None:
        raise Http404("no such document")
    return document
