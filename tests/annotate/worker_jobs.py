"""Job functions a test's worker process runs: real pre-tagging with a slow tagger, so
a test can kill the worker in the middle of it."""
from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task

from annotate.pretagging import pipeline
from annotate.pretagging.pretag_jobs import pretag_job
from corpus.pretag.base import Suggestion

SECONDS_PER_DOCUMENT = 0.03


class SlowTagger:
    """Tags the first word of each text as a person, slowly."""

    name = "slow"

    def tag(self, text, tokens):
        time.sleep(SECONDS_PER_DOCUMENT)
        end = text.find(" ")
        return [Suggestion("PER", 0, end, 0.5, self.name)]


def slow_pretag(job, progress):
    pipeline.BUILDERS["slow"] = lambda project, options: SlowTagger()
    return pretag_job(job, progress)


@task()
def touch(path: str) -> None:
    """Leave a file behind: proof that a worker ran a task."""
    Path(path).write_text("ran")
