"""Workflow pages: the admin's assignment page, the annotators' "next document" pull,
the reviewers' list of documents to adjudicate, and the adjudication view.

Access: workflow settings and distribution are for project admins; adjudication for
reviewers and admins. Anyone else gets 404 (get_project_for with roles).
"""
from __future__ import annotations

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from annotate import services
from annotate.access import REVIEW_ROLES, get_openable_document_for, get_project_for, get_span_for
from annotate.agreement.merge import missing_endpoints
from annotate.editor.rendering import SpanView, css_colour, render_text
from annotate.models import AnnotationSet, SetKind, Span
from annotate.services import adjudication, assignment
from annotate.views.http import back_with_message, int_field, refused, vary_on_htmx, whole_number
from corpus.models import Document, Project, Role

ADMIN_ONLY = (Role.ADMIN,)
CONFLICT_COLOUR = "#d62828"
CHART_WIDTH = 300


# --- assignment (admins) ------------------------------------------------------------

@login_required
def workflow(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=ADMIN_ONLY)
    if request.method == "POST":
        try:
            _workflow_post(request, project)
        except services.Invalid as error:
            messages.error(request, error.message)
        return redirect("workflow", slug)
    annotators = list(assignment.annotators_of(project))
    by_annotator = assignment.progress_by_annotator(project)
    context = {
        "project": project,
        "workflow": assignment.workflow_of(project),
        "annotators": annotators,
        "by_annotator": by_annotator,
        "chart": _chart(by_annotator),
        "by_document": assignment.progress_by_document(project),
        "needing": assignment.count_needing_annotators(project),
    }
    return render(request, "annotate/review/workflow.html", context)


def _workflow_post(request: HttpRequest, project: Project) -> None:
    if request.POST.get("action") == "settings":
        assignment.update_workflow(
            project, request.user,
            annotators_per_document=int_field(request, "annotators_per_document", required=False) or 1,
            blind=request.POST.get("blind") == "on",
            uncertain_first=request.POST.get("uncertain_first") == "on",
            queue_timeout_minutes=int_field(request, "queue_timeout_minutes", required=False) or 120,
            agreement_k=int_field(request, "agreement_k", required=False),
        )
        messages.success(request, _("Workflow settings saved."))
        return
    chosen = [int(pk) for pk in request.POST.getlist("annotators") if pk.isdecimal() and pk.isascii()]
    raw_documents = request.POST.get("documents", "").replace(",", " ").split()
    documents = [whole_number(pk, "documents", required=False) for pk in raw_documents] or None
    count = assignment.assign_documents(project, annotators=chosen, documents=documents, by=request.user)
    messages.success(request, ngettext("%(count)s assignment made.", "%(count)s assignments made.", count)
                     % {"count": count})


