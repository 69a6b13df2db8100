"""Production: error pages, the database-down answer, /healthz, `check --deploy`, backup
and restore, and gunicorn + WhiteNoise serving for real (deploy/gunicorn.conf.py)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from annotate.models import WorkerHeartbeat
from tawsim import health

BASE_DIR = Path(__file__).resolve().parent.parent
TRACE_WORDS = ("Traceback", "a secret detail", "RuntimeError", "OperationalError", "File \"")


def _run(args: list[str], env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    # The browser tests' switch must not leak into a process that plays production.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def _both_languages(html: str, arabic: str, english: str) -> None:
    assert arabic in html and english in html
    assert html.index(arabic) < html.index(english)  # Arabic first
    for word in TRACE_WORDS:
        assert word not in html


# Error pages ---------------------------------------------------------------------------

@pytest.fixture
def error_client(settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_404_page_in_arabic_and_english(error_client):
    response = error_client.get("/no-such-page/")
    assert response.status_code == 404
    _both_languages(response.content.decode(), "الصفحة غير موجودة", "Page not found")


@pytest.mark.django_db
def test_403_page_in_arabic_and_english(error_client):
    response = error_client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    _both_languages(response.content.decode(), "غير مسموح", "Not allowed")


@pytest.mark.django_db
def test_500_page_in_arabic_and_english_with_no_detail(error_client):
    response = error_client.get("/test-errors/broken/")
    assert response.status_code == 500
    _both_languages(response.content.decode(), "حدث خطأ ما", "Something went wrong")


@pytest.mark.django_db
def test_csrf_failure_page_in_arabic_and_english(settings):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    _both_languages(response.content.decode(), "انتهت صلاحية النموذج", "The form has expired")


@pytest.mark.django_db
def test_a_lost_database_gives_a_503_page_saying_nothing_was_lost(error_client):
    response = error_client.get("/test-errors/database-down/")
    assert response.status_code == 503 and response["Retry-After"]
    _both_languages(response.content.decode(), "قاعدة البيانات غير متاحة", "The database is unavailable")
    assert "Nothing that was saved is lost" in response.content.decode()


@pytest.mark.django_db
def test_a_lost_database_gives_the_api_a_503_in_json(error_client):
    response = error_client.get("/api/test-errors/database-down/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable. Nothing was lost; retry in a moment."}


def test_every_page_is_a_503_while_the_database_is_unreachable():
    """The whole app pointed at a closed port (in a fresh process): pages, the API and
    /healthz all answer 503, none a 500 or a traceback."""
    script = """
import django, json
django.setup()
from django.test import Client
from django.utils import timezone
c = Client(raise_request_exception=False)
c.cookies["sessionid"] = "a-session-the-database-would-know"
out = {}
for path in ["/", "/api/projects/", "/healthz"]:
    r = c.get(path, HTTP_ACCEPT_LANGUAGE="en")
    out[path] = [r.status_code, r.content.decode()]
print(json.dumps(out))
"""
    result = _run(["-c", script], env={"DATABASE_URL": "postgres://tawsim@127.0.0.1:1/tawsim",
                                       "DJANGO_SETTINGS_MODULE": "tawsim.settings", "LOG_LEVEL": "CRITICAL"})
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    status, page = answers["/"]
    assert status == 503 and "قاعدة البيانات غير متاحة" in page and "Traceback" not in page
    status, body = answers["/api/projects/"]
    assert status == 503 and json.loads(body)["detail"].startswith("The database is unavailable")
    status, body = answers["/healthz"]
    assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False


# /healthz ------------------------------------------------------------------------------

@pytest.fixture
def fresh_health():
    health._migrations_seen_applied = False
    yield
    health._migrations_seen_applied = False


def _heartbeat(seconds_ago: float) -> None:
    WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", hostname="web1", pid=1,
                                   beat_at=timezone.now() - dt.timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_healthz_ok_with_database_migrations_and_a_recent_heartbeat(client, fresh_health):
    _heartbeat(300)
    _heartbeat(3)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True} and body["checks"]["migrations"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is True and body["checks"]["worker"]["age_seconds"] < 60


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_ip_address_that_allowed_hosts_refuses(client, fresh_health, settings):
    settings.ALLOWED_HOSTS = ["tawsim.example.org"]
    _heartbeat(3)
    assert client.get("/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert client.post("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 405
    assert client.get("/healthz/x", HTTP_HOST="10.0.0.5:8000").status_code == 400  # that path only


@pytest.mark.django_db
def test_healthz_503_when_no_worker_has_beaten_recently(client, fresh_health, settings):
    settings.TAWSIM_WORKER_HEARTBEAT_MAX_AGE = 60
    _heartbeat(61)
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["age_seconds"] > 60


@pytest.mark.django_db
def test_healthz_503_when_no_worker_ever_ran(client, fresh_health):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "last_heartbeat": None, "max_age_seconds": 60}


@pytest.mark.django_db
def test_healthz_for_a_load_balancer_serves_without_workers_but_not_without_migrations(client, fresh_health):
    # Workers stopped everywhere: monitoring hears of it, the web hosts stay in the balancer.
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz?web")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["checks"]["worker"]["ok"] is False
    latest = max(name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "annotate")
    MigrationRecorder.Migration.objects.filter(app="annotate", name=latest).delete()
    health._migrations_seen_applied = False  # a fresh process, as after an upgrade
    assert client.get("/healthz?web").status_code == 503


@pytest.mark.django_db
def test_healthz_503_when_a_migration_is_not_applied(client, fresh_health):
    _heartbeat(1)
    latest = max(name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "annotate")
    MigrationRecorder.Migration.objects.filter(app="annotate", name=latest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert f"annotate.{latest}" in response.json()["checks"]["migrations"]["pending"]


# check --deploy ------------------------------------------------------------------------

def _production_env() -> dict[str, str]:
    """deploy/tawsim.env, the documented production environment."""
    env = {}
    for line in (BASE_DIR / "deploy" / "tawsim.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def test_check_deploy_passes_with_the_documented_production_environment():
    env = _production_env()
    env.pop("DATABASE_URL", None)  # the embedded database stands in for the server's
    env["SECRET_KEY"] = "x" * 20 + "-a-long-random-production-key-" + "y" * 20
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_it():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env={"TAWSIM_HTTPS": "0"})
    assert result.returncode != 0 and "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("DATABASE_URL", None)
    env["SECRET_KEY"] = ""
    result = _run(["manage.py", "check"], env=env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


# Web processes stay light --------------------------------------------------------------

def test_web_processes_do_not_import_heavy_libraries():
    """What a gunicorn worker holds after loading the app (preload): the URLconf and all
    views, but not torch, pyarrow, spaCy or Hugging Face datasets (imported on use)."""
    script = """
