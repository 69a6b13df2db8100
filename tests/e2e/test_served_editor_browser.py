"""The editor served as in production (`make serve`): gunicorn, DEBUG off, static files
collected under hashed names and sent by WhiteNoise. Every ES module arrives by a hashed
name with the immutable cache header (the page's import map), and the editor works."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import select_in
from tests.e2e.test_editor_browser import live_document  # noqa: F401 (fixture)
from tests.test_production import BASE_DIR, _database_url, _free_port, _run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HASHED_MODULE = re.compile(r"/static/(editor/)?[a-z0-9_]+\.[0-9a-f]{12}\.js$")


@pytest.fixture
def served(tmp_path):
    """gunicorn on a free port, against the test database, with collected static files."""
    env = {"STATIC_ROOT": str(tmp_path / "static"), "WEB_CONCURRENCY": "1", "DEBUG": "0",
           "DATABASE_URL": _database_url(connection.settings_dict["NAME"]), "ALLOWED_HOSTS": "127.0.0.1"}
    collected = _run(["manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    base_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env={**base_env, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + reverse("login"), timeout=10).read()
            break
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(30)
    connection.close()  # the server's connections are gone; ours is reopened for the flush


def test_editor_modules_come_by_hashed_names_cached_for_good_and_the_editor_works(
    page, served, live_document, annotator  # noqa: F811
):
    # The session of a login (tests store passwords with a hasher production does not accept).
    client = Client()
    client.force_login(annotator)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": served}])
    scripts, errors = [], []
    page.on("response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + reverse("editor", args=[live_document.project.slug, live_document.pk]))

    select_in(page, "وبحلب", 2, 4)
    page.keyboard.press("3")
    page.locator('#doc-text mark.ent[data-t="GPE"]:not(.pending)').wait_for()  # stored, not only drawn
    assert page.locator('#doc-text mark.ent[data-t="GPE"]').inner_text() == "حلب"

    modules = [r for r in scripts if "/static/" in r.url and not r.url.split("/static/")[1].startswith("django_")
               and "vendor/" not in r.url]
    assert len(modules) >= 10, [r.url for r in modules]
    for response in modules:
        assert HASHED_MODULE.search(response.url), response.url
        assert response.status == 200 and "immutable" in response.headers["cache-control"], response.url
    assert not errors
