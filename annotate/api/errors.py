"""The API's refusals, one shape each (DRF's EXCEPTION_HANDLER, set in tawsim.settings):

- 400 `{"detail", "field"}`: a malformed request or a rule's refusal (services.Invalid,
  corpus.projects.ProjectError for project set-up, serializer errors); `field` names the
  request field at fault (dotted into nested fields, e.g. `arguments.0.role`), or is null;
- 409 `{"detail", "version"}`: the change was based on a stale set version; `version` is
  the set's current version (null when the view has no single set);
- 422 `{"detail", "field", "undecided"}`: a submit while `undecided` suggestions are still
  undecided, and the request did not say whether to keep or reject them;
- anything else as DRF answers it (`{"detail"}` for 401, 403, 404, 405…).

The pages map the same refusals in views/http.py (a module the API does not import).
"""
from __future__ import annotations

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotate import services
from annotate.models import AnnotationSet
from corpus.projects import ProjectError

NON_FIELD = "non_field_errors"


def exception_handler(exc, context):
    if isinstance(exc, services.StaleVersion):
        body = {"detail": exc.message, "version": _current_version(context.get("view"))}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.UndecidedSuggestions):
        return Response({"detail": exc.message, "field": exc.field, "undecided": exc.count},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, (services.Invalid, ProjectError)):
        return Response({"detail": exc.message, "field": exc.field or None}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        message, path = _first_error(exc.detail)
        field = ".".join(path) if path and path[0] != NON_FIELD else None
        response.data = {"detail": message, "field": field}
    return response


def _first_error(detail, path: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """The first message of a serializer's (possibly nested) errors, and where it is."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            return _first_error(value, (*path, str(key)))
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                if item:
                    return _first_error(item, (*path, str(index)))
            else:
                return str(item), path
    return str(detail), path


def _current_version(view) -> int | None:
    """The version of the view's annotation set as stored now (the refused change was
    based on an older one)."""
    try:
        annotation_set = getattr(view, "annotation_set", None)
    except Http404:
        return None
    if not isinstance(annotation_set, AnnotationSet):
        return None
    return AnnotationSet.objects.filter(pk=annotation_set.pk).values_list("version", flat=True).first()
