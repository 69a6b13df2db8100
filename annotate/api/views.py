"""The REST API. Views parse the request, find the object through annotate.access
(404 for strangers), check the role, call annotate.services or corpus.importing, and
serialise the result. Refusals from the service layer become 400 (naming the field)
or 409 (with the set's current version) in annotate.api.errors."""
from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.functions import Length
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate import services
from annotate.access import (
    can_read_set,
    documents_for,
    get_argument_for,
    get_event_for,
    get_openable_document_for,
    get_project_for,
    get_relation_for,
    get_set_for,
    get_span_for,
    projects_for,
    role_in,
)
from annotate.api import serializers as s
from annotate.api.common import CONFLICT, INVALID, UNDECIDED, parsed, version_from
from annotate.api.permissions import (
    CanWriteSet,
    HiddenWhenNotAllowed,
    IsAdmin,
    IsProjectMember,
    IsReadRequest,
    IsReviewer,
)
from annotate.models import AnnotationSet, Argument, Event, Relation, SetKind, Span
from corpus import importing, listing
from corpus.models import Membership, Project

# --- projects -------------------------------------------------------------------------

class ProjectScoped(HiddenWhenNotAllowed):
    """`project` from the URL's slug: 404 unless the user is a member (and 404 for an
    operation their role does not allow: HiddenWhenNotAllowed)."""

    @cached_property
    def project(self) -> Project:
        return get_project_for(self.request.user, self.kwargs["slug"])


class ProjectList(generics.ListAPIView):
    """The projects you are a member of, with your role in each."""

    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        user = self.request.user
        role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
        return projects_for(user).annotate(role=Subquery(role)).order_by("name", "pk")


class ProjectDetail(ProjectScoped, generics.RetrieveAPIView):
    """A project with its whole schema (entity, event, relation and attribute types) and your role."""

    serializer_class = s.ProjectDetailSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]

    def may_see_target(self) -> bool:
        return True  # every member reads the project: a change they may not make is a 403

    def get_object(self) -> Project:
        project = self.project
        prefetch_related_objects(
            [project], "entity_types", "event_types__roles__allowed_types",
            "relation_types__source_types", "relation_types__target_types", "attribute_types__event_types",
        )
        project.role = role_in(self.request.user, project)
        return project


# --- documents ------------------------------------------------------------------------

class DocumentCursor(CursorPagination):
    """Keyset pages on the import order (unique per project): `next`/`previous` links
    carry an opaque cursor; no OFFSET and no count, so page 10,000 costs what page 1 does.
    A search's matches (corpus.listing.Matches) are paged the same way."""

    ordering = "order"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, listing.Matches):
            queryset = _PagedMatches(queryset)
        return super().paginate_queryset(queryset, request, view)


class _PagedMatches:
    """The little of a QuerySet that CursorPagination uses (order_by, a filter on the
    position, one slice), answered by Matches.fetch."""

    def __init__(self, found: listing.Matches, descending: bool = False, position: dict | None = None):
        self.found, self.descending, self.position = found, descending, position or {}

    def order_by(self, *fields):
        return _PagedMatches(self.found, fields == ("-order",), self.position)

    def filter(self, order__gt=None, order__lt=None):
        # The cursor's position arrives as text; one that is not a number pages from the start.
        return _PagedMatches(self.found, self.descending, {"after": _whole(order__gt), "before": _whole(order__lt)})

    def __getitem__(self, window: slice) -> list:
        start = window.start or 0
        if self.descending:
            before = self.position.get("before")
            rows = self.found.fetch(window.stop, before=before if before is not None else 2**31)
        else:
            rows = self.found.fetch(window.stop, after=self.position.get("after"))
        return rows[start:]


