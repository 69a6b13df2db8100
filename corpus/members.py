"""A project's members and their roles: the members page, the API and `add_member` call
these functions. Removing a member keeps their annotation sets (reviewers still read
them). A project always keeps at least one admin: every change locks the project row
first, so two admins demoting each other at once cannot both succeed."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from corpus.models import Membership, Project, Role
from corpus.projects import ProjectError, ensure_writable


def find_user(identifier: str, field: str = "user"):
    """The active user with this username or email address (the email only when one user has it)."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise ProjectError(_("Give a username or an email address."), field)
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=identifier).first()
    if user is None and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
        if len(matches) > 1:
            raise ProjectError(_("Several users have the email address %(email)s: give the username.")
                               % {"email": identifier}, field)
        user = matches[0] if matches else None
    if user is None:
        raise ProjectError(_("No active user is called «%(name)s». Site staff create users on the Users page.")
                           % {"name": identifier}, field)
    return user


def check_role(role: str) -> str:
    if role not in Role.values:
        raise ProjectError(_("Unknown role «%(role)s»; choose admin, reviewer or annotator.") % {"role": role}, "role")
    return role


def members(project: Project):
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")


def add_member(project: Project, user, role: str) -> Membership:
    check_role(role)
    with transaction.atomic():
        _locked(project)
        if Membership.objects.filter(project=project, user=user).exists():
            raise ProjectError(_("%(user)s is already a member of this project.") % {"user": user.get_username()},
                               "user")
        return Membership.objects.create(project=project, user=user, role=role)


def change_role(project: Project, user, role: str) -> Membership:
    check_role(role)
    with transaction.atomic():
        _locked(project)
        membership = _membership(project, user)
        if membership.role == Role.ADMIN and role != Role.ADMIN:
            _keep_an_admin(project, user)
        membership.role = role
        membership.save(update_fields=["role"])
        return membership


def remove_member(project: Project, user) -> None:
    with transaction.atomic():
        _locked(project)
        membership = _membership(project, user)
        if membership.role == Role.ADMIN:
            _keep_an_admin(project, user)
        membership.delete()


def _locked(project: Project) -> None:
    """Lock the project's row for the transaction, and refuse if it is archived."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    ensure_writable(current)


def _membership(project: Project, user) -> Membership:
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        raise ProjectError(_("%(user)s is not a member of this project.") % {"user": user.get_username()}, "user")
    return membership


def _keep_an_admin(project: Project, leaving) -> None:
    others = Membership.objects.filter(Q(project=project) & Q(role=Role.ADMIN) & ~Q(user=leaving))
    if not others.exists():
        raise ProjectError(_("%(user)s is the project's last admin: make someone else admin first.")
                           % {"user": leaving.get_username()}, "role")
