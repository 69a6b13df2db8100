"""The import page: documents (and their annotations, if the file has any) enter a project."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from annotate import dataset
from annotate.pretagging import PretagSettings
from annotate.views.http import vary_on_htmx
from corpus.access import get_project_for
from corpus.forms import ImportForm
from corpus.importing import import_uploads
from corpus.models import Role


@login_required
@require_http_methods(["GET", "POST"])
def import_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload files into a project (admins only; anyone else gets 404) and show the report."""
    project = get_project_for(request.user, slug, roles=(Role.ADMIN,))
    report = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sinks = _annotation_sinks(project, request.user, data, form)
        if not form.errors:
            report = import_uploads(project, data["files"], fmt=data["format"] or None,
                                    text_column=data["text_column"], sinks=sinks)
    # An htmx post swaps in just the report; a plain post gets the whole page.
    template = "corpus/import.html#report" if request.htmx else "corpus/import.html"
    context = {"project": project, "form": form, "report": report,
               "pretag_on_import": PretagSettings.of(project).pretag_on_import}
    return vary_on_htmx(render(request, template, context))


def _annotation_sinks(project, user, data: dict, form: ImportForm):
    """Where the files' annotations go (a gold set, an annotator's set, suggestions)."""
    try:
        target = dataset.parse_target(project, data["into"])
    except ValueError as error:
        form.add_error("into", str(error))
        return None
    try:
        type_map = dataset.parse_map([data["type_map"]])
    except ValueError as error:
        form.add_error("type_map", str(error))
        return None
    return dataset.sinks(project, target, user=user, type_map=type_map, create_types=data["create_types"],
                          create_kb=data["create_kb"])