def _whole(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@extend_schema(parameters=[
    OpenApiParameter("external_id", str, description="Only the document with this external id."),
    OpenApiParameter("q", str, description="Documents with this external id, or whose title has these words "
                     "(each word a prefix)."),
])
class DocumentList(ProjectScoped, generics.ListAPIView):
    """The project's documents you may open (annotators: those assigned to them, once the
    project hands out assignments), in import order, without their text."""

    serializer_class = s.DocumentSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]
    pagination_class = DocumentCursor

    def get_queryset(self):
        documents = documents_for(self.request.user, self.project).defer("text").annotate(length=Length("text"))
        external_id = self.request.query_params.get("external_id")
        if external_id is not None:
            documents = documents.filter(external_id=external_id)
        query = self.request.query_params.get("q", "").strip()
        return listing.matches(documents, query) if query else documents


class DocumentDetail(ProjectScoped, generics.RetrieveAPIView):
    """One document with its text."""

    serializer_class = s.DocumentDetailSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]

    def get_object(self):
        document = get_openable_document_for(self.request.user, self.project, self.kwargs["pk"])
        document.length = len(document.text)  # code points, as every offset
        return document


class DocumentImport(ProjectScoped, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.ImportRequestSerializer

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={
            200: s.ImportReportSerializer,
            400: OpenApiResponse(
                s.ImportReportSerializer,
                description="At least one file failed (see its errors); documents from the good files were imported.",
            ),
        },
        description="Import documents (project admins only). Each file is all-or-nothing.",
    )
    def post(self, request, slug: str):
        data = parsed(s.ImportRequestSerializer, request.data)
        report = importing.import_uploads(
            self.project, data["files"], fmt=data["format"] or None, text_column=data["text_column"]
        )
        return Response(
            s.ImportReportSerializer(report).data,
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


# --- annotation sets ------------------------------------------------------------------

def _with_spans(annotation_set: AnnotationSet) -> AnnotationSet:
    prefetch_related_objects([annotation_set], Prefetch("spans", queryset=Span.objects.select_related("entity_type")))
    return annotation_set


class DocumentSets(ProjectScoped, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsProjectMember]
    serializer_class = s.AnnotationSetSerializer
    pagination_class = None  # a handful per document

    @cached_property
    def document(self):
        return get_openable_document_for(self.request.user, self.project, self.kwargs["pk"])

    @extend_schema(
        responses=s.AnnotationSetSerializer(many=True),
        description="The document's annotation sets you may read: annotators see their own, "
        "reviewers and admins all of them.",
    )
    def get(self, request, slug: str, pk: int):
        sets = self.document.annotation_sets.select_related("owner").order_by("kind", "owner__username", "pk")
        readable = [annotation_set for annotation_set in sets if can_read_set(request.user, annotation_set)]
        return Response(s.AnnotationSetSerializer(readable, many=True).data)

    @extend_schema(
        request=s.OwnSetRequestSerializer,
        responses={200: s.AnnotationSetDetailSerializer},
        description="Get (creating it on first use) your own set for this document, "
        "or with kind=gold the gold set (reviewers and admins).",
    )
    def post(self, request, slug: str, pk: int):
        kind = parsed(s.OwnSetRequestSerializer, request.data)["kind"]
        if kind == SetKind.GOLD:
            if not (IsReviewer | IsAdmin)().has_permission(request, self):
                raise NotFound()  # annotators may not see the gold set
            annotation_set = services.gold_set(self.document)
        else:
            annotation_set = services.own_set(self.document, request.user)
        return Response(s.AnnotationSetDetailSerializer(_with_spans(annotation_set)).data)


class SetScoped(HiddenWhenNotAllowed):
    """`annotation_set` from the URL: 404 unless the user may read it."""

    @cached_property
    def annotation_set(self) -> AnnotationSet:
        return get_set_for(self.request.user, self.kwargs["pk"])

    @property
    def project(self) -> Project:
        return self.annotation_set.document.project


class SetDetail(SetScoped, generics.RetrieveAPIView):
    """An annotation set with all its spans, events (with their arguments) and relations."""

    serializer_class = s.AnnotationSetFullSerializer

    def get_object(self) -> AnnotationSet:
        return _full(self.annotation_set)


class SetSpans(SetScoped, generics.ListCreateAPIView):
    """The set's spans in text order (GET), or a new span (POST), validated and snapped
    like the editor does."""

    serializer_class = s.SpanSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]

    def get_queryset(self):
        # The related manager hands every span this same set (and its document): no query per span.
        return self.annotation_set.spans.select_related("entity_type").order_by("start", "-end", "pk")

    @extend_schema(
        request=s.SpanCreateSerializer,
        responses={201: s.SpanWithVersionSerializer, 400: INVALID, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        data = parsed(s.SpanCreateSerializer, request.data)
        span = services.create_span(
            self.annotation_set, request.user, entity_type=data["entity_type"], start=data["start"],
            end=data["end"], version=data["version"], snap_to_tokens=data["snap"],
        )
        return Response(s.SpanWithVersionSerializer(span).data, status=status.HTTP_201_CREATED)


class SetSubmit(SetScoped, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, CanWriteSet]
    serializer_class = s.SubmitSerializer

    @extend_schema(
        request=s.SubmitSerializer,
        responses={200: s.AnnotationSetSerializer, 400: INVALID, 409: CONFLICT, 422: UNDECIDED},
        description="Mark the set submitted (no more changes until it is reopened). While suggestions offered "
                    "to you are undecided, say what becomes of them with `undecided` (`keep` or `reject`); "
                    "without it the set is not submitted and the answer is a 422 with their count, as the "
                    "editor asks before submitting.",
    )
    def post(self, request, pk: int):
        data = parsed(s.SubmitSerializer, request.data)
        annotation_set = services.submit_as_asked(self.annotation_set, request.user, version=data["version"],
                                                  undecided=data["undecided"])
        return Response(s.AnnotationSetSerializer(annotation_set).data)


class SetReopen(SetScoped, generics.GenericAPIView):
    # Reviewers and admins may send any set they can read back to work.
    permission_classes = [IsAuthenticated, CanWriteSet | IsReviewer | IsAdmin]
    serializer_class = s.VersionSerializer

    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.AnnotationSetSerializer, 409: CONFLICT},
        description="Reopen a submitted set for changes.",
    )
    def post(self, request, pk: int):
        version = parsed(s.VersionSerializer, request.data)["version"]
        annotation_set = services.reopen_set(self.annotation_set, request.user, version=version)
        return Response(s.AnnotationSetSerializer(annotation_set).data)


