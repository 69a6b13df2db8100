"""Event clusters: event mentions, in one document or many, that refer to the same
real-world event.

A cluster itself (create, rename, merge, delete) is project-level: no set version, a
history context naming the user, the action and the project. Putting an event in a
cluster or taking it out changes the event's set: it takes that set's version, refuses
a stale one and a submitted set, and bumps it. Merging and deleting clusters move or
clear many sets' events at once as cluster upkeep, without their versions (the history
records every event they touch), like merging knowledge-base entities.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from annotate.models import Event, EventCluster
from annotate.services.base import Invalid, bump_version, ensure_editable, recorded
from annotate.services.kb import clean_name, project_change
from corpus.models import Project
from corpus.text.name_matching import name_key


def create_cluster(project: Project, user, *, name: str, description: str = "") -> EventCluster:
    name = clean_name(name)
    with project_change(user, "cluster_create", project):
        return EventCluster.objects.create(project=project, name=name, description=description or "")


def update_cluster(cluster: EventCluster, user, *, name: str | None = None,
                   description: str | None = None) -> EventCluster:
    """Rename it or change its description; None keeps the current value."""
    if name is not None:
        cluster.name = clean_name(name)
    if description is not None:
        cluster.description = description
    with project_change(user, "cluster_update", cluster.project):
        cluster.save(update_fields=["name", "description"])
    return cluster


def merge_clusters(target: EventCluster, source: EventCluster, user) -> int:
    """Move every mention of `source` into `target`, then delete `source`. Returns how
    many mentions moved."""
    if source.pk == target.pk:
        raise Invalid(_("A cluster cannot be merged into itself."), "source")
    if source.project_id != target.project_id:
        raise Invalid(_("Only clusters of the same project can be merged."), "source")
    with project_change(user, "cluster_merge", target.project):
        moved = Event.objects.filter(cluster=source).update(cluster=target)
        if source.description and source.description not in target.description:
            target.description = "\n\n".join(d for d in (target.description, source.description) if d)
            target.save(update_fields=["description"])
        source.delete()
    return moved


def delete_cluster(cluster: EventCluster, user) -> int:
    """Delete the cluster; its events stay, outside any cluster. Returns how many."""
    with project_change(user, "cluster_delete", cluster.project):
        released = Event.objects.filter(cluster=cluster).update(cluster=None)
        cluster.delete()
    return released


def join_cluster(event: Event, user, *, cluster: EventCluster, version: int | None) -> Event:
    """Put the event in the cluster. An event already in another cluster is refused
    (nothing is moved silently): take it out first, or merge the clusters."""
    annotation_set = event.set
    if cluster.project_id != annotation_set.document.project_id:
        raise Invalid(_("That cluster belongs to another project."), "cluster")
    if event.cluster_id == cluster.pk:
        raise Invalid(_("«%(trigger)s» is already in «%(cluster)s».") % {"trigger": event.trigger_text, "cluster": cluster.name}, "cluster")
    if event.cluster_id is not None:
        raise Invalid(
            _("«%(trigger)s» is already in the cluster «%(cluster)s»: take it out first, or merge the two clusters.")
            % {"trigger": event.trigger_text, "cluster": event.cluster.name},
            "cluster",
        )
    with recorded(user, "cluster_join", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        event.cluster = cluster
        event.save(update_fields=["cluster"])
    return event


def leave_cluster(event: Event, user, *, version: int | None) -> Event:
    if event.cluster_id is None:
        raise Invalid(_("«%(trigger)s» is in no cluster.") % {"trigger": event.trigger_text}, "cluster")
    with recorded(user, "cluster_leave", event.set):
        ensure_editable(event.set)
        bump_version(event.set, version)
        event.cluster = None
        event.save(update_fields=["cluster"])
    return event


def create_cluster_for_event(event: Event, user, *, name: str, version: int | None,
                             description: str = "") -> EventCluster:
    """A new cluster holding this event: one action, one version of the event's set."""
    annotation_set = event.set
    name = clean_name(name)
    if event.cluster_id is not None:
        raise Invalid(
            _("«%(trigger)s» is already in the cluster «%(cluster)s»: take it out first.")
            % {"trigger": event.trigger_text, "cluster": event.cluster.name},
            "cluster",
        )
    with recorded(user, "cluster_create", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        cluster = EventCluster.objects.create(
            project=annotation_set.document.project, name=name, description=description or ""
        )
        event.cluster = cluster
        event.save(update_fields=["cluster"])
    return cluster


def search_clusters(project: Project, query: str = "", limit: int = 20) -> list[EventCluster]:
    """Clusters whose name or description contains the query, compared in normalised
    form (hamza, alef, ة/ه, ى/ي, diacritics do not matter), by name."""
    clusters = list(EventCluster.objects.filter(project=project).order_by("name", "pk"))
    key = name_key(query)
    if key:
        clusters = [c for c in clusters if key in name_key(c.name) or key in name_key(c.description)]
    return clusters[:limit]
