"""Arabic first: pages speak Arabic until the user picks English (the language cookie
set by the switch in the header), whatever language the browser asks for. The API
still honours Accept-Language for its clients."""
from __future__ import annotations


class ArabicFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
