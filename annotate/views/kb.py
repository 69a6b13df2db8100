"""Knowledge-base pages: the list with search, an entity's page with its mentions across
documents, and the editor's panel for the selected span (link, unlink, create, link
every identical mention).

Every member reads the knowledge base; reviewers and admins edit its entries;
annotators create entities from their spans and link spans of their own sets. Mentions
are shown only from sets the user may read (annotate.access.can_read_set): an
annotator sees their own, reviewers and admins everyone's.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from annotate import services
from annotate.access import REVIEW_ROLES, can_write_set, get_project_for, get_span_for, role_in
from annotate.models import KBEntity, Span
from annotate.queries import visible_to, with_snippets
from annotate.services import kb
from annotate.views.http import VERSION, BadInput, announce, int_field, refused, vary_on_htmx
from corpus.models import EntityType, Project
from corpus.text.name_matching import name_key

PER_PAGE = 50
MENTIONS_PER_PAGE = 100
CANDIDATES = 8


def aliases_field(request: HttpRequest) -> list[str]:
    """One alias per line (or separated by «،» or «;»)."""
    raw = request.POST.get("aliases", "")
    return [a for line in raw.splitlines() for a in line.replace("،", ";").split(";") if a.strip()]


def _type_options(project: Project) -> list[EntityType]:
    return list(project.entity_types.all())


# --- the list ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def kb_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    can_edit = role_in(request.user, project) in REVIEW_ROLES
    if request.method == "POST":
        if not can_edit:
            raise Http404("no such page")
        return _create(request, project)
    query = request.GET.get("q", "").strip()
    type_key = request.GET.get("type", "").strip()
    types = _type_options(project)
    chosen = next((t for t in types if t.key == type_key), None)
    context = {"project": project, "can_edit": can_edit, "types": types, "q": query, "type": type_key}
    context.update(_results(request, project, query, chosen))
    template = "annotate/kb/list.html#results" if request.htmx else "annotate/kb/list.html"
    return vary_on_htmx(render(request, template, context))


def _results(request: HttpRequest, project: Project, query: str, entity_type: EntityType | None) -> dict:
    """Ranked matches for a query; otherwise every entity by name, a page at a time.
    Mention counts only count what the user may see."""
    counted = Count("mentions", filter=visible_to(request.user, project, "mentions__set"))
    if query:
        found = kb.search_entities(project, query, entity_type=entity_type, limit=PER_PAGE)
        counts = dict(
            KBEntity.objects.filter(pk__in=[e.pk for e, _m in found]).annotate(n=counted).values_list("pk", "n")
        )
        rows = [{"entity": e, "match": m, "mentions": counts.get(e.pk, 0)} for e, m in found]
        return {"rows": rows, "page": None}
    entities = KBEntity.objects.filter(project=project).select_related("entity_type").annotate(n=counted)
    if entity_type is not None:
        entities = entities.filter(entity_type=entity_type)
    page = Paginator(entities.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return {"rows": [{"entity": e, "match": None, "mentions": e.n} for e in page], "page": page}


def _create(request: HttpRequest, project: Project) -> HttpResponse:
    try:
        entity = kb.create_entity(
            project, request.user, entity_type=request.POST.get("type", ""), name=request.POST.get("name", ""),
            aliases=aliases_field(request), description=request.POST.get("description", "").strip(),
        )
    except services.Invalid as error:
        messages.error(request, error.message)
        return redirect("kb_list", project.slug)
    messages.success(request, _("Added «%(name)s» to the knowledge base.") % {"name": entity.name})
    return redirect("kb_entity", project.slug, entity.pk)


# --- an entity -----------------------------------------------------------------------

def _entity_for(project: Project, entity_id: int) -> KBEntity:
    entity = KBEntity.objects.select_related("entity_type").filter(project=project, pk=entity_id).first()
    if entity is None:
        raise Http404("no such entity")
    return entity


@login_required
@require_http_methods(["GET", "POST"])
def kb_entity(request: HttpRequest, slug: str, entity_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug)
    entity = _entity_for(project, entity_id)
    can_edit = role_in(request.user, project) in REVIEW_ROLES
    if request.method == "POST":
        if not can_edit:
            raise Http404("no such page")
        return _change_entity(request, project, entity)
    mentions = with_snippets(
        Span.objects.filter(visible_to(request.user, project), kb_entity=entity)
    ).values(
        "pk", "start", "end", "before", "mention", "after", "set_id", "set__kind", "set__owner__username",
        "set__document_id", "set__document__title", "set__document__external_id",
    ).order_by("set__document__order", "start", "pk")
    page = Paginator(mentions, MENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "project": project, "entity": entity, "can_edit": can_edit, "page": page,
        "aliases_text": "\n".join(entity.aliases),
    }
    return render(request, "annotate/kb/entity.html", context)


def _change_entity(request: HttpRequest, project: Project, entity: KBEntity) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "edit":
            kb.update_entity(entity, request.user, name=request.POST.get("name", ""),
                             aliases=aliases_field(request), description=request.POST.get("description", "").strip())
            messages.success(request, _("Saved «%(name)s».") % {"name": entity.name})
        elif action == "merge":
            source = _entity_for(project, int_field(request, "source"))
            moved = kb.merge_entities(entity, source, request.user)
            merged = ngettext("Merged «%(source)s» into «%(target)s»: %(count)s mention moved.",
                              "Merged «%(source)s» into «%(target)s»: %(count)s mentions moved.", moved)
            messages.success(request, merged % {"source": source.name, "target": entity.name, "count": moved})
        elif action == "delete":
            name = entity.name
            unlinked = kb.delete_entity(entity, request.user)
            messages.success(request, ngettext("Deleted «%(name)s»; %(count)s mention was unlinked.",
                                               "Deleted «%(name)s»; %(count)s mentions were unlinked.", unlinked)
                             % {"name": name, "count": unlinked})
            return redirect("kb_list", project.slug)
        else:
            raise BadInput(_("Unknown action «%(action)s».") % {"action": action[:20]}, "action")
    except services.Invalid as error:
        messages.error(request, error.message)
    return redirect("kb_entity", project.slug, entity.pk)


# --- the editor's panel for the selected span -----------------------------------------

PANEL = "annotate/kb/_span_panel.html"


@login_required
@require_http_methods(["GET", "POST"])
def kb_span_panel(request: HttpRequest, span_id: int) -> HttpResponse:
    """GET: the span's link and ranked candidates (with `?q=`, only the candidates when
    htmx asks for them). POST `action` = link (with `entity`), unlink, create (optional
    `name`), link_all; each with the set `version`. Answers the refreshed panel, and the
    set's new version in the `tawsim:version` event for the editor (annotate.views.http)."""
    span = get_span_for(request.user, span_id, write=request.method == "POST")
    if request.method == "GET":
        context = _panel_context(request, span, request.GET.get("q"))
        template = PANEL + "#candidates" if request.htmx and "q" in request.GET else PANEL
        return vary_on_htmx(render(request, template, context))
    try:
        message = _panel_action(request, span)
    except services.ServiceError as error:
        span = _reloaded(span)
        conflict = isinstance(error, services.StaleVersion)
        context = _panel_context(request, span, None, message=error.message, message_level="error", conflict=conflict)
        return refused(render(request, PANEL, context), error, version=span.set.version if conflict else None)
    span = _reloaded(span)
    response = render(request, PANEL, _panel_context(request, span, None, message=message, message_level="success"))
    return vary_on_htmx(announce(response, VERSION, {"version": span.set.version}))


