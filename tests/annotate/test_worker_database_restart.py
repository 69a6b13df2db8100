"""The worker outlives a database restart: a real worker on a throw-away embedded
PostgreSQL (not the suite's), the server stopped under it and started again; the worker
is still there, beating, and runs a task queued after the restart."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pgserver
import psycopg
import pytest
from pgserver._commands import pg_ctl

from tests.annotate.workerproc import ROOT, start_worker, stop, wait_for


@pytest.fixture
def scratch_server():
    # Not under pytest's tmp_path: when run as root the server runs as its own user, and
    # every pytest run (other checkouts' too) resets /tmp/pytest-of-root to mode 700.
    folder = Path(tempfile.mkdtemp(prefix="tawsim-scratch-pg-"))
    server = pgserver.get_server(folder / "pgdata", cleanup_mode="stop")
    server.psql("CREATE DATABASE scratch;")
    uri = urlparse(server.get_uri())
    db = {"NAME": "scratch", "USER": uri.username or "postgres", "PASSWORD": "",
          "HOST": parse_qs(uri.query).get("host", [""])[0], "PORT": str(uri.port or "")}
    yield server, db
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=300)


def last_beat(db):
    try:
        with psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], connect_timeout=2) as conn:
            return conn.execute("SELECT max(beat_at) FROM annotate_workerheartbeat").fetchone()[0]
    except psycopg.OperationalError:
        return None


def test_the_worker_waits_out_a_database_restart_and_runs_tasks_queued_after_it(scratch_server, tmp_path):
    import os

    server, db = scratch_server
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings", "TAWSIM_WORKER_DB": json.dumps(db),
           "TAWSIM_TASK_BACKEND": "django_tasks_db.DatabaseBackend"}
    manage(env, "migrate", "--no-input", "-v", "0")
    worker = start_worker(tmp_path / "worker.log", extra_env={"TAWSIM_WORKER_DB": json.dumps(db)})
    try:
        wait_for(lambda: last_beat(db), timeout=60, what="the worker's first heartbeat")

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        time.sleep(4)  # several polls and heartbeats fail meanwhile
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user)  # same options as the first start
        restarted = last_beat(db)

        wait_for(lambda: (last_beat(db) or restarted) > restarted, timeout=30, what="a heartbeat after the restart")
        done = tmp_path / "ran"
        manage(env, "shell", "-c", f"from tests.annotate.worker_tasks import touch; touch.enqueue({str(done)!r})")
        wait_for(done.exists, timeout=30, what="the task queued after the restart to run")
        assert worker.poll() is None
    finally:
        stop(worker)
