"""Job functions a test's worker process runs: real pre-tagging with a slow tagger, so
a test can kill the worker in the middle of it.
tests/worker_settings.py installs WorkerTestJobs, which registers them in the worker."""
from __future__ import annotations

import time

from django.apps import AppConfig

SLOW_PRETAG = "slow_pretag"
SECONDS_PER_DOCUMENT = 0.03


class SlowTagger:
    """Tags the first word of each text as a person, slowly."""

    name = "slow"

    def tag(self, text, tokens):
        from corpus.pretag.base import EntityProposal

        time.sleep(SECONDS_PER_DOCUMENT)
        return [EntityProposal("PER", 0, text.find(" "), 0.5, self.name)]


def register() -> None:
    from annotate import jobs
    from annotate.pretagging import pipeline

    jobs.KINDS[SLOW_PRETAG] = "annotate.pretagging.pretag_job"
    pipeline.BUILDERS["slow"] = lambda project, options: SlowTagger()


class WorkerTestJobs(AppConfig):
    name = "tests.annotate"
    label = "worker_test_jobs"

    def ready(self) -> None:
        register()