import django, sys
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import tawsim.wsgi
print(",".join(m for m in ("torch", "pyarrow", "spacy", "datasets", "transformers", "sklearn", "scipy")
               if m in sys.modules))
"""
    result = _run(["-c", script], env={"DJANGO_SETTINGS_MODULE": "tawsim.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), result.stdout


# Backup and restore --------------------------------------------------------------------

def _database_url(name: str) -> str:
    s = connection.settings_dict
    from urllib.parse import quote

    host = quote(s["HOST"], safe="") if s["HOST"] else ""
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{quote(s['USER'], safe='')}{password}@{host}{port}/{name}"


def _table_counts(name: str) -> dict[str, int]:
    s = connection.settings_dict
    with psycopg.connect(dbname=name, host=s["HOST"], port=s["PORT"] or None, user=s["USER"],
                         password=s["PASSWORD"] or None) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_gives_the_same_counts_and_export(tmp_path):
    call_command("load_demo")
    call_command("demo_annotations")
    source = connection.settings_dict["NAME"]
    fresh = f"tawsim_restore_{os.getpid()}"
    dump = tmp_path / "tawsim.dump"
    said = io.StringIO()
    call_command("backup", "-o", str(dump), stdout=said)
    assert dump.stat().st_size > 0 and not (tmp_path / "tawsim.dump.partial").exists()
    documents = _table_counts(source)["corpus_document"]
    assert f"{_table_counts(source)['corpus_project']:,} projects, {documents:,} documents" in said.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = _run(["manage.py", "restore", str(dump)], env={"DATABASE_URL": _database_url(fresh)})
        assert restored.returncode == 0, restored.stderr
        counts = _table_counts(source)
        assert counts["corpus_document"] > 0 and counts["annotate_span"] > 0
        assert _table_counts(fresh) == counts

        again = _run(["manage.py", "restore", str(dump)], env={"DATABASE_URL": _database_url(fresh)})
        assert again.returncode != 0 and "--replace" in again.stderr  # never over data by accident
        replaced = _run(["manage.py", "restore", "--replace", str(dump)], env={"DATABASE_URL": _database_url(fresh)})
        assert replaced.returncode == 0, replaced.stderr
        assert _table_counts(fresh) == counts

        exports = []
        for name in (source, fresh):
            out = tmp_path / f"{name}.jsonl"
            result = _run(["manage.py", "export", "demo", "--sets", "all", "-o", str(out)],
                          env={"DATABASE_URL": _database_url(name)})
            assert result.returncode == 0, result.stderr
            exports.append(out.read_bytes())
        assert exports[0] == exports[1] and len(exports[0]) > 1000
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_database_without_tawsims_tables(tmp_path):
    # e.g. a cron line run without the server's DATABASE_URL, on a fresh embedded database
    empty = f"tawsim_empty_{os.getpid()}"
    dump = tmp_path / "nightly.dump"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        cursor.execute(f'CREATE DATABASE "{empty}"')
    try:
        result = _run(["manage.py", "backup", "-o", str(dump)], env={"DATABASE_URL": _database_url(empty)})
        assert result.returncode != 0 and "holds no Tawsim tables" in result.stderr
        assert not dump.exists() and not (tmp_path / "nightly.dump.partial").exists()
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(Exception, match="no such file"):
        call_command("restore", str(tmp_path / "nope.dump"))


# gunicorn + WhiteNoise, for real --------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db
def test_gunicorn_serves_pages_and_hashed_compressed_static_files_and_holds_bursts(tmp_path):
    static_root = tmp_path / "static"
    env = {"STATIC_ROOT": str(static_root), "WEB_CONCURRENCY": "1", "DEBUG": "0"}
    collected = _run(["manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    app_name = f"tawsim-smoke-{port}"  # libpq names the server's connections with it
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env={**os.environ, **env, "PGAPPNAME": app_name},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, headers, body = _get(base + "/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert status == 200 and "تسجيل الدخول" in body.decode()
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy

        stylesheet = re.search(r'href="(/static/tawsim\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
        status, headers, css = _get(base + stylesheet, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]

        status, _headers, body = _get(base + "/no-such-page/")
        assert status == 404 and "الصفحة غير موجودة" in body.decode()

        # Bursts of 25 concurrent requests that each use the database: every one answered
        # (200, or 503 if no worker beats in this database), and the server holds one
        # connection per worker process, not one per request (runserver ran out of slots).
        from concurrent.futures import ThreadPoolExecutor

        for _burst in range(3):
            with ThreadPoolExecutor(25) as pool:
                statuses = list(pool.map(lambda _i: _get(base + "/healthz")[0], range(25)))
            assert set(statuses) <= {200, 503}, statuses
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name])
            assert cursor.fetchone()[0] == 1
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # One log line per request, with the time taken.
    assert re.search(r"tawsim\.requests GET /login/ 200 [\d.]+ms", output), output
    assert re.search(r"GET /static/tawsim\.[0-9a-f]{12}\.css 200 [\d.]+ms", output), output


# make serve / make stop ------------------------------------------------------------------

def test_serve_runs_web_and_worker_restarts_the_worker_and_stops_cleanly(tmp_path):
    import psutil

    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
           "PORT": str(port), "STATIC_ROOT": str(tmp_path / "static"), "WEB_CONCURRENCY": "1"}
    serve = subprocess.Popen([sys.executable, "-m", "tawsim.serve"], cwd=BASE_DIR, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:  # healthy: web up, migrations applied, the worker beating
            assert serve.poll() is None and time.monotonic() < deadline, serve.stdout.read() if serve.poll() else ""
            try:
                if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.5)
        def workers() -> list[int]:
            found = []
            for child in psutil.Process(serve.pid).children():
                try:
                    if child.status() != psutil.STATUS_ZOMBIE and "run_worker" in " ".join(child.cmdline()):
                        found.append(child.pid)
                except psutil.Error:  # gone meanwhile
                    pass
            return found

        [worker] = workers()
        os.kill(worker, 9)
        deadline = time.monotonic() + 30
        while not [pid for pid in workers() if pid != worker]:
            assert time.monotonic() < deadline, "the worker was not started again"
            time.sleep(0.3)
        children = psutil.Process(serve.pid).children(recursive=True)
        serve.terminate()
        assert serve.wait(60) == 0
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive
    finally:
        if serve.poll() is None:
            serve.kill()
        output = serve.stdout.read()
    assert "job worker exited" in output and "restarting" in output


@pytest.mark.django_db
def test_dead_processes_are_dropped_from_the_embedded_servers_users():
    """A process killed outright stays on pgserver's list of the server's users, which kept
    the server running forever; the list is pruned at every start and stop."""
    from pgserver.utils import DiskList

    from tawsim.database import forget_dead_handles, stop_embedded

    pgdata = BASE_DIR / "var" / "pgdata"
    dead = subprocess.Popen(["true"])
    dead.wait()
    handles = DiskList(pgdata / ".handle_pids.json")
    handles.get_and_add(dead.pid)
    forget_dead_handles(pgdata)
    assert dead.pid not in handles.get() and os.getpid() in handles.get()
    # This test process still uses the server: stopping it is refused.
    assert stop_embedded(pgdata) is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


# Content-Security-Policy: the pages need no inline script, style or eval -----------------

INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"  # inline script (JSON data is not run)
    r"|<style\b|\sstyle=\"|\son[a-z]+=\"|\shx-on[:-]|javascript:",
    re.IGNORECASE,
)


@pytest.mark.django_db
def test_pages_pass_the_content_security_policy(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from corpus.models import Document

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("demo_annotations", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client.force_login(get_user_model().objects.get(username="admin"))
    document = Document.objects.filter(project__slug="demo").order_by("pk").first()
    slug = {"slug": "demo"}
    pages = [reverse("home"), reverse("login"), "/no-such-page/", "/api/docs/"] + [
        reverse(name, kwargs=slug) for name in (
            "project_detail", "guidelines", "kb_list", "cluster_list", "import_documents", "dataset_export",
            "workflow", "review_list", "pretag_page", "agreement")
    ] + [reverse("agreement_document", kwargs={**slug, "document_id": document.pk})]
    offences = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code in (200, 404), page
        found = INLINE.findall(response.content.decode())
        if found:
            offences[page] = found[:3]
    assert offences == {}
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
