"""The export page (project admins): choose a format, sets, documents and a split, then
download now (streamed) or prepare the file as a background job with progress and a
download link. Downloads are found by the project in the URL and the job id together,
and only for the project's admins: a job id alone never serves a file."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from annotate import dataset, jobs
from annotate.access import get_project_for
from annotate.models import SetStatus
from annotate.queries import EXPORT_KIND, job_file, latest_export_jobs, streamed
from annotate.views.http import vary_on_htmx
from corpus.formats import WRITERS
from corpus.models import Project, Role

FORMAT_LABELS = {
    "tawsim": _("Tawsim JSONL (lossless)"),
    "conll": _("CoNLL BIO (outermost entities)"),
    "brat": _("brat standoff (zip)"),
    "spacy": _("spaCy DocBin (.spacy)"),
    "hf": _("Hugging Face datasets (zip: JSONL + dataset_info)"),
    "hf-parquet": _("Hugging Face datasets (zip: Parquet + dataset_info)"),
    "csv": _("CSV of spans (spreadsheets)"),
    "doccano": _("doccano JSONL"),
    "labelstudio": _("Label Studio JSON"),
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[(k, FORMAT_LABELS.get(k, k)) for k in WRITERS])
    sets = forms.CharField(label=_("Sets"), initial="gold", max_length=200,
                           help_text=_("gold, all, suggestions or annotator:NAME"))
    statuses = forms.MultipleChoiceField(label=_("Only sets with status"), required=False,
                                         choices=SetStatus.choices, widget=forms.CheckboxSelectMultiple)
    split = forms.CharField(label=_("Train/dev/test split"), required=False, max_length=20,
                            help_text=_("percentages, e.g. 80,10,10 (by document; a zip)"))
    seed = forms.IntegerField(label=_("Seed"), initial=0, required=False)
    with_meta = forms.BooleanField(label=_("Include document meta"), initial=True, required=False)
    include_empty = forms.BooleanField(label=_("Also documents without the chosen set"), required=False)

    def clean_split(self):
        raw = self.cleaned_data["split"].strip()
        if not raw:
            return None
        try:
            return tuple(int(x) for x in raw.split(","))
        except ValueError:
            raise forms.ValidationError(_("Three whole numbers separated by commas, e.g. 80,10,10.")) from None

    def options(self) -> dataset.ExportOptions:
        data = self.cleaned_data
        return dataset.ExportOptions(
            fmt=data["format"], sets=data["sets"].strip(), statuses=tuple(data["statuses"]), split=data["split"],
            seed=data["seed"] or 0, with_meta=data["with_meta"], include_empty=data["include_empty"],
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                dataset.check_options(self.options())
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


def _admin_project(request: HttpRequest, slug: str) -> Project:
    return get_project_for(request.user, slug, roles=(Role.ADMIN,))


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    form = ExportForm(request.POST) if request.method == "POST" else ExportForm()
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "job":
            jobs.start(project, EXPORT_KIND, user=request.user, params=form.options().to_params())
            if request.htmx:
                context = {"project": project, "jobs": latest_export_jobs(project)}
                return vary_on_htmx(render(request, "annotate/dataset/export.html#jobs", context))
            return vary_on_htmx(redirect("dataset_export", slug=project.slug))
        return streamed(project, form.options())
    context = {"project": project, "form": form, "jobs": latest_export_jobs(project)}
    return vary_on_htmx(render(request, "annotate/dataset/export.html", context))


@login_required
@require_GET
def export_jobs(request: HttpRequest, slug: str) -> HttpResponse:
    """The jobs list alone, polled while a job runs."""
    project = _admin_project(request, slug)
    context = {"project": project, "jobs": latest_export_jobs(project)}
    return render(request, "annotate/dataset/export.html#jobs", context)


@login_required
@require_GET
def export_download(request: HttpRequest, slug: str, job_id: int) -> FileResponse:
    project = _admin_project(request, slug)
    job, path = job_file(project, job_id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result.get("name", path.name))
