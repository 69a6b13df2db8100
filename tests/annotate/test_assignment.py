"""Assignment: workflow options, even distribution honouring the per-document count,
the pull queue (also under concurrency), stale pulls released, blind mode."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from annotate import services
from annotate.models import AnnotationSet, Assignment, SetKind, SetStatus
from annotate.services import ANY_VERSION, assignment
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role


def make_annotators(project, count, prefix="a"):
    users = []
    for i in range(count):
        user = get_user_model().objects.create_user(username=f"{prefix}{i}", password=f"pass-{prefix}{i}")
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        users.append(user)
    return users


def make_documents(project, count):
    add_documents(project, [
        DocumentRecord(external_id=f"w{i}", title=f"خبر {i}", text=f"وصل الوفد إلى حلب في اليوم {i} من الشهر.")
        for i in range(count)
    ])
    return list(project.documents.order_by("order"))


def test_workflow_defaults_and_validation(project):
    assert assignment.workflow_of(project) == assignment.Workflow(1, True, 120, None)
    assignment.update_workflow(project, None, annotators_per_document=3, blind=False, agreement_k=2)
    project.refresh_from_db()
    assert assignment.workflow_of(project) == assignment.Workflow(3, False, 120, 2)
    for bad in ({"annotators_per_document": 6}, {"annotators_per_document": 0}, {"blind": "yes"}, {"colour": 1}):
        with pytest.raises(services.Invalid) as refused:
            assignment.update_workflow(project, None, **bad)
        assert refused.value.field == next(iter(bad))


def test_distribution_is_even_and_honours_the_per_document_count(project):
    users = make_annotators(project, 3)
    documents = make_documents(project, 7)
    assignment.update_workflow(project, None, annotators_per_document=2)
    assert assignment.assign_documents(project, annotators=users) == 14
    per_document = Counter(Assignment.objects.values_list("document_id", flat=True))
    assert set(per_document.values()) == {2} and len(per_document) == 7
    per_user = Counter(Assignment.objects.values_list("user_id", flat=True))
    assert max(per_user.values()) - min(per_user.values()) <= 1
    # Nothing left to assign: a second run adds nothing, and never the same annotator twice.
    assert assignment.assign_documents(project, annotators=users) == 0
    assert not Assignment.objects.values("document", "user").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert set(per_document) == {d.pk for d in documents}


def test_assigning_selected_documents_only_and_refusing_strangers(project, outsider):
    users = make_annotators(project, 2)
    documents = make_documents(project, 4)
    assert assignment.assign_documents(project, annotators=users, documents=[documents[1].pk]) == 1
    assert list(Assignment.objects.values_list("document_id", flat=True)) == [documents[1].pk]
    with pytest.raises(services.Invalid) as refused:
        assignment.assign_documents(project, annotators=[users[0], outsider])
    assert refused.value.field == "annotators" and "outsider" in refused.value.message


def test_queue_pull_honours_the_count_and_hands_back_untouched_pulls_first(project):
    a, b, c = make_annotators(project, 3)
    first, second = make_documents(project, 2)
    assignment.update_workflow(project, None, annotators_per_document=2)
    assert assignment.pull_next(project, a) == first
    assert assignment.pull_next(project, a) == first  # untouched: no hoarding
    services.create_span(services.own_set(first, a), a, entity_type="GPE", start=first.text.index("حلب"),
                         end=first.text.index("حلب") + 3, version=ANY_VERSION)
    assert assignment.pull_next(project, a) == second
    assert assignment.pull_next(project, b) == first
    assert assignment.pull_next(project, c) == second  # first already has its two annotators
    assert Counter(Assignment.objects.values_list("document_id", flat=True)) == {first.pk: 2, second.pk: 2}


def test_the_queue_never_hands_back_a_document_the_annotator_already_submitted(project):
    [a] = make_annotators(project, 1)
    first, second = make_documents(project, 2)
    own = services.own_set(first, a)  # opened directly, without a pull
    services.create_span(own, a, entity_type="GPE", start=first.text.index("حلب"),
                         end=first.text.index("حلب") + 3, version=ANY_VERSION)
    services.submit_set(own, a, version=ANY_VERSION)
    assert assignment.pull_next(project, a) == second


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_pulls_never_exceed_the_count(project):
    users = make_annotators(project, 4)
    make_documents(project, 1)
    assignment.update_workflow(project, None, annotators_per_document=2)
    barrier = threading.Barrier(len(users))
    results = []

    def pull(user):
        try:
            barrier.wait()
            results.append(assignment.pull_next(project, user))
        finally:
            connection.close()

    threads = [threading.Thread(target=pull, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Assignment.objects.count() <= 2
    assert sum(1 for document in results if document is not None) == Assignment.objects.count() >= 1


def test_stale_untouched_pulls_go_back_to_the_queue(project):
    a, b = make_annotators(project, 2)
    first, second = make_documents(project, 2)
    assignment.pull_next(project, a)
    assignment.pull_next(project, b)
    services.own_set(first, a)  # opened, never written: still untouched
    services.create_span(services.own_set(second, b), b, entity_type="GPE", start=second.text.index("حلب"),
                         end=second.text.index("حلب") + 3, version=ANY_VERSION)
    later = timezone.now() + timedelta(minutes=121)
    assert assignment.release_stale_assignments(project, now=later) == 1
    assert list(Assignment.objects.values_list("user__username", flat=True)) == ["a1"]
    assert assignment.release_stale_assignments(project) == 0


def test_release_command_reports_per_project(project, capsys):
    a, = make_annotators(project, 1)
    make_documents(project, 1)
    assignment.pull_next(project, a)
    Assignment.objects.update(assigned_at=timezone.now() - timedelta(days=1))
    call_command("release_assignments", project.slug)
    assert f"{project.slug}: 1 released" in capsys.readouterr().out
    assert not Assignment.objects.exists()


def test_admin_assignments_are_never_released(project):
    a, = make_annotators(project, 1)
    make_documents(project, 1)
    assignment.assign_documents(project, annotators=[a])
    Assignment.objects.update(assigned_at=timezone.now() - timedelta(days=1))
    assert assignment.release_stale_assignments(project) == 0


# --- blind mode: an annotator reaches no other annotator's set ----------------------

def test_blind_annotators_cannot_reach_each_others_sets(client, project, document, annotator, other_annotator):
    theirs = services.own_set(document, other_annotator)
    start = document.text.index("القاهرة")
    span = services.create_span(theirs, other_annotator, entity_type="GPE", start=start, end=start + 7,
                                version=ANY_VERSION)
    client.force_login(annotator)
    for url in (f"/api/sets/{theirs.pk}/", f"/api/sets/{theirs.pk}/spans/", f"/api/spans/{span.pk}/"):
        assert client.get(url).status_code == 404, url
    listed = client.get(f"/api/projects/{project.slug}/documents/{document.pk}/sets/").json()
    assert theirs.pk not in [s["id"] for s in listed]
    editor = client.get(reverse("editor", args=[project.slug, document.pk])).content.decode()
    assert f'data-id="{span.pk}"' not in editor
    assert client.post(reverse("span_delete", args=[span.pk]), {"version": theirs.version}).status_code == 404
    assert client.get(reverse("adjudicate", args=[project.slug, document.pk])).status_code == 404
    assert client.get(f"/api/projects/{project.slug}/documents/{document.pk}/adjudication/").status_code == 404


# --- pages and API ------------------------------------------------------------------

def test_workflow_page_is_for_admins_only(client, project, admin_user, reviewer, annotator):
    url = reverse("workflow", args=[project.slug])
    for user in (reviewer, annotator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_admin_saves_settings_and_assigns_from_the_page(client, project, admin_user):
    users = make_annotators(project, 2)
    make_documents(project, 3)
    client.force_login(admin_user)
    url = reverse("workflow", args=[project.slug])
    client.post(url, {"action": "settings", "annotators_per_document": "2", "queue_timeout_minutes": "30",
                      "agreement_k": ""})
    project.refresh_from_db()
    assert assignment.workflow_of(project) == assignment.Workflow(2, False, 30, None)
    client.post(url, {"action": "assign", "annotators": [u.pk for u in users]})
    assert Assignment.objects.count() == 6
    html = client.get(url).content.decode()
    assert "<svg" in html and 'class="done"' in html and "a0" in html


def test_api_assign_queue_and_pull(client, project, admin_user):
    a, b = make_annotators(project, 2)
    documents = make_documents(project, 3)
    client.force_login(admin_user)
    assert client.patch(f"/api/projects/{project.slug}/workflow/", {"annotators_per_document": 1},
                        content_type="application/json").json()["annotators_per_document"] == 1
    made = client.post(f"/api/projects/{project.slug}/assignments/",
                       {"annotators": ["a0"], "documents": [documents[0].pk]},
                       content_type="application/json")
    assert made.status_code == 201 and made.json() == {"created": 1}
    client.force_login(b)
    assert client.post(f"/api/projects/{project.slug}/assignments/", {"annotators": ["a1"]},
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/projects/{project.slug}/queue/next/").json() == {"document": documents[1].pk}
    queue = client.get(f"/api/projects/{project.slug}/queue/").json()
    assert [d["id"] for d in queue["documents"]] == [documents[1].pk] and (queue["done"], queue["assigned"]) == (0, 1)


def test_without_blind_mode_annotators_read_but_never_write_each_others_sets(
    client, project, document, annotator, other_annotator
):
    project.settings = {**project.settings, "blind": False}
    project.save(update_fields=["settings"])
    theirs = services.own_set(document, other_annotator)
    start = document.text.index("القاهرة")
    span = services.create_span(theirs, other_annotator, entity_type="GPE", start=start, end=start + 7,
                                version=ANY_VERSION)
    client.force_login(annotator)
    assert client.get(f"/api/sets/{theirs.pk}/").status_code == 200
    refused = client.delete(f"/api/spans/{span.pk}/?version={theirs.version + 1}")
    assert refused.status_code in (403, 404)
    assert theirs.spans.filter(pk=span.pk).exists()
    gold = services.gold_set(document)
    assert client.get(f"/api/sets/{gold.pk}/").status_code == 404


def test_once_assignments_exist_annotators_open_only_their_documents(client, project, annotator, other_annotator,
                                                                      reviewer):
    first, second, third = make_documents(project, 3)
    client.force_login(annotator)
    before = client.get(f"/api/projects/{project.slug}/documents/").json()["results"]
    assert len(before) == 3  # no assignments yet: every member works on every document
    worked = services.own_set(third, annotator)  # work begun before the assignments
    services.create_span(worked, annotator, entity_type="GPE", start=third.text.index("حلب"),
                         end=third.text.index("حلب") + 3, version=ANY_VERSION)
    Assignment.objects.create(document=first, user=annotator)
    Assignment.objects.create(document=second, user=other_annotator)

    listed = [d["id"] for d in client.get(f"/api/projects/{project.slug}/documents/").json()["results"]]
    assert listed == [first.pk, third.pk]
    page = client.get(reverse("project_detail", args=[project.slug])).content.decode()
    assert "خبر 0" in page and "خبر 1" not in page and "خبر 2" in page
    for document, status in ((first, 200), (second, 404), (third, 200)):
        assert client.get(reverse("editor", args=[project.slug, document.pk])).status_code == status
        assert client.get(f"/api/projects/{project.slug}/documents/{document.pk}/").status_code == status
        assert client.post(f"/api/projects/{project.slug}/documents/{document.pk}/sets/", {},
                           content_type="application/json").status_code == status
    client.force_login(reviewer)
    assert client.get(reverse("editor", args=[project.slug, second.pk])).status_code == 200


def test_an_untouched_set_opened_before_assignments_is_not_a_way_around_them(client, project, annotator,
                                                                               other_annotator):
    first, second = make_documents(project, 2)
    opened = services.own_set(second, annotator)  # opened, nothing written, before any assignment
    Assignment.objects.create(document=first, user=annotator)
    Assignment.objects.create(document=second, user=other_annotator)
    client.force_login(annotator)
    start = second.text.index("حلب")
    refused = client.post(f"/api/sets/{opened.pk}/spans/",
                          {"entity_type": "GPE", "start": start, "end": start + 3, "version": 0},
                          content_type="application/json")
    assert refused.status_code in (403, 404)
    assert client.post(reverse("span_create", args=[opened.pk]), {"type": "GPE", "start": start, "end": start + 3},
                       HTTP_HX_REQUEST="true").status_code == 404
    assert not opened.spans.exists()
    # their own assigned document: writable as ever
    mine = services.own_set(first, annotator)
    start = first.text.index("حلب")
    assert client.post(f"/api/sets/{mine.pk}/spans/",
                       {"entity_type": "GPE", "start": start, "end": start + 3, "version": 0},
                       content_type="application/json").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_ten_connections_pulling_at_a_barrier_never_exceed_the_count_in_any_round(project):
    """Ten annotators, each on its own connection, pull at the same instant; round after
    round, no document ever gets more than its two annotators. Full documents come
    first in the queue, so each pull reads counts for a while before it locks a row:
    a pull that commits meanwhile is not in the counts that pull read."""
    users = make_annotators(project, 10, prefix="race")
    earlier = make_annotators(project, 2, prefix="earlier")
    documents = make_documents(project, 1500)
    full, open_ = documents[:-3], documents[-3:]
    Assignment.objects.bulk_create([Assignment(document=d, user=u) for d in full for u in earlier])
    assignment.update_workflow(project, None, annotators_per_document=2)
    for round_number in range(10):
        Assignment.objects.filter(document__in=open_).delete()
        barrier = threading.Barrier(len(users))
        pulled = []

        def pull(user, barrier, pulled):
            try:
                barrier.wait()
                pulled.append(assignment.pull_next(project, user))
            finally:
                connection.close()

        threads = [threading.Thread(target=pull, args=(user, barrier, pulled)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        counts = Counter(Assignment.objects.filter(document__in=open_).values_list("document_id", flat=True))
        assert max(counts.values()) <= 2, f"round {round_number}: {counts}"
        assert sum(1 for document in pulled if document is not None) == sum(counts.values())


def test_workflow_and_review_pages_name_the_gold_state_in_the_readers_language(client, project, admin_user, document):
    AnnotationSet.objects.create(document=document, kind=SetKind.GOLD, status=SetStatus.ADJUDICATED)
    client.force_login(admin_user)
    for name in ("workflow", "review_list"):
        page = client.get(reverse(name, args=[project.slug]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        assert "محسوم" in page, name
        assert ">adjudicated<" not in page, name
