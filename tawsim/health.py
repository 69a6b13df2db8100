"""GET /healthz: is this server fit to take requests? For load balancers and monitoring.

Three checks: the database answers, every migration is applied, and a job worker has
sent a heartbeat recently. JSON either way; 200 when all pass, 503 when any fails. No
login: it names no data, only the state of the service.

GET /healthz?web is the load balancer's question, "can this host serve pages?": the
database and the migrations decide it, and the worker's state is reported but does not
fail it. Workers stopped everywhere would otherwise take every web host out of the
balancer, and the whole site down with them.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Migrations do not un-apply themselves: once a process has seen them all applied, it
# need not read the migration graph on every probe.
_migrations_seen_applied = False


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return {"ok": False, "error": first_line}
    return {"ok": True}


def _migrations() -> dict:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return {"ok": True}
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    if pending:
        return {"ok": False, "pending": [f"{m.app_label}.{m.name}" for m, _backwards in pending]}
    _migrations_seen_applied = True
    return {"ok": True}


def _worker() -> dict:
    from annotate.workers import last_heartbeat

    max_age = settings.TAWSIM_WORKER_HEARTBEAT_MAX_AGE
    try:
        seen = last_heartbeat()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    if seen is None:
        return {"ok": False, "last_heartbeat": None, "max_age_seconds": max_age}
    age = (timezone.now() - seen) / dt.timedelta(seconds=1)
    return {
        "ok": age <= max_age,
        "last_heartbeat": seen.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": max_age,
    }


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database()}
    if checks["database"]["ok"]:
        checks["migrations"] = _migrations()
        checks["worker"] = _worker()
    else:
        checks["migrations"] = checks["worker"] = {"ok": False, "error": "database unreachable"}
    deciding = ("database", "migrations") if "web" in request.GET else tuple(checks)
    ok = all(checks[name]["ok"] for name in deciding)
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
