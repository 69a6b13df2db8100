"""The members page (project admins): add an existing user with a role, change a role,
remove a member, give an inactive member's work (an archive import's placeholder, someone
who left) to an active account. The rules (one admin at least, an archived project is read-only) are
corpus.members'. A refused addition comes back as the form with the message under its
field; a refused role change or removal as a flash message (annotate.views.http)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from annotate.forms import AddMemberForm, ReassignForm, RoleForm
from annotate.services.archive import reassign_work
from annotate.services.base import ServiceError
from annotate.views.http import back_with_message
from annotate.views.projects import form_error
from corpus import members as member_service
from corpus.access import get_project_for
from corpus.models import Role
from corpus.projects import ProjectError


def _page(request, project, add_form, status=200) -> HttpResponse:
    rows = [
        {"membership": m, "role_label": m.get_role_display()}
        for m in member_service.members(project)
    ]
    context = {"project": project, "rows": rows, "add_form": add_form, "role_form": RoleForm()}
    return render(request, "annotate/projects/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = member_service.find_user(form.cleaned_data["user"])
            member_service.add_member(project, user, form.cleaned_data["role"])
        except ProjectError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(user)s joined the project as %(role)s.")
                             % {"user": user.get_username(), "role": Role(form.cleaned_data["role"]).label})
            return redirect("members", slug=project.slug)
    return _page(request, project, form, status=422 if form.errors else 200)


def _members_url(project) -> str:
    return reverse("members", args=[project.slug])


def _member(project, user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id, memberships__project=project)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    user = _member(project, user_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ProjectError(_("Choose admin, reviewer or annotator."), "role")
        member_service.change_role(project, user, form.cleaned_data["role"])
    except ProjectError as error:
        return back_with_message(request, _members_url(project), error.message, error=True)
    messages.success(request, _("%(user)s is now %(role)s.")
                     % {"user": user.get_username(), "role": Role(form.cleaned_data["role"]).label})
    return redirect("members", slug=project.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    user = _member(project, user_id)
    try:
        member_service.remove_member(project, user)
    except ProjectError as error:
        return back_with_message(request, _members_url(project), error.message, error=True)
    messages.success(request, _("%(user)s was removed from the project; their annotations stay.")
                     % {"user": user.get_username()})
    if user.pk == request.user.pk:
        return redirect("home")
    return redirect("members", slug=project.slug)


@login_required
@require_POST
def member_reassign(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Give the member's sets, assignments and decisions to another (active) account."""
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    source = _member(project, user_id)
    form = ReassignForm(request.POST)
    try:
        if not form.is_valid():
            raise ProjectError(_("Give the username or email address of the account that receives the work."), "to")
        target = member_service.find_user(form.cleaned_data["to"], "to")
        moved = reassign_work(project, source, target, by=request.user)
    except (ProjectError, ServiceError) as error:
        return back_with_message(request, _members_url(project), error.message, error=True)
    messages.success(request, _("The work of %(source)s (%(sets)s) is now %(target)s's.") % {
        "source": source.get_username(), "target": target.get_username(),
        "sets": ngettext("%(count)d annotation set", "%(count)d annotation sets", moved["sets"])
        % {"count": moved["sets"]}})
    return redirect("members", slug=project.slug)
