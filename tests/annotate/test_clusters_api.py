"""Event clusters through the REST API."""
from __future__ import annotations

from annotate import services
from annotate.models import Event, EventCluster
from annotate.services import clusters
from tests.annotate.test_clusters_services import make_event
from tests.annotate.test_kb_api import api
from tests.annotate.test_kb_services import version_of


def url(project, *rest) -> str:
    return "/".join([f"/api/projects/{project.slug}/clusters", *map(str, rest)]) + "/"


def test_members_create_and_list_reviewers_rename_merge_delete(project, annotator, reviewer):
    created = api(annotator).post(url(project), {"name": "لقاء دمشق"}, format="json")
    assert created.status_code == 201 and created.json()["mentions"] == 0
    cluster_id = created.json()["id"]
    other = clusters.create_cluster(project, reviewer, name="اجتماع دمشق")
    assert [c["name"] for c in api(annotator).get(url(project), {"q": "لقاء"}).json()["results"]] == ["لقاء دمشق"]
    assert api(annotator).patch(url(project, cluster_id), {"name": "x"}, format="json").status_code == 404
    renamed = api(reviewer).patch(url(project, cluster_id), {"name": "لقاء في دمشق"}, format="json")
    assert renamed.json()["name"] == "لقاء في دمشق"
    assert api(reviewer).post(url(project, cluster_id, "merge"), {"source": other.pk}, format="json").json() == {"moved": 0}
    assert api(reviewer).delete(url(project, cluster_id)).status_code == 204
    assert not EventCluster.objects.exists()


def test_empty_name_is_refused(project, annotator):
    response = api(annotator).post(url(project), {"name": "   "}, format="json")
    assert response.status_code == 400


def test_join_leave_create_with_versions(project, annotator, reviewer, reports):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى", ("هاكان فيدان",))
    cluster = clusters.create_cluster(project, reviewer, name="لقاء دمشق")
    client = api(annotator)
    before = version_of(event.set)
    stale = client.post(f"/api/events/{event.pk}/cluster/", {"cluster": cluster.pk, "version": before - 1}, format="json")
    assert stale.status_code == 409 and Event.objects.get(pk=event.pk).cluster_id is None
    joined = client.post(f"/api/events/{event.pk}/cluster/", {"cluster": cluster.pk, "version": before}, format="json")
    assert joined.json() == {"event": event.pk, "cluster": cluster.pk, "version": before + 1}
    left = client.delete(f"/api/events/{event.pk}/cluster/?version={before + 1}")
    assert left.json() == {"event": event.pk, "cluster": None, "version": before + 2}
    made = client.post(f"/api/events/{event.pk}/cluster/create/", {"name": "لقاء", "version": before + 2}, format="json")
    assert made.status_code == 201 and Event.objects.get(pk=event.pk).cluster.name == "لقاء"


def test_detail_lists_visible_events_with_arguments(project, annotator, other_annotator, reviewer, reports):
    cluster = clusters.create_cluster(project, reviewer, name="لقاء دمشق")
    mine = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى", ("هاكان فيدان", "أحمد سامي"))
    theirs = make_event(services.own_set(reports["c-2"], other_annotator), other_annotator, "اجتمع")
    clusters.join_cluster(mine, annotator, cluster=cluster, version=version_of(mine.set))
    clusters.join_cluster(theirs, other_annotator, cluster=cluster, version=version_of(theirs.set))
    seen = api(annotator).get(url(project, cluster.pk)).json()
    assert seen["mentions"] == 1 and [e["event"] for e in seen["events"]] == [mine.pk]
    assert [(a["role"], a["text"]) for a in seen["events"][0]["arguments"]] == [
        ("Participant", "هاكان فيدان"), ("Participant", "أحمد سامي")
    ]
    assert seen["events"][0]["trigger"] == "التقى"
    assert len(api(reviewer).get(url(project, cluster.pk)).json()["events"]) == 2


def test_strangers_and_other_annotators_get_404(project, annotator, other_annotator, outsider, reports):
    cluster = clusters.create_cluster(project, annotator, name="لقاء")
    event = make_event(services.own_set(reports["c-1"], other_annotator), other_annotator, "التقى")
    body = {"cluster": cluster.pk, "version": version_of(event.set)}
    assert api(annotator).post(f"/api/events/{event.pk}/cluster/", body, format="json").status_code == 404
    assert api(outsider).get(url(project, cluster.pk)).status_code == 404
    assert Event.objects.get(pk=event.pk).cluster_id is None
