"""A task a test's worker process runs (imported once apps are ready)."""
from pathlib import Path

from django_tasks import task


@task()
def touch(path: str) -> None:
    """Leave a file behind: proof that a worker ran a task."""
    Path(path).write_text("ran")
