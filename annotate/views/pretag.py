"""Pre-tagging pages and endpoints.

The project's pre-tagging page (admins): settings, the taggers' state, the CRF's
cross-validated scores, "pre-tag all" and "retrain" jobs with polled progress, and the
evaluation table (loaded after the page, it reads every gold document).

The editor's suggestion endpoints (POST; the set and suggestion are checked against
the user: 404 otherwise): accept, reject, accept all of a type. htmx requests get 204
and the `tawsim:refresh` event (the editor re-renders itself); plain form posts are
redirected back to the editor with a message. A refused htmx request swaps nothing and
triggers `tawsim:refused` for the editor to show (annotate.views.http: 400, 409, 422).
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotate import pretagging, services
from annotate.access import get_project_for, get_set_for
from annotate.models import AnnotationSet, Job, Suggestion
from annotate.pretagging.evaluation import OptionsError, evaluate_project, options_from
from annotate.pretagging.ner_model import (
    NER_INSTALL_JOB,
    AlreadyInstalled,
    InstallAlreadyRunning,
    may_install,
    ner_model_state,
    start_ner_install,
)
from annotate.services.suggestions import (
    accept_all_suggestions,
    accept_suggestion,
    offered_to,
    reject_suggestion,
)
from annotate.views.http import REFRESH, BadInput, announce, back_with_message, int_field, refused_quietly, vary_on_htmx
from corpus.models import Project, Role

TEMPLATE = "annotate/pretag/page.html"
ADMIN = (Role.ADMIN,)
TAGGER_LABELS = {
    "dates": gettext_lazy("Arabic dates"),
    "string_match": gettext_lazy("Names marked in this project (string matching)"),
    "gazetteer": gettext_lazy("Gazetteer (dictionary)"),
    "organisations": gettext_lazy("Well-known organisations and acronyms (list)"),
    "cues": gettext_lazy("Titles and organisation names (rules)"),
    "given_names": gettext_lazy("Persons starting with a known given name (rules)"),
    "name_parts": gettext_lazy("Short forms of names the document gives in full"),
    "crf": gettext_lazy("CRF (learns from gold)"),
    "camel_ner": gettext_lazy("camel-tools NER (CAMeLBERT)"),
    "triggers": gettext_lazy("Event triggers"),
    "trigger_crf": gettext_lazy("Event triggers in context (learned)"),
    "merged": gettext_lazy("All taggers merged (what annotators see)"),
}


# ---- settings form --------------------------------------------------------------------

def parse_label_map(raw: str) -> dict[str, str | None]:
    """`LABEL=TYPE` per line; an empty TYPE means "never suggest this label"."""
    mapping: dict[str, str | None] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        label, sep, kind = line.partition("=")
        if not sep or not label.strip():
            raise forms.ValidationError(
                _("Line %(line)s: write LABEL=TYPE (or LABEL= to ignore the label), not «%(text)s».")
                % {"line": number, "text": line[:40]})
        mapping[label.strip()] = kind.strip() or None
    return mapping


def format_label_map(mapping: dict) -> str:
    return "\n".join(f"{label}={kind or ''}" for label, kind in mapping.items())


class TaggerChoices(forms.CheckboxSelectMultiple):
    """The taggers' checkboxes; those not installed are shown disabled."""

    def __init__(self, *args, **kwargs):
        self.not_installed: set[str] = set()
        super().__init__(*args, **kwargs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.not_installed:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(tagger)s (not installed)") % {"tagger": label}
        return option


class PretagSettingsForm(forms.Form):
    pretag_on_import = forms.BooleanField(label=gettext_lazy("Pre-tag documents when they are imported"),
                                          required=False)
    taggers = forms.MultipleChoiceField(
        label=gettext_lazy("Enabled taggers"), required=False, widget=TaggerChoices,
        choices=[(name, TAGGER_LABELS[name]) for name in pretagging.ALL_TAGGERS])
    ner_label_map = forms.CharField(
        label=gettext_lazy("NER labels → project types"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "ltr"}),
        help_text=gettext_lazy("One LABEL=TYPE per line, e.g. PERS=PER; LABEL= ignores the label (e.g. MISC=)."))
    ner_model_path = forms.CharField(
        label=gettext_lazy("NER model folder (optional)"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=gettext_lazy("Empty: the model installed by camel_data in CAMELTOOLS_DATA."))
    crf_retrain_every = forms.IntegerField(
        label=gettext_lazy("Retrain the CRF after this many new gold documents"), min_value=1, max_value=100000)

    def __init__(self, project: Project, *args, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        if not pretagging.ner_installed(project):
            self.fields["taggers"].widget.not_installed = {"camel_ner"}

    @classmethod
    def for_project(cls, project: Project) -> PretagSettingsForm:
        options = pretagging.PretagSettings.of(project)
        initial = {**options.as_json(), "ner_label_map": format_label_map(options.ner_label_map)}
        form = cls(project, initial=initial)
        # A tagger that is not installed is shown unticked, whatever the settings hold.
        not_installed = form.fields["taggers"].widget.not_installed
        form.initial["taggers"] = [name for name in options.taggers if name not in not_installed]
        return form

    def clean_ner_label_map(self) -> dict:
        return parse_label_map(self.cleaned_data["ner_label_map"])

    def options(self) -> pretagging.PretagSettings:
        data = self.cleaned_data
        return pretagging.PretagSettings(
            pretag_on_import=data["pretag_on_import"], taggers=list(data["taggers"]),
            ner_label_map=data["ner_label_map"], ner_model_path=data["ner_model_path"].strip(),
            crf_retrain_every=data["crf_retrain_every"])


# ---- the page -------------------------------------------------------------------------

def _page_context(project: Project, form: PretagSettingsForm) -> dict:
    model = pretagging.latest_model(project)
    states = pretagging.tagger_states(project)
    for state in states:
        state["label"] = TAGGER_LABELS.get(state["name"], state["name"])
    return {
        "project": project,
        "form": form,
        "states": states,
        "crf": model,
        "trigger_model": pretagging.latest_model(project, pretagging.TRIGGER_CRF),
        "metrics": (model.metrics or {}) if model else {},
        "per_type": _named(project, ((model.metrics or {}).get("per_type") or {}) if model else {}),
        "counts": pretagging.count_by_tagger(project),
        "gold_documents": pretagging.gold_document_count(project),
        "jobs": _recent_jobs(project),
        "ner_model": ner_model_state(project),
    }


def _named(project: Project, per_type: dict) -> list[tuple[str, str, list]]:
    """(type name in the reader's language, key, scores), in the schema's order: the
    table names types as the editor does, the key beside it for whoever reads files."""
    schema = project.schema
    order = {key: n for n, key in enumerate(schema.entity_types)}
    keys = sorted(per_type, key=lambda key: (order.get(key, len(order)), key))
    return [(schema.entity_label(key), key, per_type[key]) for key in keys]


def _type_names(project: Project, evaluation):
    """Each evaluation row's tagger and type by name (an entity or an event type)."""
    schema = project.schema
    rows = [*evaluation.rows, *(row for document in evaluation.per_document for row in document.rows)]
    for row in rows:
        entity = row.type in schema.entity_types
        row.type_label = schema.entity_label(row.type) if entity else schema.event_label(row.type)
        row.tagger_label = TAGGER_LABELS.get(row.tagger, row.tagger)
    for row in evaluation.acceptance:
        row.tagger_label = TAGGER_LABELS.get(row.tagger, row.tagger)
    evaluation.left_out_named = [
        (schema.entity_label(key) if key in schema.entity_types else schema.event_label(key), key)
        for key in evaluation.left_out]
    return evaluation


PAGE_JOBS = (pretagging.PRETAG_JOB, pretagging.RETRAIN_JOB, NER_INSTALL_JOB)


def _recent_jobs(project: Project) -> list[Job]:
    return list(Job.objects.filter(project=project, kind__in=PAGE_JOBS).order_by("-created_at")[:5])


@login_required
@require_http_methods(["GET", "POST"])
def pretag_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=ADMIN)
    if request.method == "POST":
        form = PretagSettingsForm(project, request.POST)
        if form.is_valid():
            try:
                pretagging.save_settings(project, form.options())
            except pretagging.SettingsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Pre-tagging settings saved."))
                return redirect("pretag_page", slug=project.slug)
    else:
        form = PretagSettingsForm.for_project(project)
    context = {**_page_context(project, form), "may_install_ner": may_install(request.user)}
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


def _job_response(request: HttpRequest, project: Project, job: Job) -> HttpResponse:
    if request.htmx:
        response = render(request, TEMPLATE + "#job", {"project": project, "job": job})
    else:
        messages.success(request, _("Job started; its progress shows below."))
        response = redirect("pretag_page", slug=project.slug)
    return vary_on_htmx(response)


@login_required
@require_POST
def pretag_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Pre-tag every document, or those named in `documents` (comma-separated ids, as the
    import report offers for the documents just imported)."""
    project = get_project_for(request.user, slug, roles=ADMIN)
    documents = None
    if request.POST.get("documents"):
        wanted = [int(part) for part in request.POST["documents"].split(",") if part.strip().isdigit()]
        documents = list(project.documents.filter(pk__in=wanted).values_list("pk", flat=True))
        if not documents:
            raise Http404("no such documents")
    return _job_response(request, project, pretagging.start_pretag(project, user=request.user, documents=documents))


@login_required
@require_POST
def pretag_retrain(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=ADMIN)
    return _job_response(request, project, pretagging.start_retrain(project, user=request.user))


@login_required
@require_POST
def pretag_install_ner(request: HttpRequest, slug: str) -> HttpResponse:
    """Install camel-tools' NER model in the background (the server's, for every project)."""
    project = get_project_for(request.user, slug, roles=ADMIN)
    if not may_install(request.user):  # the page says a site administrator installs it
        raise PermissionDenied(_("A site administrator installs the NER model (it serves every project)."))
    try:
        job = start_ner_install(project, user=request.user, force=request.POST.get("reinstall") == "yes")
    except (InstallAlreadyRunning, AlreadyInstalled) as refused:
        if request.htmx:  # shown above the jobs, where the button's answer goes
            return vary_on_htmx(render(request, TEMPLATE + "#notice", {"notice": str(refused)}))
        return back_with_message(request, reverse("pretag_page", args=[project.slug]), str(refused), error=True)
    return _job_response(request, project, job)


@login_required
@require_GET
def pretag_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """The job's progress (polled every second by htmx while it runs)."""
    project = get_project_for(request.user, slug, roles=ADMIN)
    job = Job.objects.filter(project=project, pk=job_id, kind__in=PAGE_JOBS).first()
    if job is None:
        raise Http404("no such job")
    return vary_on_htmx(render(request, TEMPLATE + "#job", {"project": project, "job": job}))


