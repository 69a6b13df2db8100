"""Settings for a worker process started by a test: the test's database (its connection
settings in TAWSIM_WORKER_DB, JSON), and the test job kinds registered."""
import json
import os

from tawsim.settings import *  # noqa: F403
from tawsim.settings import DATABASES, INSTALLED_APPS

if os.environ.get("TAWSIM_WORKER_DB"):
    DATABASES["default"].update(json.loads(os.environ["TAWSIM_WORKER_DB"]))
INSTALLED_APPS = [*INSTALLED_APPS, "tests.annotate.worker_jobs.WorkerTestJobs"]