# --- spans ----------------------------------------------------------------------------

class SpanDetail(HiddenWhenNotAllowed, generics.GenericAPIView):
    """One span: read it, change its type, or delete it."""

    serializer_class = s.SpanWithVersionSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]

    @cached_property
    def span(self) -> Span:
        return get_span_for(self.request.user, self.kwargs["pk"])

    @property
    def annotation_set(self) -> AnnotationSet:
        return self.span.set

    def get(self, request, pk: int):
        return Response(s.SpanWithVersionSerializer(self.span).data)

    @extend_schema(
        request=s.SpanUpdateSerializer,
        responses={200: s.SpanWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description="Change the span's entity type.",
    )
    def patch(self, request, pk: int):
        data = parsed(s.SpanUpdateSerializer, request.data)
        span = services.change_span_type(self.span, request.user, entity_type=data["entity_type"],
                                         version=data["version"])
        return Response(s.SpanWithVersionSerializer(span).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=s.VERSION_HELP + " May also be sent in the body.")],
        responses={200: s.VersionResultSerializer, 400: INVALID, 409: CONFLICT},
        description="Delete the span. The response carries the set's new version.",
    )
    def delete(self, request, pk: int):
        version = version_from(request)
        annotation_set = self.annotation_set
        services.delete_span(self.span, request.user, version=version)
        return Response({"version": annotation_set.version})


# --- events, arguments, attributes, relations ----------------------------------------------

def _events_of(annotation_set: AnnotationSet):
    arguments = Argument.objects.select_related("role", "span").order_by("pk")
    return (
        annotation_set.events.select_related("event_type").prefetch_related(Prefetch("arguments", queryset=arguments))
        .order_by("trigger_start", "pk")
    )