def _chart(rows: list) -> dict:
    """Horizontal bars (done, then in progress, over assigned), drawn by the template as SVG."""
    most = max((row.assigned for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        scale = CHART_WIDTH / most
        bars.append({
            "row": row, "y": index * 26, "text_y": index * 26 + 14,
            "assigned_w": round(row.assigned * scale, 1),
            "done_w": round(row.done * scale, 1),
            "progress_x": round(row.done * scale, 1), "progress_w": round(row.in_progress * scale, 1),
        })
    return {"bars": bars, "height": max(26, len(rows) * 26), "width": CHART_WIDTH}


@require_POST
@login_required
def pull_next(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    document = assignment.pull_next(project, request.user)
    if document is None:
        messages.info(request, _("The queue is empty: every document has its annotators."))
        return redirect("project_detail", slug)
    return redirect("editor", slug, document.pk)


# --- adjudication (reviewers and admins) -------------------------------------------

@require_safe
@login_required
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    rows = assignment.progress_by_document(project)
    submitted: dict[int, int] = {}
    for document_id in AnnotationSet.objects.filter(
        document__project=project, kind=SetKind.ANNOTATOR, status__in=services.LOCKED_STATUSES
    ).values_list("document_id", flat=True):
        submitted[document_id] = submitted.get(document_id, 0) + 1
    for row in rows:
        row.submitted = submitted.get(row.document.pk, 0)
    return render(request, "annotate/review/list.html", {"project": project, "rows": rows})


def _adjudication_target(request: HttpRequest, slug: str, document_id: int) -> tuple[Project, Document]:
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    document = get_openable_document_for(request.user, project, document_id)
    document.project = project
    return project, document


def adjudication_context(project: Project, document: Document, state: adjudication.State, **extra) -> dict:
    types = {t.key: t for t in services.entity_types(project)}
    gold_spans = []
    if state.gold is not None:
        by_id = {t.pk: t for t in types.values()}
        gold_spans = [
            SpanView(pk, by_id[type_id].key, by_id[type_id].colour, by_id[type_id].label, start, end)
            for pk, type_id, start, end
            in Span.objects.filter(set=state.gold).values_list("pk", "entity_type_id", "start", "end")
        ]
    text = document.text
    # The schema (names) and gold span keys are read once for the whole list, never per conflict.
    gold_keys = {(s.type_key, s.start, s.end) for s in gold_spans}
    schema = project.schema
    conflicts = [
        _conflict_view(c, number, text, schema, gold_keys)
        for number, c in enumerate(state.open, start=1)
    ]
    # Open conflicts are drawn over the gold draft as red marks numbered like the list; a
    # relation conflict marks its endpoints, not all the text between them.
    marks = gold_spans + [
        SpanView(-c["number"], "CONFLICT", CONFLICT_COLOUR, f"⚠ {c['number']}", start, end)
        for c in conflicts for start, end in c["ranges"]
    ]
    context = {
        "project": project,
        "document": document,
        "state": state,
        "gold": state.gold,
        "conflicts": conflicts,
        "text_html": render_text(text, marks),
        "gold_spans": [
            {"span": s, "text": text[s.start:s.end]} for s in sorted(gold_spans, key=lambda s: (s.start, -s.end))
        ],
        "entity_types": list(types.values()),
        "status_label": state.gold.get_status_display() if state.gold else "",
        "decisions": [_decision_view(d, text) for d in state.decisions[-20:][::-1]],
        # Decisions taken under an earlier grouping of the conflicts: still applied, and said so.
        "earlier_carried": len(state.carried),
        "earlier_unmatched": [_decision_view(d, text) for d in state.unmatched],
    }
    context.update(extra)
    return context


def _conflict_view(conflict, number: int, text: str, schema, gold_keys: set) -> dict:
    variants = []
    ranges = set()
    for index, variant in enumerate(conflict.variants):
        waiting = False
        if conflict.kind == "relation":
            ends = (variant.value["source"], variant.value["target"])
            ranges |= {(v["start"], v["end"]) for v in ends}
            waiting = bool(missing_endpoints(variant.value, gold_keys))
        variants.append({
            "index": index, "annotators": variant.annotators, "waiting": waiting,
            "type": variant.value.get("type", "") if conflict.kind == "span" else "",
            "preselected": index == conflict.preselected,
            "text": _variant_text(conflict, variant.value, text, schema),
        })
    return {
        "id": conflict.id, "number": number, "kind": conflict.kind, "start": conflict.start, "end": conflict.end,
        "ranges": sorted(ranges or {(conflict.start, conflict.end)}), "snippet": text[conflict.start:conflict.end],
        "variants": variants,
        "abstained": conflict.abstained, "role": conflict.role, "attribute": conflict.attribute,
        "title": _conflict_title(conflict, schema), "preselected": conflict.preselected,
    }


def _variant_text(conflict, value: dict, text: str, schema) -> str:
    """One line saying what accepting this variant puts into gold, with the schema's
    names in the reader's language (never the keys)."""
    def span(v):
        return f"{schema.entity_label(v['type'])} «{text[v['start']:v['end']]}»"

    if conflict.kind == "span":
        return span(value)
    if conflict.kind == "event":
        return f"{schema.event_label(value['type'])} «{text[value['trigger_start']:value['trigger_end']]}»"
    if conflict.kind == "role":
        return "، ".join(span(f) for f in value["fillers"]) or _("(nobody)")
    if conflict.kind == "relation":
        arrow = "←" if get_language_bidi() else "→"  # points from source to target in the reading order
        return f"{schema.relation_label(value['type'])}: {span(value['source'])} {arrow} {span(value['target'])}"
    if value["value"] is None:
        return _("(not set)")
    return schema.attribute_value_label(conflict.attribute, value["value"])


DECISION_LABELS = {
    adjudication.ACCEPT: _lazy("accepted"),
    adjudication.EDIT: _lazy("accepted with another type"),
    adjudication.REJECT: _lazy("rejected"),
    adjudication.KEEP: _lazy("kept every variant"),
    adjudication.PRE_ACCEPT: _lazy("pre-accepted what annotators agree on"),
    adjudication.CONFIRM: _lazy("confirmed gold"),
    adjudication.REOPEN: _lazy("reopened"),
    adjudication.DELETE: _lazy("removed from gold"),
}


def _decision_view(decision, text: str) -> dict:
    """A decision as the reviewer reads it: the action's name and the words it was about
    (the item's internal id, with its keys, stays in the record)."""
    item = decision.item or {}
    words = text[item["start"]:item["end"]] if isinstance(item.get("start"), int) and "end" in item else ""
    return {
        "when": decision.created_at, "reviewer": decision.reviewer.get_username(),
        "action": str(DECISION_LABELS.get(decision.action, decision.action)),
        "words": words if len(words) <= 40 else words[:39] + "…",
        "annotators": (decision.variant or {}).get("annotators", []),
    }


def conflicts_html(conflicts: list[dict], *, decide_url: str, csrf: str, version, types: list) -> SafeString:
    """The conflict list, built in one pass like annotate.editor.rendering (a template loop with
    a form per variant costs more than the rest of the page)."""
    e = escape
    hidden = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf)}">'
              f'<input type="hidden" name="version" value="{e(str(version))}">')
    form = (f'<form method="post" action="{e(decide_url)}" hx-post="{e(decide_url)}" hx-target="#adjudication"'
            f' hx-swap="outerHTML">{hidden}')
    def options(selected: str) -> str:
        # Type names in the reader's language; the variant's own type first chosen.
        return "".join(
            f'<option value="{e(t.key)}"{" selected" if t.key == selected else ""}>{e(t.label)}</option>'
            for t in types
        )

    comma = "، " if get_language_bidi() else ", "

    def names(users) -> str:
        """Each user name isolated (a Latin name keeps its order in an Arabic line)."""
        return comma.join(f"<bdi>{e(name)}</bdi>" for name in users)

    accept_title, edit_label = e(_("Accept this variant")), e(_("Accept as"))
    majority = e(_("chosen by K annotators: pre-selected, not yet in gold (Enter accepts it)"))
    keep = (f'<button type="submit" name="action" value="keep" class="keep"'
            f' title="{e(_("Gold keeps every variant, on purpose (e.g. two types on the same words)"))}">'
            f'{e(_("Keep every variant"))}</button>')
    waiting = f' <span class="who waiting">{e(_("(its spans are not in gold yet)"))}</span>'
    reject = (f'<button type="submit" name="action" value="reject" class="reject"'
              f' title="{e(_("Reject every variant (x)"))}"><kbd>x</kbd> {e(_("Reject"))}</button>')
    out = []
    for c in conflicts:
        cid = e(c["id"])
        items = []
        for number, v in enumerate(c["variants"], start=1):
            edit = ""
            if c["kind"] == "span":
                edit = (f'<select name="type" aria-label="{edit_label}">{options(v["type"])}</select> '
                        f'<button type="submit" name="action" value="edit" class="edit">{edit_label}</button>')
            chosen = v["preselected"]
            items.append(
                f'<li{" class=preselected" if chosen else ""}>{form}'
                f'<input type="hidden" name="conflict" value="{cid}">'
                f'<input type="hidden" name="variant" value="{v["index"]}">'
                f'<button type="submit" name="action" value="accept" class="accept" data-variant="{number}"'
                f'{" data-preselected" if chosen else ""} title="{accept_title} ({number})">'
                f'<kbd>{number}</kbd> <bdi>{e(v["text"])}</bdi></button> {edit}</form> '
                f'<span class="who">{names(v["annotators"])}</span>{waiting if v["waiting"] else ""}'
                f'{f" <span class=majority>{majority}</span>" if chosen else ""}</li>'
            )
        keeps = keep if c["kind"] == "span" and len(c["variants"]) > 1 else ""
        abstained = ""
        if c["abstained"]:
            none_here = (_("Drew no link here: %(names)s") if c["kind"] == "relation"
                         else _("Marked nothing here: %(names)s"))
            abstained = f'<p class="who">{e(none_here) % {"names": names(c["abstained"])}}</p>'
        snippet = c["snippet"] if len(c["snippet"]) <= 60 else c["snippet"][:59] + "…"
        out.append(
            f'<li class="conflict" id="conflict-{c["number"]}" data-conflict="{cid}" data-start="{c["start"]}"'
            f' tabindex="-1">'
            f'<strong>⚠ {c["number"]}</strong> {e(c["title"])} — <bdi dir="rtl" lang="ar">{e(snippet)}</bdi>'
            f'<ol class="variants">{"".join(items)}</ol>{abstained}'
            f'{form}<input type="hidden" name="conflict" value="{cid}">{reject} {keeps}</form></li>'
        )
    return mark_safe("".join(out))


