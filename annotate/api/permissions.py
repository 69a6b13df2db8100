"""Role permissions that compose and read as a sentence:

    permission_classes = [IsAuthenticated, IsProjectMember & (IsReviewer | IsAdmin)]

Views provide the objects these look at: `view.project` (a project the user is a
member of, found through annotate.access, which raises 404 for strangers) and, for
set and span endpoints, `view.annotation_set`. The rules themselves live in
annotate.access; these classes only name them for DRF.
"""
from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from annotate.access import can_write_set, role_in
from corpus.models import Role


class ProjectRole(BasePermission):
    """Grants when the user's role in the view's project is one of `roles`."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return role_in(request.user, view.project) in self.roles


class IsProjectMember(ProjectRole):
    roles = tuple(Role.values)


class IsAdmin(ProjectRole):
    roles = (Role.ADMIN,)


class IsReviewer(ProjectRole):
    roles = (Role.REVIEWER,)


class CanWriteSet(BasePermission):
    """The user may change the view's annotation set (annotators their own set,
    reviewers and admins the gold set): annotate.access.can_write_set."""

    def has_permission(self, request, view) -> bool:
        return can_write_set(request.user, view.annotation_set)


class IsReadRequest(BasePermission):
    """GET, HEAD or OPTIONS: reading is already guarded by the view's object lookup."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS


class HiddenWhenNotAllowed:
    """API views: 404 for what you may not see, as the pages do. A member refused by
    their role (an annotator at an admin or reviewer operation) learns no more than a
    stranger; 403 stays for a member who may read the object but not change it (an
    admin at an annotator's own set)."""

    def may_see_target(self) -> bool:
        annotation_set = getattr(self, "annotation_set", None)  # raises 404 when it may not be read
        return annotation_set is not None

    def permission_denied(self, request, message=None, code=None):
        if request.user.is_authenticated and not self.may_see_target():
            raise NotFound()
        super().permission_denied(request, message=message, code=code)