def _full(annotation_set: AnnotationSet) -> AnnotationSet:
    """The set with spans, events (with arguments) and relations: five queries."""
    prefetch_related_objects(
        [annotation_set],
        Prefetch("spans", queryset=Span.objects.select_related("entity_type")),
        Prefetch("events", queryset=_events_of(annotation_set)),
        Prefetch("relations", queryset=Relation.objects.select_related("relation_type").order_by("pk")),
    )
    return annotation_set


def _event_out(event: Event) -> dict:
    prefetch_related_objects([event], Prefetch("arguments", queryset=Argument.objects.select_related("role", "span")))
    return s.EventWithVersionSerializer(event).data


class SetEvents(SetScoped, generics.ListCreateAPIView):
    """The set's events in text order, with their arguments (GET), or a new event (POST)."""

    serializer_class = s.EventSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]
    pagination_class = None

    def get_queryset(self):
        return _events_of(self.annotation_set)

    @extend_schema(
        request=s.EventCreateSerializer,
        responses={201: s.EventWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description=(
            "Create an event: a type and a trigger (snapped like a span), attributes validated against the schema."
        ),
    )
    def post(self, request, pk: int):
        data = parsed(s.EventCreateSerializer, request.data)
        event = services.create_event(
            self.annotation_set, request.user, event_type=data["event_type"], trigger_start=data["trigger_start"],
            trigger_end=data["trigger_end"], attributes=data["attributes"], version=data["version"],
            snap_to_tokens=data["snap"],
        )
        return Response(_event_out(event), status=status.HTTP_201_CREATED)


class EventScoped(HiddenWhenNotAllowed):
    @cached_property
    def event(self) -> Event:
        return get_event_for(self.request.user, self.kwargs["pk"])

    @property
    def annotation_set(self) -> AnnotationSet:
        return self.event.set


def _set_attributes(event: Event, user, attributes: dict, version: int) -> int:
    for key, value in attributes.items():
        services.set_event_attribute(event, user, key=key, value=value, version=version)
        version += 1
    return version


class EventDetail(EventScoped, generics.GenericAPIView):
    """One event: read it, change its type and attributes, or delete it."""

    serializer_class = s.EventWithVersionSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]

    def get(self, request, pk: int):
        return Response(_event_out(self.event))

    @extend_schema(
        request=s.EventUpdateSerializer,
        responses={200: s.EventWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description="Change the event's type (refused if an argument would not fit the new type) and/or "
        "attribute values. All or nothing.",
    )
    def patch(self, request, pk: int):
        data = parsed(s.EventUpdateSerializer, request.data)
        event, version = self.event, data["version"]
        with transaction.atomic():
            if "event_type" in data:
                services.change_event_type(event, request.user, event_type=data["event_type"], version=version)
                version += 1
            _set_attributes(event, request.user, data.get("attributes", {}), version)
        return Response(_event_out(event))

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=s.VERSION_HELP + " May also be sent in the body.")],
        responses={200: s.VersionResultSerializer, 400: INVALID, 409: CONFLICT},
        description="Delete the event and its arguments (the argument spans stay).",
    )
    def delete(self, request, pk: int):
        version = version_from(request)
        annotation_set = self.annotation_set
        services.delete_event(self.event, request.user, version=version)
        return Response({"version": annotation_set.version})


