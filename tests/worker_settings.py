"""Settings for a worker process started by a test: the test's database (its connection
settings in TAWSIM_WORKER_DB, JSON), and the test modules' job functions allowed."""
import json
import os

from tawsim.settings import *  # noqa: F403
from tawsim.settings import DATABASES, TAWSIM_JOB_PACKAGES

if os.environ.get("TAWSIM_WORKER_DB"):
    DATABASES["default"].update(json.loads(os.environ["TAWSIM_WORKER_DB"]))
TAWSIM_JOB_PACKAGES = [*TAWSIM_JOB_PACKAGES, "tests.annotate.worker_jobs."]
