import pytest

from annotate import jobs
from annotate.models import Job


@pytest.fixture(autouse=True)
def _test_kinds(monkeypatch):
    monkeypatch.setitem(jobs.KINDS, "count", "tests.annotate.test_jobs.count_documents")
    monkeypatch.setitem(jobs.KINDS, "broken", "tests.annotate.test_jobs.broken")


def count_documents(job, progress):
    progress(1, 2)
    progress(2, 2)
    return {"documents": job.project.documents.count(), "echo": job.params["echo"]}


def broken(job, progress):
    raise RuntimeError("the tagger's model file is unreadable")


def test_a_started_job_runs_through_the_task_backend_and_records_its_result(
    document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(document.project, "count", params={"echo": "مرحبا"})
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert job.result == {"documents": 1, "echo": "مرحبا"} and job.finished_at is not None


def test_a_failing_job_is_marked_failed_with_the_reason(document):
    job = jobs.run_now(document.project, "broken")
    assert job.status == Job.Status.FAILED
    assert "model file is unreadable" in job.shown_messages[-1]


def test_a_kind_outside_the_registry_is_refused_before_any_job_is_recorded(document):
    for kind in ("os.system", "tests.annotate.test_jobs.count_documents"):  # module paths are no kinds
        with pytest.raises(jobs.UnknownJobKind, match="unknown job kind"):
            jobs.run_now(document.project, kind)
    assert not Job.objects.exists()


def test_a_stored_job_of_an_unknown_kind_fails_with_the_reason(document):
    job = Job.objects.create(project=document.project, kind="spellcheck")
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "unknown job kind 'spellcheck'" in job.shown_messages[-1]


def test_every_registered_kind_names_a_work_function():
    for kind in jobs.KINDS:
        assert callable(jobs._work(kind)), kind


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_stored_module_paths_to_kind_names_and_back(document):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    paths = ["annotate.dataset.export_job", "annotate.pretagging.pretag_job",
             "annotate.pretagging.retrain_job", "annotate.agreement.jobs.compute_project"]
    before, after = ("annotate", "0005_partial_indexes_on_links"), ("annotate", "0006_job_kind_names")

    def jobs_at(target):  # the Job model as it was at that migration (later ones add columns)
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return MigrationExecutor(connection).loader.project_state(target).apps.get_model("annotate", "Job")

    OldJob = jobs_at(before)
    for path in paths:
        OldJob.objects.create(project_id=document.project_id, kind=path)
    assert sorted(jobs_at(after).objects.values_list("kind", flat=True)) == ["agreement", "export", "pretag", "retrain"]
    assert sorted(jobs_at(before).objects.values_list("kind", flat=True)) == sorted(paths)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