def gold_list_html(items: list[dict], *, remove_url, csrf: str, version, locked: bool) -> SafeString:
    """The gold draft's spans, each with a remove button while the set is editable."""
    e = escape
    title = e(_("Remove from gold"))
    out = []
    for item in items:
        span = item["span"]
        text = item["text"] if len(item["text"]) <= 40 else item["text"][:39] + "…"
        button = "" if locked else (
            f'<form method="post" action="{e(remove_url(span.id))}" '
            f'hx-post="{e(remove_url(span.id))}" hx-target="#adjudication" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf)}">'
            f'<input type="hidden" name="version" value="{e(str(version))}">'
            f'<button type="submit" class="remove" title="{title}">×</button></form>'
        )
        out.append(
            f'<li data-colour="{css_colour(span.colour)}"><span class="chip">{e(span.label)}</span> '
            f'<bdi dir="rtl" lang="ar">{e(text)}</bdi>{button}</li>'
        )
    return mark_safe("".join(out))


def _conflict_title(conflict, schema) -> str:
    if conflict.kind == "span":
        return _("Entity")
    if conflict.kind == "event":
        return _("Event")
    if conflict.kind == "relation":
        return _("Relation")
    event = schema.event_label(conflict.event[0])
    if conflict.kind == "role":
        return _("Role %(role)s of %(event)s") % {"role": schema.role_label(conflict.event[0], conflict.role),
                                                  "event": event}
    return _("Attribute %(name)s of %(event)s") % {"name": schema.attribute_label(conflict.attribute), "event": event}


