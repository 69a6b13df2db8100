"""Reopening through /api/sets/<id>/reopen/: a gold set goes through adjudication's own
reopen (its decision recorded); a set that is not submitted is refused, version unchanged."""
from __future__ import annotations

from annotate import services
from annotate.models import AdjudicationDecision, AnnotationSet, SetStatus


def reopen(client, annotation_set):
    return client.post(f"/api/sets/{annotation_set.pk}/reopen/", {"version": annotation_set.version},
                       content_type="application/json")


def test_reopening_a_set_that_is_not_submitted_is_refused_without_a_new_version(client, document, annotator):
    mine = services.own_set(document, annotator)
    client.force_login(annotator)
    response = reopen(client, mine)
    assert response.status_code == 400 and response.json()["field"] == "status"
    after = AnnotationSet.objects.get(pk=mine.pk)
    assert (after.version, after.status) == (mine.version, mine.status)


def test_a_submitted_set_is_reopened(client, document, annotator):
    mine = services.own_set(document, annotator)
    services.submit_set(mine, annotator, version=mine.version)
    mine.refresh_from_db()
    client.force_login(annotator)
    response = reopen(client, mine)
    assert response.status_code == 200 and response.json()["status"] == SetStatus.IN_PROGRESS


def test_reopening_gold_goes_through_adjudication_and_is_recorded(client, document, reviewer):
    gold = services.gold_set(document)
    AnnotationSet.objects.filter(pk=gold.pk).update(status=SetStatus.ADJUDICATED)
    gold.refresh_from_db()
    client.force_login(reviewer)
    response = reopen(client, gold)
    assert response.status_code == 200, response.content
    assert AdjudicationDecision.objects.filter(gold_set=gold, action="reopen", reviewer=reviewer).exists()
    gold.refresh_from_db()
    assert gold.status == SetStatus.IN_PROGRESS
    # Gold that is not adjudicated is not reopened either.
    refused = reopen(client, gold)
    assert refused.status_code == 400 and AnnotationSet.objects.get(pk=gold.pk).version == gold.version
