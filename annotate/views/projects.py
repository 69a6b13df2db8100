"""Setting a project up in the browser: the new-project page (site staff) and the
settings page (project admins: name, description, guidelines with a live preview,
archive and restore, delete). Views check access, call corpus.projects or
annotate.services.projects and render; refusals go back into the form under the field
they name."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotate.forms import COPY_PREFIX, DeleteProjectForm, NewProjectForm, ProjectSettingsForm
from annotate.services.projects import delete_project
from annotate.views.pages import render_markdown
from corpus import projects
from corpus.access import get_project_for
from corpus.models import Role
from corpus.schema_file import SchemaFileError, parse_schema_file

MAX_SCHEMA_FILE = 2_000_000  # bytes; a schema is a few kilobytes


def require_staff(request: HttpRequest) -> None:
    """Site staff only; anyone else gets 404, as for any page they may not see."""
    if not request.user.is_staff:
        raise Http404("no such page")


def form_error(form, error) -> None:
    """Put a service's refusal on the form, under the field it names when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    administered = projects.administered_by(request.user)
    form = NewProjectForm(request.POST or None, request.FILES or None, administered=administered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        schema_from = None
        if data["schema"].startswith(COPY_PREFIX):
            schema_from = administered.get(slug=data["schema"].removeprefix(COPY_PREFIX))
        try:
            project = projects.create_project(
                data["name"], slug=data["slug"], language=data["language"], direction=data["direction"],
                preset=data["schema"], schema_from=schema_from, admin=request.user,
                schema=_schema_file(data["schema_file"]),
            )
        except projects.ProjectError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The project «%(name)s» is ready. Add its members next.")
                             % {"name": project.name})
            return redirect("members", slug=project.slug)
    return render(request, "annotate/projects/new.html", {"form": form})


def _schema_file(upload) -> dict | None:
    """The checked schema of an uploaded schema file, or None when none was given."""
    if upload is None:
        return None
    if upload.size > MAX_SCHEMA_FILE:
        raise projects.ProjectError(_("A schema file has at most 2 MB; this one is larger."), "schema_file")
    try:
        return parse_schema_file(upload.read(), upload.name)
    except SchemaFileError as error:
        raise projects.ProjectError(_("The schema file is refused: %(problems)s") % {"problems": error},
                                    "schema_file") from None


@login_required
@require_GET
def slug_suggestion(request: HttpRequest) -> HttpResponse:
    """The slug the new-project form would take for this name (htmx, as the name is typed)."""
    require_staff(request)
    slug = projects.suggest_slug(request.GET.get("name", ""))
    return render(request, "annotate/projects/new.html#slug-suggestion", {"suggestion": slug})


def _admin_project(request: HttpRequest, slug: str):
    return get_project_for(request.user, slug, roles=(Role.ADMIN,))


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    initial = {"name": project.name, "description": project.description, "guidelines": project.guidelines}
    form = ProjectSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            projects.update_project(project, **form.cleaned_data)
        except projects.ProjectError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("project_settings", slug=project.slug)
    context = {
        "project": project, "form": form, "delete_form": DeleteProjectForm(),
        "preview": render_markdown(form["guidelines"].value()),
    }
    return render(request, "annotate/projects/settings.html", context)


@login_required
@require_POST
def guidelines_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The guidelines as they will be shown, rendered from the unsaved text (htmx)."""
    project = _admin_project(request, slug)
    html = render_markdown(request.POST.get("guidelines", ""))
    return render(request, "annotate/projects/settings.html#preview", {"project": project, "preview": html})


@login_required
@require_POST
def project_archive(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    projects.archive_project(project)
    messages.success(request, _("The project is archived: it is read-only and hidden from the project lists."))
    return redirect("project_settings", slug=project.slug)


@login_required
@require_POST
def project_restore(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    projects.restore_project(project)
    messages.success(request, _("The project is restored: its members can work in it again."))
    return redirect("project_settings", slug=project.slug)


@login_required
@require_POST
def project_delete(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    form = DeleteProjectForm(request.POST)
    if form.is_valid():
        try:
            delete_project(project, confirm_slug=form.cleaned_data["confirm_slug"], user=request.user)
        except projects.ProjectError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The project «%(name)s» and everything in it were deleted.")
                             % {"name": project.name})
            return redirect("home")
    settings_form = ProjectSettingsForm(initial={
        "name": project.name, "description": project.description, "guidelines": project.guidelines})
    context = {"project": project, "form": settings_form, "delete_form": form,
               "preview": render_markdown(project.guidelines)}
    return render(request, "annotate/projects/settings.html", context, status=422)
