"""The editor's ES modules are fetched by their hashed names (so WhiteNoise caches them
for good) once `collectstatic` has run: the page's import map sends every plain module
URL, as the modules import each other, to an existing hashed file."""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

IMPORT = re.compile(r"""\bfrom\s*["'](\.{1,2}/[^"']+)["']|\bimport\s*["'](\.{1,2}/[^"']+)["']""")
MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def collected(tmp_path, settings):
    """Static files collected as `make serve` does, and served from there."""
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, "staticfiles": MANIFEST},
                           WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", "--no-input", verbosity=0)
        yield tmp_path


def _resolve(module_url: str, specifier: str) -> str:
    """The URL a browser resolves `import … from specifier` to, inside module_url."""
    parts = []
    for part in (str(PurePosixPath(module_url).parent) + "/" + specifier).split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts)


@pytest.mark.parametrize("page", ["editor", "adjudicate"])
def test_pages_load_every_module_by_a_hashed_name_cached_for_good(collected, project, document, admin_user, page):
    client = Client()
    client.force_login(admin_user)
    url = (reverse("editor", args=[project.slug, document.pk]) if page == "editor"
           else reverse("adjudicate", args=[project.slug, document.pk]))
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    entry = re.search(r'<script type="module" src="(/static/[^"]+\.[0-9a-f]{12}\.js)"></script>', html).group(1)
    found = re.search(r'<script type="importmap" nonce="([^"]+)">(.*?)</script>', html, re.S)
    nonce, imports = found.group(1), json.loads(found.group(2))["imports"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "/static/editor/state.js" in imports
    # Every module the entry reaches, import by import, through the map to a hashed file.
    seen, todo = set(), [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        assert re.search(r"\.[0-9a-f]{12}\.js$", module), module
        served = client.get(module)
        assert served.status_code == 200, module
        assert "immutable" in served["Cache-Control"] and "max-age=315360000" in served["Cache-Control"]
        source = b"".join(served.streaming_content).decode()
        for specifiers in IMPORT.findall(source):
            target = _resolve(module, next(s for s in specifiers if s))
            assert target in imports, (module, target)
            todo.append(imports[target])
    assert len(seen) >= (10 if page == "editor" else 3)


def test_without_collectstatic_pages_link_plain_names_and_no_map(client, project, document, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("editor", args=[project.slug, document.pk])).content.decode()
    assert '<script type="module" src="/static/editor/main.js">' in html and "importmap" not in html