class EventAttributes(EventScoped, generics.GenericAPIView):
    serializer_class = s.EventWithVersionSerializer
    permission_classes = [IsAuthenticated, CanWriteSet]

    @extend_schema(
        request=s.AttributesUpdateSerializer,
        responses={200: s.EventWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description="Set attribute values (e.g. factuality); each is checked against the schema. All or nothing.",
    )
    def patch(self, request, pk: int):
        data = parsed(s.AttributesUpdateSerializer, request.data)
        with transaction.atomic():
            _set_attributes(self.event, request.user, data["attributes"], data["version"])
        return Response(_event_out(self.event))


class EventArguments(EventScoped, generics.GenericAPIView):
    serializer_class = s.ArgumentWithVersionSerializer
    permission_classes = [IsAuthenticated, CanWriteSet]

    @extend_schema(
        request=s.ArgumentCreateSerializer,
        responses={201: s.ArgumentWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description="Fill a role with an existing span (span), or with a new span made from a selection "
        "(entity_type, start, end) in one step.",
    )
    def post(self, request, pk: int):
        data = parsed(s.ArgumentCreateSerializer, request.data)
        event = self.event
        if "span" in data:
            span = Span.objects.select_related("entity_type").filter(pk=data["span"], set=event.set).first()
            if span is None:
                raise services.Invalid(_("Span %(id)s is not a span of this event's set.") % {"id": data["span"]},
                                       "span")
            argument = services.add_argument(event, request.user, role=data["role"], span=span, version=data["version"])
        else:
            argument = services.add_argument_from_selection(
                event, request.user, role=data["role"], entity_type=data["entity_type"], start=data["start"],
                end=data["end"], version=data["version"], snap_to_tokens=data["snap"],
            )
        return Response(s.ArgumentWithVersionSerializer(argument).data, status=status.HTTP_201_CREATED)


class ArgumentDetail(HiddenWhenNotAllowed, generics.GenericAPIView):
    serializer_class = s.ArgumentWithVersionSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]

    @cached_property
    def argument(self) -> Argument:
        return get_argument_for(self.request.user, self.kwargs["pk"])

    @property
    def annotation_set(self) -> AnnotationSet:
        return self.argument.event.set

    def get(self, request, pk: int):
        return Response(s.ArgumentWithVersionSerializer(self.argument).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=s.VERSION_HELP + " May also be sent in the body.")],
        responses={200: s.VersionResultSerializer, 400: INVALID, 409: CONFLICT},
        description="Remove the argument (its span stays).",
    )
    def delete(self, request, pk: int):
        version = version_from(request)
        annotation_set = self.annotation_set
        services.remove_argument(self.argument, request.user, version=version)
        return Response({"version": annotation_set.version})


class SetRelations(SetScoped, generics.ListCreateAPIView):
    """The set's relations (GET), or a new one between two of its spans (POST)."""

    serializer_class = s.RelationSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]
    pagination_class = None

    def get_queryset(self):
        return self.annotation_set.relations.select_related("relation_type").order_by("pk")

    @extend_schema(
        request=s.RelationCreateSerializer,
        responses={201: s.RelationWithVersionSerializer, 400: INVALID, 409: CONFLICT},
        description="Link two spans of the set; the schema decides which entity types each relation type links.",
    )
    def post(self, request, pk: int):
        data = parsed(s.RelationCreateSerializer, request.data)
        spans = {
            span.pk: span
            for span in Span.objects.select_related("entity_type").filter(
                pk__in=[data["source"], data["target"]], set=self.annotation_set
            )
        }
        for name in ("source", "target"):
            if data[name] not in spans:
                raise services.Invalid(_("Span %(id)s is not a span of this set.") % {"id": data[name]}, name)
        relation = services.create_relation(
            self.annotation_set, request.user, relation_type=data["relation_type"], source=spans[data["source"]],
            target=spans[data["target"]], version=data["version"],
        )
        return Response(s.RelationWithVersionSerializer(relation).data, status=status.HTTP_201_CREATED)


class RelationDetail(HiddenWhenNotAllowed, generics.GenericAPIView):
    serializer_class = s.RelationWithVersionSerializer
    permission_classes = [IsAuthenticated, IsReadRequest | CanWriteSet]

    @cached_property
    def relation(self) -> Relation:
        return get_relation_for(self.request.user, self.kwargs["pk"])

    @property
    def annotation_set(self) -> AnnotationSet:
        return self.relation.set

    def get(self, request, pk: int):
        return Response(s.RelationWithVersionSerializer(self.relation).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=s.VERSION_HELP + " May also be sent in the body.")],
        responses={200: s.VersionResultSerializer, 400: INVALID, 409: CONFLICT},
        description="Delete the relation (its spans stay).",
    )
    def delete(self, request, pk: int):
        version = version_from(request)
        annotation_set = self.annotation_set
        services.delete_relation(self.relation, request.user, version=version)
        return Response({"version": annotation_set.version})

