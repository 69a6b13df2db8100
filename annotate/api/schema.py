"""A project's schema as JSON (the schema file format, corpus.schema_file): members
read it, admins replace it. A replacement goes through
annotate.services.schema_changes.replace_schema, so it is refused, changing nothing,
when it would leave annotations outside the schema (400 with the counts)."""
from __future__ import annotations

from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate.access import get_project_for
from annotate.api.permissions import IsAdmin, IsProjectMember, IsReadRequest
from annotate.services import schema_changes
from corpus.models import Project
from corpus.schema_file import dump_schema


class ProjectSchemaView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsProjectMember & (IsReadRequest | IsAdmin)]

    @cached_property
    def project(self) -> Project:
        return get_project_for(self.request.user, self.kwargs["slug"])

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="The project's schema (members).")
    def get(self, request, slug: str):
        return Response(dump_schema(self.project))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   description="Replace the schema (project admins). Types are matched by key; deleting or "
                               "narrowing what annotations use is refused with the counts, changing nothing.")
    def put(self, request, slug: str):
        if not isinstance(request.data, dict):
            raise ParseError("The schema is a JSON object.")
        schema_changes.replace_schema(self.project, request.data)
        return Response(dump_schema(Project.objects.get(pk=self.project.pk)))
