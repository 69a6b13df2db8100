"""Agreement page, CSV, API and CLI: who may see them, what they show, the cache."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotate import services
from annotate.agreement import jobs as agreement_jobs
from annotate.models import Job
from annotate.services import ANY_VERSION


def annotate_and_submit(document, user, spans):
    annotation_set = services.own_set(document, user)
    for type_key, surface in spans:
        start = document.text.index(surface)
        services.create_span(annotation_set, user, entity_type=type_key, start=start, end=start + len(surface),
                             version=ANY_VERSION, snap_to_tokens=False)
    annotation_set.refresh_from_db()
    services.submit_set(annotation_set, user, version=annotation_set.version)
    return annotation_set


def agreement_started() -> bool:
    """Only the agreement's jobs: a submitted set may queue the CRF's retraining."""
    return Job.objects.filter(kind=agreement_jobs.PROJECT_JOB).exists()


@pytest.fixture
def two_sets(document, annotator, other_annotator):
    # ann1: PER «سمير داود», GPE «القاهرة»; ann2: PER «سمير داود», LOC «القاهرة».
    annotate_and_submit(document, annotator, [("PER", "سمير داود"), ("GPE", "القاهرة")])
    annotate_and_submit(document, other_annotator, [("PER", "سمير داود"), ("LOC", "القاهرة")])
    return document


@pytest.mark.parametrize("who, status", [("reviewer", 200), ("admin_user", 200), ("annotator", 404), ("outsider", 404)])
def test_only_reviewers_and_admins_reach_the_agreement_pages(client, request, two_sets, who, status):
    client.force_login(request.getfixturevalue(who))
    slug = two_sets.project.slug
    for url in (reverse("agreement", args=[slug]), reverse("agreement_csv", args=[slug]),
                reverse("agreement_document", args=[slug, two_sets.pk]),
                reverse("agreement_document_csv", args=[slug, two_sets.pk]),
                reverse("api:agreement", args=[slug]), reverse("api:agreement-document", args=[slug, two_sets.pk])):
        assert client.get(url).status_code == status, url


def test_project_page_shows_the_figures_and_charts(client, reviewer, two_sets):
    client.force_login(reviewer)
    response = client.get(reverse("agreement", args=[two_sets.project.slug]))
    report = response.context["report"]
    # Exact: one of two spans each way: F1 = 1/2; the GPE/LOC pair lands in the confusion matrix.
    assert report["documents"] == 1 and report["spans"]["exact"]["overall"]["f1"] == 0.5
    html = response.content.decode()
    assert html.count("<svg") == 5 and 'id="agreement-confusion"' in html
    assert reverse("agreement_document", args=[two_sets.project.slug, two_sets.pk]) in html


def test_each_chart_has_a_visible_translated_caption_naming_it(client, reviewer, two_sets):
    client.force_login(reviewer)
    client.cookies["django_language"] = "ar"
    html = client.get(reverse("agreement", args=[two_sets.project.slug])).content.decode()
    captions = re.findall(r'<figure aria-labelledby="(chart-\d+)"><figcaption id="\1">([^<]+)</figcaption><svg', html)
    assert len(captions) == 5
    assert captions[0][1] == "F1 للمقاطع حسب النوع (تطابق تام)"
    assert captions[4][1] == "كابا كوهين على الكلمات لكل زوج"


def test_document_page_and_csv(client, reviewer, two_sets):
    client.force_login(reviewer)
    slug = two_sets.project.slug
    response = client.get(reverse("agreement_document", args=[slug, two_sets.pk]))
    assert response.context["report"]["annotators"] == ["ann1", "ann2"]
    body = client.get(reverse("agreement_csv", args=[slug])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["section", "item", "metric", "value", "n"]
    assert ["spans_exact", "overall", "f1", "0.5", "4"] in rows
    assert ["type_confusion", "GPE|LOC", "count", "1", "1"] in rows


def test_the_report_is_cached_until_a_set_changes(client, reviewer, two_sets, annotator):
    client.force_login(reviewer)
    url = reverse("api:agreement", args=[two_sets.project.slug])
    first = client.post(url).json()
    assert client.post(url).json() == first and client.get(url).json() == first
    assert Job.objects.filter(kind=agreement_jobs.PROJECT_JOB).count() == 1  # the rest from the cache
    annotation_set = services.own_set(two_sets, annotator)
    services.reopen_set(annotation_set, annotator, version=annotation_set.version)
    assert client.post(url).json()["report"]["documents"] == 0
    assert Job.objects.filter(kind=agreement_jobs.PROJECT_JOB, status=Job.Status.DONE).count() == 1  # old one dropped


def test_large_projects_are_computed_by_a_background_job(client, reviewer, two_sets, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    monkeypatch.setattr(agreement_jobs, "INLINE_SETS", 0)
    client.force_login(reviewer)
    url = reverse("api:agreement", args=[two_sets.project.slug])
    # GET only reads: nothing computed yet, and it says how to ask.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.json()["status"] == "not_computed"
    assert "POST" in response.json()["detail"] and not agreement_started()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert client.get(url).json()["status"] == "queued"  # GET reports the job's progress
    assert client.post(url).json()["job"] == response.json()["job"]  # asking again starts no second job
    page = client.get(reverse("agreement", args=[two_sets.project.slug]))
    assert 'hx-trigger="load delay:2s"' in page.content.decode()  # the page polls
    for callback in callbacks:
        callback()  # the worker runs the job (the immediate backend in tests)
    assert client.get(url).json()["report"]["documents"] == 1


def test_command_prints_figures_and_json(two_sets):
    out = io.StringIO()
    call_command("agreement", two_sets.project.slug, "--json", stdout=out)
    assert json.loads(out.getvalue())["tokens"]["pairs"][0]["a"] == "ann1"
    out = io.StringIO()
    call_command("agreement", two_sets.project.slug, stdout=out)
    assert "fleiss_kappa" in out.getvalue()


def test_demo_annotations_give_three_submitted_sets_and_run_twice(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("demo_annotations", stdout=io.StringIO())
    from corpus.models import Project

    project = Project.objects.get(slug="demo")
    report = agreement_jobs.compute(project)
    assert report["documents"] == 4 and report["annotators"] == ["annotator1", "annotator2", "annotator3"]
    assert 0 < report["spans"]["exact"]["overall"]["f1"] < 1  # realistic: neither none nor all
    assert report["events"]["attributes"]["factuality"]["pairs"] > 0
    call_command("demo_annotations", stdout=io.StringIO())
    assert agreement_jobs.compute(project) == report


def test_opening_the_page_writes_nothing_and_the_button_starts_the_job(
        client, reviewer, two_sets, monkeypatch, django_capture_on_commit_callbacks):
    url = reverse("agreement", args=[two_sets.project.slug])
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    small = client.get(url)
    assert small.status_code == 200 and not agreement_started()  # computed, not cached
    monkeypatch.setattr(agreement_jobs, "INLINE_SETS", 0)
    page = client.get(url).content.decode()
    assert "Compute agreement" in page and not agreement_started()
    assert client.get(reverse("agreement_csv", args=[two_sets.project.slug])).status_code == 409
    assert not agreement_started()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, HTTP_HX_REQUEST="true")
    assert started.status_code == 200
    assert Job.objects.filter(kind=agreement_jobs.PROJECT_JOB, status=Job.Status.DONE).count() == 1
