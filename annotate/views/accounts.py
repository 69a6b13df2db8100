"""Accounts: the site users page (site staff: list, create, deactivate, reactivate,
reset) and, for everyone, changing one's own password (Django's PasswordChangeView) and
choosing a password from a one-time link (Django's PasswordResetConfirmView)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotate.forms import NewUserForm
from annotate.services import accounts
from annotate.services.base import Invalid
from annotate.views.projects import form_error, require_staff


def _users_page(request, form, link=None, status=200) -> HttpResponse:
    users = get_user_model().objects.order_by("-is_active", "username")
    return render(request, "annotate/accounts/users.html", {"users": users, "form": form, "link": link},
                  status=status)


def _link_for(request, user) -> dict:
    """The set-password link to show once to the staff user (and email, when possible)."""
    url = request.build_absolute_uri(accounts.set_password_path(user))
    return {"user": user, "url": url, "emailed": accounts.email_link(user, url)}


@login_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.create_user(**form.cleaned_data)
        except Invalid as error:
            form_error(form, error)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": user.get_username()})
            return _users_page(request, NewUserForm(), link=_link_for(request, user))
    return _users_page(request, form, status=422 if form.errors else 200)


@login_required
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    require_staff(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    active = request.POST.get("active") == "1"
    try:
        accounts.set_active(user, active, by=request.user)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        message = _("%(name)s can log in again.") if active else _("%(name)s can no longer log in.")
        messages.success(request, message % {"name": user.get_username()})
    return redirect("users")


@login_required
@require_POST
def user_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    require_staff(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    try:
        if user.pk == request.user.pk:
            raise Invalid(_("Change your own password on the password page."), "user")
        accounts.reset_password(user)
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("users")
    messages.success(request, _("%(name)s's password no longer works: give them the new link.")
                     % {"name": user.get_username()})
    return _users_page(request, NewUserForm(), link=_link_for(request, user))


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "annotate/accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


class SetPassword(auth_views.PasswordResetConfirmView):
    """The page behind a one-time link: choose a password, then log in with it."""

    template_name = "annotate/accounts/set_password.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set: log in with it."))
        return super().form_valid(form)
