"""The JavaScript translation catalogue at a URL naming its language and version.

Django's JavaScriptCatalog at one fixed URL is fetched and built again on every load of
the editor and the adjudication page (its answer depends on the language cookie, so it
cannot be cached). Here the URL says the language and a hash of the compiled catalogues:
the answer is the same for everyone who asks it, so browsers keep it for good, and a
release with new translations has a new URL."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.i18n import JavaScriptCatalog

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1)
def catalogue_version() -> str:
    """A hash of every compiled JavaScript catalogue (read once per process)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        for path in sorted(folder.glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(path.parent.parent.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def catalogue_url() -> str:
    """The catalogue's URL for the active language."""
    return reverse("javascript-catalog", args=[translation.get_language(), catalogue_version()])


def catalogue(request: HttpRequest, lang: str, version: str) -> HttpResponse:
    if lang not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(lang):
        response = JavaScriptCatalog.as_view()(request)
    if version == catalogue_version():  # an older version's URL answers today's catalogue, briefly cached
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
