"""Job functions a test's worker process runs: real pre-tagging with a slow tagger, so
a test can kill the worker in the middle of it.
tests/worker_settings.py installs WorkerTestJobs, which registers them in the worker."""
from __future__ import annotations

import os
import time

from django.apps import AppConfig

SLOW_PRETAG = "slow_pretag"
SECONDS_PER_DOCUMENT = 0.03
# A worker started with this variable set to N tags N documents, then stops for good in
# the middle of the next one (until it is killed): a test knows exactly what was stored.
HOLD_AFTER = "TAWSIM_TEST_HOLD_AFTER"


class SlowTagger:
    """Tags the first word of each text as a person, slowly."""

    name = "slow"
    tagged = 0  # documents tagged by this process

    def tag(self, text, tokens):
        from corpus.pretag.base import EntityProposal

        hold_after = os.environ.get(HOLD_AFTER)
        if hold_after is not None and SlowTagger.tagged >= int(hold_after):
            while True:
                time.sleep(1)
        SlowTagger.tagged += 1
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

