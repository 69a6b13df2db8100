"""Arabic first: pages speak Arabic until the user picks English (the language cookie
set by the switch in the header), whatever language the browser asks for. The API
still honours Accept-Language for its clients."""
from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _


class ArabicFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


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
