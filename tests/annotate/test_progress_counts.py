"""The counts the triggers keep (WorkloadCount, CoverageCount, DocumentLoad) equal a
recount from the source tables after every kind of write; the workflow page and the
progress lines read them in a number of queries that does not grow with documents."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotate import services
from annotate.models import AnnotationSet, Assignment, CoverageCount, DocumentLoad, SetStatus, WorkloadCount
from annotate.progress_sql import REBUILD
from annotate.services import assignment
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role
from tests.annotate.test_assignment import make_annotators, make_documents


def counts() -> dict:
    return {
        "workload": sorted(WorkloadCount.objects.exclude(assigned=0, in_progress=0, done=0)
                           .values_list("project_id", "user_id", "assigned", "in_progress", "done")),
        "coverage": sorted(
            CoverageCount.objects.exclude(documents=0).values_list("project_id", "assignments", "documents")),
        "load": sorted(DocumentLoad.objects.values_list("document_id", "project_id", "order", "assignments")),
    }


def recounted() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)
    return counts()


def test_counts_follow_every_write(project):
    users = make_annotators(project, 3)
    documents = make_documents(project, 12)
    assignment.update_workflow(project, None, annotators_per_document=2)
    assignment.assign_documents(project, annotators=users[:2], documents=documents[:6])
    pulled = assignment.pull_next(project, users[2])
    first = services.own_set(documents[0], users[0])
    services.create_span(first, users[0], entity_type="PER", start=0, end=3, version=first.version)
    first.refresh_from_db()
    services.submit_set(first, users[0], version=first.version)
    second = services.own_set(documents[1], users[1])
    services.create_span(second, users[1], entity_type="LOC", start=4, end=8, version=second.version)
    # An unassigned annotator's set counts nowhere.
    services.own_set(documents[11], users[2])
    Assignment.objects.filter(user=users[1], document=documents[1]).delete()  # taken back with its set in progress
    Assignment.objects.filter(pk=Assignment.objects.get(document=pulled, user=users[2]).pk).update(
        assigned_at=timezone.now() - timedelta(days=1))
    assignment.release_stale_assignments(project)
    documents[5].delete()
    add_documents(project, [DocumentRecord(external_id="late", text="نص وصل متأخرا إلى المشروع.")])
    state = counts()
    assert state == recounted()
    assert (project.pk, users[0].pk, 5, 0, 1) in state["workload"]
    assert (project.pk, users[1].pk, 4, 0, 0) in state["workload"]
    assert sum(n for p, _k, n in state["coverage"] if p == project.pk) == 12


def test_counts_of_a_deleted_project_are_gone(project, annotator):
    documents = make_documents(project, 3)
    assignment.assign_documents(project, annotators=[annotator])
    services.own_set(documents[0], annotator)
    project.delete()
    assert counts() == {"workload": [], "coverage": [], "load": []} == recounted()


def test_progress_and_needing_read_the_counts(project, annotator, other_annotator):
    documents = make_documents(project, 5)
    assert assignment.progress(project, annotator) == (0, 5) and not assignment.uses_assignments(project)
    annotation_set = services.own_set(documents[2], annotator)
    services.submit_set(annotation_set, annotator, version=annotation_set.version)
    assert assignment.progress(project, annotator) == (1, 5)
    assignment.update_workflow(project, None, annotators_per_document=2)
    assignment.assign_documents(project, annotators=[annotator], documents=documents[:3])
    assert assignment.uses_assignments(project)
    assert assignment.progress(project, annotator) == (1, 3) and assignment.progress(project, other_annotator) == (0, 0)
    assert assignment.count_needing_annotators(project) == assignment.documents_needing_annotators(project).count() == 5
    assignment.assign_documents(project, annotators=[other_annotator], documents=documents[:2])
    assert assignment.count_needing_annotators(project) == assignment.documents_needing_annotators(project).count() == 3
    rows = {row.username: row for row in assignment.progress_by_annotator(project)}
    assert (rows["ann1"].assigned, rows["ann1"].done, rows["ann2"].assigned) == (3, 1, 2)


def _workflow_queries(client, project) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflow", args=[project.slug])).status_code == 200
    return len(queries)


def test_workflow_page_queries_do_not_grow_with_documents(project, admin_user, annotator, client):
    client.force_login(admin_user)
    make_documents(project, 3)
    assignment.assign_documents(project, annotators=[annotator])
    few = _workflow_queries(client, project)
    add_documents(project, [DocumentRecord(external_id=f"x{i}", text=f"نص إضافي رقم {i} للمشروع.") for i in range(300)])
    assignment.assign_documents(project, annotators=[annotator])
    user = get_user_model().objects.create_user("ann9", password="x")
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    AnnotationSet.objects.filter(owner=annotator).update(status=SetStatus.SUBMITTED)
    assert _workflow_queries(client, project) == few


def test_queue_takes_the_first_open_document_in_order_across_buckets(project, annotator, other_annotator):
    documents = make_documents(project, 6)
    assignment.update_workflow(project, None, annotators_per_document=2)
    # 0 and 1 full, 2 held by the annotator, 3 half taken by someone else, 4 and 5 free.
    third = get_user_model().objects.create_user("ann3", password="x")
    Membership.objects.create(project=project, user=third, role=Role.ANNOTATOR)
    assignment.assign_documents(project, annotators=[other_annotator, third], documents=documents[:2])
    assignment.assign_documents(project, annotators=[annotator], documents=[documents[2]])
    assignment.assign_documents(project, annotators=[third], documents=[documents[3]])
    assert assignment.pull_next(project, annotator) == documents[3]


def test_queue_next_does_not_walk_past_full_documents(project, annotator, other_annotator):
    documents = make_documents(project, 3)
    assignment.assign_documents(project, annotators=[other_annotator], documents=documents[:2])
    add_documents(project, [DocumentRecord(external_id=f"q{i}", text=f"نص آخر رقم {i} في الطابور.")
                            for i in range(200)])
    with CaptureQueriesContext(connection) as few:
        assert assignment.pull_next(project, annotator) == documents[2]
    Assignment.objects.filter(user=annotator).delete()
    Assignment.objects.bulk_create([
        Assignment(document=d, user=other_annotator) for d in project.documents.exclude(assignments__isnull=False)
        .order_by("order")[:150]
    ])
    with CaptureQueriesContext(connection) as many:
        pulled = assignment.pull_next(project, annotator)
    assert pulled == project.documents.order_by("order")[152] and len(many) == len(few)
    candidate = next(q["sql"] for q in many.captured_queries if "annotate_documentload" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotate_documentload")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + candidate)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_load_queue" in plan


def test_recount_command_repairs_counts(project, annotator):
    from io import StringIO

    from django.core.management import call_command

    make_documents(project, 4)
    assignment.assign_documents(project, annotators=[annotator])
    right = counts()
    WorkloadCount.objects.update(assigned=99)
    CoverageCount.objects.update(documents=0)
    call_command("recount_progress", stdout=StringIO())
    assert counts() == right