class EvaluationOptionsForm(forms.Form):
    """What to score (the CLI's --types, --map, --per-document, --json), from the query string."""

    types = forms.CharField(
        label=gettext_lazy("Types to score"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "PER ORG"}),
        help_text=gettext_lazy("Type keys separated by spaces; empty: every type the gold annotates."))
    map = forms.CharField(
        label=gettext_lazy("Type mapping"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "placeholder": "GPE=LOC"}),
        help_text=gettext_lazy("One SRC=TYPE per line renames a type on both sides before comparing; "
                               "SRC= leaves it out."))
    per_document = forms.BooleanField(label=gettext_lazy("A table per document"), required=False)

    def __init__(self, project: Project, *args, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            pairs = [line for line in data["map"].splitlines() if line.strip()]
            data["options"] = options_from(self.project, types=[data["types"]], type_map=pairs,
                                           per_document=data["per_document"])
        except OptionsError as error:
            self.add_error(error.field, error.message)
        return data


@login_required
@require_GET
def pretag_evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    """The evaluation table for the options in the query string; `format=json` downloads
    the same figures as JSON. htmx swaps the fragment into the page (errors included, so
    the form shows them); without htmx it is a page of its own."""
    project = get_project_for(request.user, slug, roles=ADMIN)
    form = EvaluationOptionsForm(project, request.GET or None)
    options = form.cleaned_data["options"] if form.is_bound and form.is_valid() else None
    if form.is_bound and options is None:
        if request.GET.get("format") == "json":
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        context = {"project": project, "form": form, "evaluation": None}
        status = 200 if request.htmx else 400  # htmx swaps only a 2xx answer
        return vary_on_htmx(render(request, _evaluation_template(request), context, status=status))
    evaluation = _type_names(project, evaluate_project(project, options))
    if request.GET.get("format") == "json":
        response = JsonResponse(evaluation.as_json(), json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{project.slug}-pretag-evaluation.json"'
        return response
    context = {"project": project, "form": form if form.is_bound else EvaluationOptionsForm(project),
               "evaluation": evaluation}
    return vary_on_htmx(render(request, _evaluation_template(request), context))


def _evaluation_template(request: HttpRequest) -> str:
    return TEMPLATE + "#evaluation" if request.htmx else "annotate/pretag/evaluation.html"


# ---- suggestion endpoints (the editor wires these) --------------------------------------

def _suggestion_in(annotation_set: AnnotationSet, suggestion_id: int) -> Suggestion:
    suggestion = (Suggestion.objects.select_related("entity_type", "event_type")
                  .filter(offered_to(annotation_set.owner_id), pk=suggestion_id,
                          document_id=annotation_set.document_id).first())
    if suggestion is None:
        raise Http404("no such suggestion")
    return suggestion


def _editor_url(annotation_set: AnnotationSet) -> str:
    document = annotation_set.document
    return reverse("editor", args=[document.project.slug, document.pk])


def _decide(request: HttpRequest, annotation_set: AnnotationSet, change) -> HttpResponse:
    """Run the service call; answer 204 + refresh for htmx, or redirect to the editor."""
    url = _editor_url(annotation_set)
    try:
        message = change()
    except services.ServiceError as error:
        if not request.htmx:
            return back_with_message(request, url, error.message, error=True)
        conflict = isinstance(error, services.StaleVersion)
        return refused_quietly(error, version=annotation_set.version if conflict else None)
    if request.htmx:
        return vary_on_htmx(announce(HttpResponse(status=204), REFRESH))
    return back_with_message(request, url, message)


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, set_id: int, suggestion_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)
    suggestion = _suggestion_in(annotation_set, suggestion_id)

    def change() -> str:
        accept_suggestion(suggestion, request.user, annotation_set, version=int_field(request, "version"))
        return _("Suggestion accepted.")

    return _decide(request, annotation_set, change)


@login_required
@require_POST
def suggestion_reject(request: HttpRequest, set_id: int, suggestion_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)
    suggestion = _suggestion_in(annotation_set, suggestion_id)

    def change() -> str:
        reject_suggestion(suggestion, request.user, annotation_set, version=int_field(request, "version"))
        return _("Suggestion rejected.")

    return _decide(request, annotation_set, change)


@login_required
@require_POST
def suggestions_accept_all(request: HttpRequest, set_id: int) -> HttpResponse:
    annotation_set = get_set_for(request.user, set_id, write=True)

    def change() -> str:
        kind = request.POST.get("type", "").strip()
        if not kind:
            raise BadInput(_("The field «type» is missing: choose an entity type."), "type")
        count = accept_all_suggestions(annotation_set, request.user, entity_type=kind,
                                       version=int_field(request, "version"))
        return ngettext("Accepted %(count)s suggestion of type %(type)s.",
                        "Accepted %(count)s suggestions of type %(type)s.", count) % {
            "count": count, "type": annotation_set.document.project.schema.entity_label(kind)}

    return _decide(request, annotation_set, change)
