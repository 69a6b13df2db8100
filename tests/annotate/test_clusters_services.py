"""Event clusters: services (join, leave, create, merge, delete) and their refusals."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import Event, EventCluster, EventHistory
from annotate.services import clusters
from tests.annotate.test_kb_services import version_of


def make_event(annotation_set, user, trigger: str, participants: tuple[str, ...] = ()) -> Event:
    text = annotation_set.document.text
    start = text.index(trigger)
    event = services.create_event(annotation_set, user, event_type="MEET", trigger_start=start,
                                  trigger_end=start + len(trigger), version=version_of(annotation_set))
    for name in participants:
        at = text.index(name)
        services.add_argument_from_selection(event, user, role="Participant", entity_type="PER", start=at,
                                             end=at + len(name), version=version_of(annotation_set))
    return event


@pytest.fixture
def meetings(reports, annotator):
    first = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    second = make_event(services.own_set(reports["c-2"], annotator), annotator, "اجتمع")
    return first, second


def test_join_across_documents_takes_each_sets_version(project, reviewer, annotator, meetings):
    first, second = meetings
    cluster = clusters.create_cluster(project, reviewer, name="لقاء دمشق")
    for event in meetings:
        before = version_of(event.set)
        clusters.join_cluster(event, annotator, cluster=cluster, version=before)
        assert version_of(event.set) == before + 1
    assert set(cluster.mentions.values_list("pk", flat=True)) == {first.pk, second.pk}
    history = EventHistory.objects.filter(pgh_obj_id=first.pk).order_by("-pgh_id").first()
    assert history.pgh_context.metadata["action"] == "cluster_join"


def test_join_refuses_a_stale_version(project, reviewer, annotator, meetings):
    cluster = clusters.create_cluster(project, reviewer, name="لقاء دمشق")
    with pytest.raises(services.StaleVersion):
        clusters.join_cluster(meetings[0], annotator, cluster=cluster, version=0)
    assert Event.objects.get(pk=meetings[0].pk).cluster_id is None


def test_an_event_in_a_cluster_is_not_moved_silently(project, reviewer, annotator, meetings):
    event = meetings[0]
    one = clusters.create_cluster(project, reviewer, name="لقاء")
    other = clusters.create_cluster(project, reviewer, name="زيارة")
    clusters.join_cluster(event, annotator, cluster=one, version=version_of(event.set))
    with pytest.raises(services.Invalid, match="already in the cluster «لقاء»"):
        clusters.join_cluster(Event.objects.get(pk=event.pk), annotator, cluster=other, version=version_of(event.set))
    assert Event.objects.get(pk=event.pk).cluster_id == one.pk


def test_leave_and_create_for_event(annotator, meetings):
    event = meetings[0]
    cluster = clusters.create_cluster_for_event(event, annotator, name="لقاء فيدان وسامي", version=version_of(event.set))
    assert Event.objects.get(pk=event.pk).cluster_id == cluster.pk
    clusters.leave_cluster(Event.objects.get(pk=event.pk), annotator, version=version_of(event.set))
    assert Event.objects.get(pk=event.pk).cluster_id is None
    with pytest.raises(services.Invalid, match="in no cluster"):
        clusters.leave_cluster(Event.objects.get(pk=event.pk), annotator, version=version_of(event.set))


def test_cluster_of_another_project_is_refused(reviewer, annotator, meetings):
    from corpus.presets import create_project_from_preset

    other = create_project_from_preset("آخر", slug="other", preset="news-ar")
    foreign = clusters.create_cluster(other, reviewer, name="لقاء")
    with pytest.raises(services.Invalid, match="another project"):
        clusters.join_cluster(meetings[0], annotator, cluster=foreign, version=version_of(meetings[0].set))


def test_merge_moves_events_and_delete_releases_them(project, reviewer, annotator, meetings):
    one = clusters.create_cluster(project, reviewer, name="لقاء", description="في دمشق")
    two = clusters.create_cluster(project, reviewer, name="اجتماع", description="الأحد")
    clusters.join_cluster(meetings[0], annotator, cluster=one, version=version_of(meetings[0].set))
    clusters.join_cluster(meetings[1], annotator, cluster=two, version=version_of(meetings[1].set))
    assert clusters.merge_clusters(one, two, reviewer) == 1
    assert not EventCluster.objects.filter(pk=two.pk).exists()
    assert set(one.mentions.values_list("pk", flat=True)) == {meetings[0].pk, meetings[1].pk}
    assert one.description == "في دمشق\n\nالأحد"
    with pytest.raises(services.Invalid, match="itself"):
        clusters.merge_clusters(one, one, reviewer)
    assert clusters.delete_cluster(one, reviewer) == 2
    assert Event.objects.filter(pk__in=[e.pk for e in meetings], cluster__isnull=True).count() == 2


def test_rename_refuses_an_empty_name(project, reviewer):
    cluster = clusters.create_cluster(project, reviewer, name="لقاء")
    with pytest.raises(services.Invalid) as refused:
        clusters.update_cluster(cluster, reviewer, name="  ")
    assert refused.value.field == "name"
    clusters.update_cluster(cluster, reviewer, name="لقاء دمشق")
    assert EventCluster.objects.get(pk=cluster.pk).name == "لقاء دمشق"


def test_search_ignores_spelling_variation(project, reviewer):
    clusters.create_cluster(project, reviewer, name="لقاء فيدان وسامي في دمشق")
    clusters.create_cluster(project, reviewer, name="زيارة حلب")
    assert [c.name for c in clusters.search_clusters(project, "لقاء")] == ["لقاء فيدان وسامي في دمشق"]
    assert [c.name for c in clusters.search_clusters(project, "سامى")] == ["لقاء فيدان وسامي في دمشق"]
    assert len(clusters.search_clusters(project, "")) == 2
