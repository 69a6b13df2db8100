"""What every API module shares: request parsing and the documented refusals."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from annotate.api.serializers import (
    ConflictSerializer,
    ErrorSerializer,
    UndecidedSerializer,
    VersionSerializer,
)

INVALID = OpenApiResponse(ErrorSerializer, description="Refused: `field` names the request field at fault.")
CONFLICT = OpenApiResponse(ConflictSerializer, description="Stale version: nothing was changed.")
UNDECIDED = OpenApiResponse(UndecidedSerializer, description="Suggestions are still undecided: `undecided` counts "
                            "them; post again with `undecided=keep` or `undecided=reject`. Nothing was changed.")


def parsed(serializer_class, data) -> dict:
    """The validated data, or a 400 naming each field at fault."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def version_from(request) -> int:
    """The set version a DELETE was based on: from the body, or else the query string."""
    data = request.data if "version" in request.data else request.query_params
    return parsed(VersionSerializer, data)["version"]
