"""Project archives on the web. Project admins export their project (a background job
with progress; the download is found by the project in the URL and the job id together,
for that project's admins only). Site staff import an archive as a new project."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from annotate import jobs
from annotate.access import get_project_for
from annotate.archive.jobs import keep_upload
from annotate.queries import archive_file, latest_archive_imports, latest_archive_jobs
from annotate.views.http import vary_on_htmx
from corpus.models import Project, Role


def _admin_project(request: HttpRequest, slug: str) -> Project:
    return get_project_for(request.user, slug, roles=(Role.ADMIN,))


def _staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise Http404("site staff only")


@login_required
@require_http_methods(["GET", "POST"])
def archive_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    if request.method == "POST":
        jobs.start(project, jobs.ARCHIVE_EXPORT, user=request.user)
        if not request.htmx:
            return redirect("project_backup", slug=project.slug)
    context = {"project": project, "jobs": latest_archive_jobs(project)}
    template = "annotate/archive/project.html#jobs" if request.htmx else "annotate/archive/project.html"
    return vary_on_htmx(render(request, template, context))


@login_required
@require_GET
def archive_download(request: HttpRequest, slug: str, job_id: int) -> FileResponse:
    project = _admin_project(request, slug)
    job, path = archive_file(project, job_id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result.get("name", path.name))


class ImportArchiveForm(forms.Form):
    archive = forms.FileField(label=_("Project archive (.zip)"))
    slug = forms.SlugField(label=_("New project's slug"), required=False, max_length=100,
                           help_text=_("empty: the slug in the archive"))

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Project.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A project with this slug exists already."))
        return slug


@login_required
@require_http_methods(["GET", "POST"])
def archive_import(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = ImportArchiveForm(request.POST, request.FILES) if request.method == "POST" else ImportArchiveForm()
    if request.method == "POST" and form.is_valid():
        name = keep_upload(form.cleaned_data["archive"])
        jobs.start(None, jobs.ARCHIVE_IMPORT, user=request.user,
                   params={"file": name, "slug": form.cleaned_data["slug"]})
        return redirect("archive_import")
    context = {"form": form, "jobs": latest_archive_imports()}
    template = "annotate/archive/import.html#jobs" if request.htmx else "annotate/archive/import.html"
    return vary_on_htmx(render(request, template, context))
