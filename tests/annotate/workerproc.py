"""Starting real worker processes (`manage.py run_worker`) against a test's database,
with short heartbeats and leases, and waiting on conditions with a bound."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_env() -> dict[str, str]:
    """The test database's connection settings, for tests/worker_settings.py."""
    settings = connection.settings_dict
    db = {key: settings[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    return {"TAWSIM_WORKER_DB": json.dumps(db)}


def start_worker(log_path: Path, *, extra_env: dict[str, str] | None = None, **timings) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "TAWSIM_WORKER_HEARTBEAT_SECONDS": "1",
        "TAWSIM_JOB_LEASE_SECONDS": "3",
        "TAWSIM_WORKER_MAX_BACKOFF_SECONDS": "2",
        "TAWSIM_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "INFO",
        **{f"TAWSIM_{name.upper()}": str(value) for name, value in timings.items()},
        **(extra_env if extra_env is not None else database_env()),
    }
    log = open(log_path, "ab")  # noqa: SIM115 - the process keeps it
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, *, timeout: float, what: str, every: float = 0.2):
    """Poll `condition()` until it returns something true, or fail saying what we waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
