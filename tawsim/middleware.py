"""Tawsim's own middleware: Arabic first, one log line per request, /healthz for any
Host, a clear 503 while the database is unavailable, and a 400 for a NUL in the query
string."""
from __future__ import annotations

import logging
import time

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

request_log = logging.getLogger("tawsim.requests")


class ArabicFirstMiddleware:
    """Pages speak Arabic until the user picks English (the language cookie set by the
    switch in the header), whatever language the browser asks for. The API still
    honours Accept-Language for its clients."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestLogMiddleware:
    """One log line per request: method, path, status and time taken. The app logs them
    rather than gunicorn's access log, so every server (and `make run`) logs the same
    way; first in MIDDLEWARE, so static files and error pages are timed too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        request_log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        return response


class HealthCheckMiddleware:
    """GET /healthz is answered here, before any middleware reads the Host header: a load
    balancer probes each server by its address (Host: 10.0.0.5:8000), which ALLOWED_HOSTS
    rightly refuses for every other URL. The answer names no data (tawsim.health)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from tawsim.health import healthz

            return healthz(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or unreachable, a view's database error becomes a 503 that
    says so (Arabic and English page, or JSON for the API) instead of a bare 500. Errors
    raised outside views reach tawsim.errors.server_error, which answers the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from tawsim.errors import database_unavailable, is_database_unavailable

        if is_database_unavailable(exception):
            return database_unavailable(request, exception)
        return None


class RefuseNulMiddleware:
    """A NUL character in the query string can reach no valid object, and PostgreSQL
    refuses it in any text it is sent (a 500): refuse it first, naming the parameter,
    in the API's error shape for the API and as a 400 page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = next((key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)),
                   None)
        if bad is None and "\x00" in request.path:
            bad = "path"
        if bad is not None:
            message = _("The parameter «%(name)s» contains a NUL character.") % {"name": bad.replace("\x00", "\\0")}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "field": bad.replace("\x00", "\\0")}, status=400)
            raise BadRequest(message)
        return self.get_response(request)
