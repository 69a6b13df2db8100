"""Event cluster pages and the editor's event panel: access, visibility, actions, query counts."""
from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate import services
from annotate.models import Event, EventCluster
from annotate.services import clusters
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.test_clusters_services import make_event
from tests.annotate.test_kb_services import version_of
from tests.annotate.test_kb_views import client_for


@pytest.fixture
def cluster(project, reviewer):
    return clusters.create_cluster(project, reviewer, name="لقاء دمشق")


def _join(event, user, cluster):
    clusters.join_cluster(event, user, cluster=cluster, version=version_of(event.set))


def test_cluster_page_lists_mentions_with_arguments(project, reviewer, annotator, reports, cluster):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى", ("هاكان فيدان", "أحمد سامي"))
    _join(event, annotator, cluster)
    body = client_for(reviewer).get(reverse("cluster_detail", args=[project.slug, cluster.pk])).content.decode()
    assert "<mark>التقى</mark>" in body and "Meeting" in body and "MEET" not in body  # names, not keys
    assert "<dt>Participant</dt>" in body and "هاكان فيدان" in body and "أحمد سامي" in body
    assert "factuality" not in body and "Factuality: <bdi>asserted</bdi>" in body


def test_annotator_sees_only_their_own_event_mentions(project, reviewer, annotator, other_annotator, reports, cluster):
    _join(make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى"), annotator, cluster)
    _join(make_event(services.own_set(reports["c-2"], other_annotator), other_annotator, "اجتمع"),
          other_annotator, cluster)
    url = reverse("cluster_detail", args=[project.slug, cluster.pk])
    mine = client_for(annotator).get(url)
    assert mine.context["page"].paginator.count == 1 and "اجتمع" not in mine.content.decode()
    assert client_for(reviewer).get(url).context["page"].paginator.count == 2
    listed = client_for(annotator).get(reverse("cluster_list", args=[project.slug]))
    assert [row["mentions"] for row in listed.context["rows"]] == [1]


def test_outsider_gets_404(project, outsider, annotator, reports, cluster):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    client = client_for(outsider)
    assert client.get(reverse("cluster_list", args=[project.slug])).status_code == 404
    assert client.get(reverse("cluster_detail", args=[project.slug, cluster.pk])).status_code == 404
    assert client.get(reverse("cluster_event_panel", args=[event.pk])).status_code == 404


def test_cluster_page_query_count_does_not_grow(project, annotator, cluster):
    def add(count: int, start: int) -> None:
        add_documents(project, [
            DocumentRecord(external_id=f"m-{i}", text=f"التقى سمير داود أحمد سامي في حلب للمرة {i}.")
            for i in range(start, start + count)
        ])
        for document in project.documents.filter(external_id__startswith="m-"):
            annotation_set = services.own_set(document, annotator)
            if not annotation_set.events.exists():
                _join(make_event(annotation_set, annotator, "التقى", ("سمير داود", "أحمد سامي")), annotator, cluster)

    client = client_for(annotator)
    url = reverse("cluster_detail", args=[project.slug, cluster.pk])
    add(2, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).context["page"].paginator.count == 2
    add(6, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).context["page"].paginator.count == 8
    assert len(many) == len(few) <= 10


def test_any_member_creates_only_reviewers_change(project, annotator, reviewer, cluster):
    response = client_for(annotator).post(reverse("cluster_list", args=[project.slug]), {"name": "زيارة حلب"})
    assert response.status_code == 302 and EventCluster.objects.filter(name="زيارة حلب").exists()
    url = reverse("cluster_detail", args=[project.slug, cluster.pk])
    assert client_for(annotator).post(url, {"action": "edit", "name": "x"}).status_code == 404
    client_for(reviewer).post(url, {"action": "edit", "name": "لقاء في دمشق", "description": ""})
    assert EventCluster.objects.get(pk=cluster.pk).name == "لقاء في دمشق"


def _panel(event) -> str:
    return reverse("cluster_event_panel", args=[event.pk])


def test_panel_join_and_leave_update_the_version(annotator, reports, cluster):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    client = client_for(annotator)
    page = client.get(_panel(event))
    assert cluster in page.context["candidates"]
    before = version_of(event.set)
    response = client.post(_panel(event), {"action": "join", "cluster": cluster.pk, "version": before})
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"tawsim:version": {"version": before + 1}}
    assert Event.objects.get(pk=event.pk).cluster_id == cluster.pk
    response = client.post(_panel(event), {"action": "leave", "version": before + 1})
    assert response.status_code == 200 and Event.objects.get(pk=event.pk).cluster_id is None


def test_panel_create_and_stale_version(annotator, reports):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    client = client_for(annotator)
    stale = client.post(_panel(event), {"action": "create", "name": "لقاء", "version": 0})
    assert stale.status_code == 409 and not EventCluster.objects.exists()
    response = client.post(_panel(event), {"action": "create", "name": "لقاء", "version": version_of(event.set)})
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).cluster.name == "لقاء"


def test_panel_search_as_htmx_returns_only_candidates(project, reviewer, annotator, reports, cluster):
    clusters.create_cluster(project, reviewer, name="زيارة حلب")
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    body = client_for(annotator).get(_panel(event), {"q": "حلب"}, HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<ul id="cluster-candidates"')
    assert "زيارة حلب" in body and "لقاء دمشق" not in body


def test_panel_of_another_annotators_event_is_404(annotator, other_annotator, reports, cluster):
    event = make_event(services.own_set(reports["c-1"], other_annotator), other_annotator, "التقى")
    client = client_for(annotator)
    assert client.get(_panel(event)).status_code == 404
    assert client.post(_panel(event), {"action": "join", "cluster": cluster.pk, "version": 9}).status_code == 404