def _render(request: HttpRequest, project: Project, document: Document, state, **extra) -> HttpResponse:
    template = "annotate/review/adjudicate.html" + ("#panel" if request.htmx else "")
    context = adjudication_context(project, document, state, **extra)
    context["conflicts_html"] = conflicts_html(
        context["conflicts"], decide_url=reverse("adjudicate_decide", args=[project.slug, document.pk]),
        csrf=get_token(request), version=state.gold.version if state.gold else "", types=context["entity_types"],
    )
    context["gold_list_html"] = gold_list_html(
        context["gold_spans"],
        remove_url=lambda span_id: reverse("adjudicate_remove_span", args=[project.slug, document.pk, span_id]),
        csrf=get_token(request), version=state.gold.version if state.gold else "", locked=state.adjudicated,
    )
    return vary_on_htmx(render(request, template, context))


@require_safe
@login_required
def adjudicate(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, document = _adjudication_target(request, slug, document_id)
    state = adjudication.open_adjudication(document, request.user)
    return _render(request, project, document, state)


def _act(request: HttpRequest, slug: str, document_id: int, change) -> HttpResponse:
    """Run a service call; answer htmx with the re-rendered panel, plain posts with a redirect."""
    project, document = _adjudication_target(request, slug, document_id)
    try:
        message = change(document)
    except services.ServiceError as error:
        if not request.htmx:
            return back_with_message(request, reverse("adjudicate", args=[slug, document_id]), error.message,
                                     error=True)
        state = adjudication.state_of(document)
        response = _render(request, project, document, state, message=error.message, message_level="error")
        conflict = isinstance(error, services.StaleVersion)
        return refused(response, error, version=state.gold.version if conflict and state.gold else None)
    if not request.htmx:
        return back_with_message(request, reverse("adjudicate", args=[slug, document_id]), message)
    state = adjudication.state_of(document)
    return _render(request, project, document, state, message=message, message_level="success")


def _version(request: HttpRequest) -> int | None:
    return int_field(request, "version", required=False)


@require_POST
@login_required
def adjudicate_start(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    def change(document):
        adjudication.open_adjudication(document, request.user, force=True)
        return _("Adjudication started with the sets submitted so far.")

    return _act(request, slug, document_id, change)


@require_POST
@login_required
def adjudicate_decide(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    def change(document):
        action = request.POST.get("action", "")
        adjudication.decide(
            document, request.user, conflict_id=request.POST.get("conflict", ""), action=action,
            variant=int_field(request, "variant", required=False), entity_type=request.POST.get("type") or None,
            version=_version(request),
        )
        return {"accept": _("Variant accepted into gold."), "edit": _("Edited variant accepted into gold."),
                "reject": _("Conflict rejected: nothing added to gold."),
                "keep": _("Every variant kept in gold, on purpose.")}[action]

    return _act(request, slug, document_id, change)


@require_POST
@login_required
def adjudicate_remove_span(request: HttpRequest, slug: str, document_id: int, span_id: int) -> HttpResponse:
    def change(document):
        span = get_span_for(request.user, span_id, write=True)
        if span.set.document_id != document.pk:
            raise services.Invalid(_("That span belongs to another document."), "span")
        adjudication.remove_gold_span(span, request.user, version=_version(request))
        return _("Removed from gold.")

    return _act(request, slug, document_id, change)


@require_POST
@login_required
def adjudicate_confirm(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    def change(document):
        adjudication.confirm(document, request.user, version=_version(request))
        return _("Confirmed: this document is adjudicated and its gold set is final.")

    return _act(request, slug, document_id, change)


@require_POST
@login_required
def adjudicate_reopen(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    def change(document):
        adjudication.reopen(document, request.user, version=_version(request))
        return _("Reopened: the gold set can be changed again.")

    return _act(request, slug, document_id, change)

