import pytest

from annotate import jobs
from annotate.models import Job


@pytest.fixture(autouse=True)
def _allow_test_work(settings):
    settings.TAWSIM_JOB_PACKAGES = ["annotate.", "corpus.", "tests.annotate.test_jobs."]


def count_documents(job, progress):
    progress(1, 2)
    progress(2, 2)
    return {"documents": job.project.documents.count(), "echo": job.params["echo"]}


def broken(job, progress):
    raise RuntimeError("the tagger's model file is unreadable")


def test_a_started_job_runs_through_the_task_backend_and_records_its_result(document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(document.project, "tests.annotate.test_jobs.count_documents", params={"echo": "مرحبا"})
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert job.result == {"documents": 1, "echo": "مرحبا"} and job.finished_at is not None


def test_a_failing_job_is_marked_failed_with_the_reason(document):
    job = jobs.run_now(document.project, "tests.annotate.test_jobs.broken")
    assert job.status == Job.Status.FAILED
    assert "model file is unreadable" in job.messages[-1]


def test_work_outside_the_apps_is_refused(document):
    with pytest.raises(ValueError, match="must live in"):
        jobs.run_now(document.project, "os.system")
