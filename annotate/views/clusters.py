"""Event cluster pages: the list, a cluster's page with its event mentions and their
arguments, and the editor's panel for the selected event (join, leave, create).

Any member may create a cluster; reviewers and admins rename, merge and delete them.
An event joins or leaves a cluster only through a set the user may write. Mentions are
shown only from sets the user may read (annotators: their own).
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
from annotate.access import REVIEW_ROLES, can_write_set, get_event_for, get_project_for, role_in
from annotate.models import Event, EventCluster
from annotate.queries import event_mentions, visible_to
from annotate.services import clusters
from annotate.views.http import VERSION, BadInput, announce, int_field, refused, vary_on_htmx
from corpus.models import AttributeType, Project, in_arabic, localised_name

PER_PAGE = 50
MENTIONS_PER_PAGE = 100
CANDIDATES = 8


def _cluster_for(project: Project, cluster_id: int) -> EventCluster:
    cluster = EventCluster.objects.filter(project=project, pk=cluster_id).first()
    if cluster is None:
        raise Http404("no such cluster")
    return cluster


# --- the list ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def cluster_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug)
    if request.method == "POST":
        try:
            cluster = clusters.create_cluster(project, request.user, name=request.POST.get("name", ""),
                                              description=request.POST.get("description", "").strip())
        except services.Invalid as error:
            messages.error(request, error.message)
            return redirect("cluster_list", project.slug)
        return redirect("cluster_detail", project.slug, cluster.pk)
    query = request.GET.get("q", "").strip()
    counted = Count("mentions", filter=visible_to(request.user, project, "mentions__set"))
    found = clusters.search_clusters(project, query, limit=10_000)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    counts = dict(
        EventCluster.objects.filter(pk__in=[c.pk for c in page]).annotate(n=counted).values_list("pk", "n")
    )
    context = {
        "project": project, "q": query, "page": page,
        "rows": [{"cluster": c, "mentions": counts.get(c.pk, 0)} for c in page],
    }
    template = "annotate/clusters/list.html#results" if request.htmx else "annotate/clusters/list.html"
    return vary_on_htmx(render(request, template, context))


# --- a cluster -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def cluster_detail(request: HttpRequest, slug: str, cluster_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug)
    cluster = _cluster_for(project, cluster_id)
    can_edit = role_in(request.user, project) in REVIEW_ROLES
    if request.method == "POST":
        if not can_edit:
            raise Http404("no such page")
        return _change_cluster(request, project, cluster)
    mentions = event_mentions(request.user, project, cluster=cluster)
    page = Paginator(mentions, MENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    _name_the_keys(project, page.object_list)
    context = {"project": project, "cluster": cluster, "can_edit": can_edit, "page": page}
    return render(request, "annotate/clusters/detail.html", context)


def _name_the_keys(project: Project, mentions: list[dict]) -> None:
    """Type, role and attribute names (in the page's language) beside the keys the rows
    carry: the page shows «لقاء» and «مشارك», not MEET and Participant."""
    suffix = "name_ar" if in_arabic() else "name_en"
    attributes = {a.key: a for a in AttributeType.objects.filter(project=project)}
    for row in mentions:
        row["type_label"] = row[f"event_type__{suffix}"] or row["event_type__key"]
        for argument in row["arguments"]:
            argument["role_label"] = argument[f"role__{suffix}"] or argument["role__key"]
            argument["entity_label"] = argument[f"span__entity_type__{suffix}"] or argument["span__entity_type__key"]
        row["attribute_labels"] = [_attribute_label(attributes.get(key), key, value)
                                   for key, value in row["attribute_items"]]


def _attribute_label(attribute, key: str, value) -> tuple[str, str]:
    if attribute is None:
        return key, str(value)
    choices = {choice["key"]: localised_name(choice) for choice in attribute.values}
    return attribute.label, choices.get(value, str(value))


def _change_cluster(request: HttpRequest, project: Project, cluster: EventCluster) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "edit":
            clusters.update_cluster(cluster, request.user, name=request.POST.get("name", ""),
                                    description=request.POST.get("description", "").strip())
            messages.success(request, _("Saved «%(name)s».") % {"name": cluster.name})
        elif action == "merge":
            source = _cluster_for(project, int_field(request, "source"))
            moved = clusters.merge_clusters(cluster, source, request.user)
            merged = ngettext("Merged «%(source)s» into «%(target)s»: %(count)s mention moved.",
                              "Merged «%(source)s» into «%(target)s»: %(count)s mentions moved.", moved)
            messages.success(request, merged % {"source": source.name, "target": cluster.name, "count": moved})
        elif action == "delete":
            name = cluster.name
            released = clusters.delete_cluster(cluster, request.user)
            messages.success(request, ngettext("Deleted «%(name)s»; %(count)s event left it.",
                                               "Deleted «%(name)s»; %(count)s events left it.", released)
                             % {"name": name, "count": released})
            return redirect("cluster_list", project.slug)
        else:
            raise BadInput(_("Unknown action «%(action)s».") % {"action": action[:20]}, "action")
    except services.Invalid as error:
        messages.error(request, error.message)
    return redirect("cluster_detail", project.slug, cluster.pk)


# --- the editor's panel for the selected event ----------------------------------------

PANEL = "annotate/clusters/_event_panel.html"


@login_required
@require_http_methods(["GET", "POST"])
def cluster_event_panel(request: HttpRequest, event_id: int) -> HttpResponse:
    """GET: the event's cluster and clusters to join (with `?q=`, only those when htmx
    asks). POST `action` = join (with `cluster`), leave, create (with `name`); each with
    the set `version`. Answers the refreshed panel and the `tawsim:version` event (annotate.views.http)."""
    event = get_event_for(request.user, event_id, write=request.method == "POST")
    if request.method == "GET":
        context = _panel_context(request, event, request.GET.get("q", ""))
        template = PANEL + "#candidates" if request.htmx and "q" in request.GET else PANEL
        return vary_on_htmx(render(request, template, context))
    try:
        message = _panel_action(request, event)
    except services.ServiceError as error:
        event = get_event_for(request.user, event.pk)
        conflict = isinstance(error, services.StaleVersion)
        context = _panel_context(request, event, "", message=error.message, message_level="error", conflict=conflict)
        return refused(render(request, PANEL, context), error, version=event.set.version if conflict else None)
    event = get_event_for(request.user, event.pk)
    response = render(request, PANEL, _panel_context(request, event, "", message=message, message_level="success"))
    return vary_on_htmx(announce(response, VERSION, {"version": event.set.version}))


def _panel_action(request: HttpRequest, event: Event) -> str:
    action = request.POST.get("action", "")
    version = int_field(request, "version")
    trigger = event.trigger_text
    if action == "join":
        cluster = _cluster_for(event.set.document.project, int_field(request, "cluster"))
        clusters.join_cluster(event, request.user, cluster=cluster, version=version)
        return _("«%(trigger)s» joined «%(cluster)s».") % {"trigger": trigger, "cluster": cluster.name}
    if action == "leave":
        name = event.cluster.name if event.cluster else ""
        clusters.leave_cluster(event, request.user, version=version)
        return _("«%(trigger)s» left «%(cluster)s».") % {"trigger": trigger, "cluster": name}
    if action == "create":
        cluster = clusters.create_cluster_for_event(event, request.user, name=request.POST.get("name", ""),
                                                    version=version)
        return (_("Created the cluster «%(cluster)s» with «%(trigger)s».")
                % {"trigger": trigger, "cluster": cluster.name})
    raise BadInput(_("Unknown action «%(action)s».") % {"action": action[:20]}, "action")


def _panel_context(request: HttpRequest, event: Event, query: str, *, message: str = "",
                   message_level: str = "", conflict: bool = False) -> dict:
    annotation_set = event.set
    project = annotation_set.document.project
    writable = can_write_set(request.user, annotation_set) and annotation_set.status not in services.LOCKED_STATUSES
    found = clusters.search_clusters(project, query.strip(), limit=CANDIDATES) if writable else []
    trigger = event.trigger_text
    title = annotation_set.document.title or annotation_set.document.external_id
    return {
        "event": event,
        "trigger": trigger,
        "set": annotation_set,
        "project": project,
        "cluster": event.cluster,
        "q": query,
        "candidates": [c for c in found if c.pk != event.cluster_id],
        "suggested_name": f"{event.event_type.label}: {trigger} ({title})"[:300],
        "writable": writable,
        "panel_url": reverse("cluster_event_panel", args=[event.pk]),
        "message": message,
        "message_level": message_level,
        "conflict": conflict,
    }