def _reloaded(span: Span) -> Span:
    return (Span.objects.select_related("set__document__project", "entity_type", "kb_entity__entity_type")
            .get(pk=span.pk))


def _panel_action(request: HttpRequest, span: Span) -> str:
    action = request.POST.get("action", "")
    version = int_field(request, "version")
    text = span.text
    if action == "link":
        entity = _entity_for(span.set.document.project, int_field(request, "entity"))
        kb.link_span(span, request.user, entity=entity, version=version)
        return _("Linked «%(text)s» to «%(name)s».") % {"text": text, "name": entity.name}
    if action == "unlink":
        kb.unlink_span(span, request.user, version=version)
        return _("«%(text)s» is no longer linked.") % {"text": text}
    if action == "create":
        name = request.POST.get("name")
        entity = kb.create_entity_from_span(span, request.user, version=version, name=name or None)
        return _("Created «%(name)s» and linked «%(text)s» to it.") % {"name": entity.name, "text": text}
    if action == "link_all":
        count = kb.link_identical_mentions(span, request.user, version=version)
        linked = ngettext("Linked %(count)s more mention of «%(text)s» in this document.",
                          "Linked %(count)s more mentions of «%(text)s» in this document.", count)
        return linked % {"count": count, "text": text}
    raise BadInput(_("Unknown action «%(action)s».") % {"action": action[:20]}, "action")


def _panel_context(request: HttpRequest, span: Span, query: str | None, *, message: str = "",
                   message_level: str = "", conflict: bool = False) -> dict:
    annotation_set = span.set
    project = annotation_set.document.project
    text = span.text
    query = text if query is None else query.strip()
    found = kb.search_entities(project, query, entity_type=span.entity_type, limit=CANDIDATES) if query else []
    entity = span.kb_entity
    writable = can_write_set(request.user, annotation_set) and annotation_set.status not in services.LOCKED_STATUSES
    return {
        "span": span,
        "text": text,
        "set": annotation_set,
        "project": project,
        "entity": entity,
        "q": query,
        "candidates": [(e, m) for e, m in found if entity is None or e.pk != entity.pk],
        "nothing_close": not found,
        "exact_exists": any(m.exact and name_key(e.name) == name_key(text) for e, m in found),
        "identical": len(kb.identical_mentions(span)) if entity is not None and writable else 0,
        "writable": writable,
        "panel_url": reverse("kb_span_panel", args=[span.pk]),
        "message": message,
        "message_level": message_level,
        "conflict": conflict,
    }
