"""The pages' HTTP edge: the one place where a refusal becomes a status code and an answer.

A refusal is one of

- `BadInput` → 400: the request is malformed (a field missing, not a whole number, an
  unknown action);
- `services.StaleVersion` → 409: the change was based on a stale set version;
- any other `services.Invalid` (a schema or workflow rule) → 422;
- `Http404` → 404: not found, or not the user's to see (annotate.access raises it).

A refused htmx request answers that status and always triggers the client event
`tawsim:refused` with `{"message", "status", "field"?, "version"?}` (`field` when the
refusal names one, `version` the set's current version on a 409 when it is known), and
swaps either the message region it renders (`HX-Retarget` names it, `HX-Reswap:
outerHTML`: the editor's writes) or nothing (`HX-Reswap: none`: suggestion decisions, the
knowledge-base and cluster panels, adjudication); the event is what shows the refusal. A
plain form post gets the message as a flash message and a redirect. The API
(annotate.api.errors) maps the same refusals to 400 and 409 with a JSON body.
"""
from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget, trigger_client_event

from annotate import services

REFUSED = "tawsim:refused"  # client event: a write was refused (the payload says why)
VERSION = "tawsim:version"  # client event: the set's version after a write a panel made
REFRESH = "tawsim:refresh"  # client event: the editor should fetch its partials again

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class BadInput(services.Invalid):
    """A malformed request (missing field, not a whole number, unknown action): 400, not 422."""


def status_for(error: services.ServiceError) -> int:
    """409 for a stale version, 400 for a malformed request, 422 for a rule's refusal."""
    if isinstance(error, services.StaleVersion):
        return 409
    return 400 if isinstance(error, BadInput) else 422


def whole_number(raw: str | None, field: str, *, required: bool = True) -> int | None:
    """`raw` (ASCII digits, optionally signed) as an int; None when empty and not required;
    otherwise BadInput naming the field."""
    raw = (raw or "").strip()
    if not raw and not required:
        return None
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise BadInput(
            _("The field «%(field)s» must be a whole number, not «%(value)s».") % {"field": field, "value": raw[:20]},
            field,
        )
    return int(raw)


def int_field(request: HttpRequest, name: str, *, required: bool = True) -> int | None:
    """A whole number from the posted form (see whole_number)."""
    return whole_number(request.POST.get(name), name, required=required)


def int_param(request: HttpRequest, name: str) -> int | None:
    """A whole number from the query string, or None when absent or malformed: the page
    is then shown without what the parameter asked for (navigation, not a write)."""
    try:
        return whole_number(request.GET.get(name), name, required=False)
    except BadInput:
        return None


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark the answer as depending on HX-Request (a partial or the whole page); adds to
    any Vary already set, never replaces it."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def announce(response: HttpResponse, event: str, payload: dict | None = None) -> HttpResponse:
    """Trigger a client event (HX-Trigger) on the answer, beside any already triggered."""
    return trigger_client_event(response, event, payload or {})


def refused(
    response: HttpResponse, error: services.ServiceError, *, version: int | None = None, target: str | None = None
) -> HttpResponse:
    """Make `response` the refusal of an htmx request: its status, the `tawsim:refused`
    event, and where it swaps: into the place of `target` (the message region it renders),
    or nowhere (HX-Reswap: none; the body is then for readers other than htmx)."""
    status = status_for(error)
    response.status_code = status
    payload = {"message": error.message, "status": status}
    if error.field:
        payload["field"] = error.field
    if version is not None:
        payload["version"] = version
    announce(response, REFUSED, payload)
    if target is not None:
        reswap(retarget(response, target), "outerHTML")
    else:
        reswap(response, "none")
    return vary_on_htmx(response)


def refused_quietly(error: services.ServiceError, *, version: int | None = None) -> HttpResponse:
    """A refusal that swaps nothing: the client shows the event's message."""
    return refused(HttpResponse(), error, version=version)


def back_with_message(request: HttpRequest, url: str, message: str, *, error: bool = False) -> HttpResponseRedirect:
    """A plain form post's answer: the message for the next page, and a redirect to `url`."""
    (messages.error if error else messages.success)(request, message)
    return vary_on_htmx(redirect(url))
