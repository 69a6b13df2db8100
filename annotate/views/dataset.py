"""The export page (project admins): choose a format, sets, documents and a split, then
download now (streamed) or prepare the file as a background job with progress and a
download link. Downloads are found by the project in the URL and the job id together,
and only for the project's admins: a job id alone never serves a file."""
from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, npgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from annotate import dataset, jobs
from annotate.access import get_project_for
from annotate.models import AnnotationSet, SetKind, SetStatus, Suggestion
from annotate.queries import EXPORT_KIND, job_file, latest_export_jobs, streamed
from annotate.views.http import vary_on_htmx
from corpus.formats import WRITERS
from corpus.models import Membership, Project, Role

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


def _documents(count: int) -> str:
    # Its own context: a label on its own («وثيقتان»), not after a preposition («في وثيقتين»).
    return npgettext("documents a set covers", "%(count)d document", "%(count)d documents", count) % {"count": count}


def sets_choices(project: Project) -> list:
    """The sets an export can take, with how many documents each covers: gold, all,
    suggestions, then each annotator of the project (members and anyone owning a set),
    as the values the API takes (`annotator:NAME`)."""
    counts = Counter()
    per_owner = (AnnotationSet.objects.filter(document__project=project).values_list("kind", "owner__username")
                 .annotate(n=Count("pk")).order_by())
    for kind, owner, n in per_owner:
        counts["gold" if kind == SetKind.GOLD else f"annotator:{owner}"] += n
        counts["all"] += n
    shared = Suggestion.objects.filter(document__project=project, user__isnull=True)
    suggested = shared.values("document").distinct().count()
    members = Membership.objects.filter(project=project, role=Role.ANNOTATOR)
    names = set(members.values_list("user__username", flat=True))
    names |= {key.partition(":")[2] for key in counts if key.startswith("annotator:")}
    # U+2068/U+2069 isolate a name inside an <option>, which cannot hold a <bdi>.
    annotators = [(f"annotator:{name}", f"\u2068{name}\u2069 · {_documents(counts[f'annotator:{name}'])}")
                  for name in sorted(names)]
    labels = {"gold": gettext("Gold sets (adjudicated)"), "all": gettext("All sets"),
              "suggestions": gettext("Suggestions (pre-taggers)")}
    counts["suggestions"] = suggested
    choices = [(key, f"{label} · {_documents(counts[key])}") for key, label in labels.items()]
    return choices + [(gettext("An annotator's sets"), annotators)] if annotators else choices


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[(k, FORMAT_LABELS.get(k, k)) for k in WRITERS])
    sets = forms.ChoiceField(label=_("Sets"), initial="gold")
    statuses = forms.MultipleChoiceField(label=_("Only sets with status"), required=False,
                                         choices=SetStatus.choices, widget=forms.CheckboxSelectMultiple)
    split = forms.CharField(label=_("Train/dev/test split"), required=False, max_length=20,
                            help_text=_("percentages, e.g. 80,10,10 (by document; a zip)"))
    seed = forms.IntegerField(label=_("Seed"), initial=0, required=False)
    with_meta = forms.BooleanField(label=_("Include document meta"), initial=True, required=False)
    include_empty = forms.BooleanField(label=_("Also documents without the chosen set"), required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["sets"].choices = sets_choices(project)

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
            empty = dataset.nothing_to_export(self.project, self.options())
            if empty:
                self.add_error("sets", empty)
        return cleaned


def _admin_project(request: HttpRequest, slug: str) -> Project:
    return get_project_for(request.user, slug, roles=(Role.ADMIN,))


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = _admin_project(request, slug)
    form = ExportForm(request.POST or None, project=project)
    prepared_instead = False
    if request.method == "POST" and form.is_valid():
        options = form.options()
        # A streamed file cannot carry the writer's warnings: a format that may leave
        # something out is prepared here, its warnings listed beside the download link.
        prepared_instead = request.POST.get("action") != "job" and dataset.may_lose(options)
        if request.POST.get("action") != "job" and not prepared_instead:
            return streamed(project, options)
        jobs.start(project, EXPORT_KIND, user=request.user, params=options.to_params())
        if request.htmx:
            context = {"project": project, "jobs": latest_export_jobs(project)}
            return vary_on_htmx(render(request, "annotate/dataset/export.html#jobs", context))
        if not prepared_instead:
            return vary_on_htmx(redirect("dataset_export", slug=project.slug))
    context = {"project": project, "form": form, "jobs": latest_export_jobs(project),
               "prepared_instead": prepared_instead}
    if request.htmx and form.errors:  # the refusal goes where the form is, not into the jobs list
        response = render(request, "annotate/dataset/export.html#form", context)
        return vary_on_htmx(reswap(retarget(response, "#export-form-card"), "outerHTML"))
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
