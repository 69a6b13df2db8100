"""Error pages in Arabic and English, with no technical details: 404, 403, CSRF failure,
500, and 503 while the database is unavailable (JSON under /api/).

Each page says the same thing in both languages, Arabic first, because an error can
come before the request's language is known. The 500 and 503 pages need neither the
database nor a request context: they render with no context processors, and fall back
to plain text if even that fails.
"""
from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("tawsim.errors")

# SQLSTATE classes of a lost or refused connection (08: connection exception; 57P01-03:
# the server is shutting down, crashed or starting); psycopg reports a connection it
# could not make with no SQLSTATE at all. Deadlocks and timeouts are not "the database
# is down".
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")

_FALLBACK = (
    "قاعدة البيانات غير متاحة الآن. لم يضع شيء مما حُفظ؛ أعد المحاولة بعد قليل.\n"
    "The database is unavailable right now. Nothing that was saved is lost; retry in a moment.\n"
)


def is_database_unavailable(exception: BaseException | None) -> bool:
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def database_unavailable(request, exception: BaseException | None = None) -> HttpResponse:
    # One line, not a traceback per request while the database is away.
    logger.error("database unavailable: %s %s: %s", request.method, request.path, exception)
    if request.path == "/healthz":
        response = JsonResponse({"status": "unavailable", "checks": {"database": {"ok": False}}}, status=503)
    elif request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The database is unavailable. Nothing was lost; retry in a moment.")}, status=503
        )
    else:
        response = _static_page("503.html", 503, _FALLBACK)
    response["Retry-After"] = "10"
    response._has_been_logged = True  # django.request would log it again, with the traceback
    return response


def _static_page(template_name: str, status: int, fallback: str) -> HttpResponse:
    """A page rendered without the request: no context processor, no database."""
    try:
        body = loader.get_template(template_name).render()
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("could not render %s", template_name)
        return HttpResponse(fallback, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def _page(request, template_name: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        messages = {404: _("Not found."), 403: _("You do not have permission to perform this action.")}
        return JsonResponse({"detail": messages.get(status, "")}, status=status)
    return HttpResponse(loader.get_template(template_name).render({}, request), status=status)


def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    return HttpResponse(loader.get_template("403_csrf.html").render({}, request), status=403)


def server_error(request):
    """Any exception no view handled: a 503 if the database is gone, else a 500."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        return database_unavailable(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return _static_page(
        "500.html",
        500,
        "حدث خطأ في الخادم، وسُجِّل لنا. / A server error occurred and has been logged.\n",
    )
