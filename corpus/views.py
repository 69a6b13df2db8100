"""Corpus pages. Views parse the request, check access, call corpus.importing, render."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from corpus.access import get_project_for
from corpus.forms import ImportForm
from corpus.importing import import_uploads
from corpus.models import Role


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def import_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload files into a project (admins only; anyone else gets 404) and show the report."""
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    report = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = import_uploads(project, data["files"], fmt=data["format"] or None, text_column=data["text_column"])
    # An htmx post swaps in just the report; a plain post gets the whole page.
    template = "corpus/import.html#report" if request.htmx else "corpus/import.html"
    return render(request, template, {"project": project, "form": form, "report": report})
