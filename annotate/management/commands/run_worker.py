"""The background worker to run in production: django-tasks' db_worker loop, plus a
heartbeat thread (annotate.workers: liveness for /healthz, job leases, recovery of the
jobs of dead workers), and a supervisor that outlives database outages.

When the database goes away, db_worker's loop raises and exits; here the loop is
restarted with back-off (1 s doubling to TAWSIM_WORKER_MAX_BACKOFF_SECONDS) until the
database answers again. Whatever runs this command (systemd's Restart=always) restarts
it if the process itself dies.
"""
from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from annotate import workers

log = logging.getLogger("annotate.workers")


class Command(DbWorkerCommand):
    help = "Run the background worker: heartbeat, job leases, restarts after database outages"

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               max_tasks, worker_id, **options) -> None:
        self.configure_logging(verbosity)
        if verbosity and not log.handlers:
            log.addHandler(logging.StreamHandler(self.stderr))
            log.setLevel(logging.INFO)
        workers.set_current_worker(worker_id)
        stop = threading.Event()
        heart = threading.Thread(target=workers.heartbeat_forever, args=(worker_id, stop),
                                 name="worker-heartbeat", daemon=True)
        heart.start()
        worker = Worker(queue_names=queue_name.split(","), interval=interval, batch=batch,
                        backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
                        worker_id=worker_id)
        worker.configure_signals()
        try:
            self._supervise(worker)
        finally:
            stop.set()

    def _supervise(self, worker: Worker) -> None:
        backoff = 1.0
        while worker.running:
            started = time.monotonic()
            try:
                worker.run()
                return  # a batch or --max-tasks run finished, or a signal asked us to stop
            except Exception:  # the database went away (or a bug in the loop): wait, start again
                log.warning("worker %s: loop stopped; restarting in %.0f s", worker.worker_id, backoff,
                            exc_info=True)
            _close_connections()
            if time.monotonic() - started > 60:
                backoff = 1.0  # it ran fine for a while: this is a new outage
            time.sleep(backoff)
            backoff = min(backoff * 2, float(settings.TAWSIM_WORKER_MAX_BACKOFF_SECONDS))


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # a dead connection may refuse to close cleanly; it is dropped anyway
            conn.connection = None
