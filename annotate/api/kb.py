"""REST API for the knowledge base (entities, span links) and event clusters.

The same service functions as the editor's panels (annotate.services.kb and
.clusters) do the validation, the history and the version checks; views only find the
object through annotate.access (404 for strangers), check the role and serialise.
Every member reads; reviewers and admins edit entities and clusters; whoever may write
a set links its spans and puts its events in clusters. Mentions are listed only from
sets the user may read (annotators: their own).
"""
from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate.access import get_span_for
from annotate.api.common import CONFLICT, INVALID, parsed, version_from
from annotate.api.permissions import (
    CanWriteSet,
    HiddenWhenNotAllowed,
    IsAdmin,
    IsProjectMember,
    IsReadRequest,
    IsReviewer,
)
from annotate.api.serializers import VERSION_HELP, VersionSerializer
from annotate.api.views import EventScoped, ProjectScoped
from annotate.models import AnnotationSet, EventCluster, KBEntity, Span
from annotate.queries import event_mentions, visible_to, with_snippets
from annotate.services import clusters, kb

EDITORS = IsReadRequest | IsReviewer | IsAdmin  # everyone reads; reviewers and admins change



def _version_of(annotation_set: AnnotationSet) -> int:
    return AnnotationSet.objects.filter(pk=annotation_set.pk).values_list("version", flat=True).first()


# --- serializers ---------------------------------------------------------------------

class KBMatchSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="Closeness to the query, 0–1 (1: the same spelling once normalised).")
    exact = serializers.BooleanField(help_text="The name or an alias equals the query once normalised.")
    matched = serializers.CharField(help_text="The name or alias that matched best.")


class KBEntitySerializer(serializers.ModelSerializer):
    entity_type = serializers.SlugRelatedField(slug_field="key", read_only=True, help_text="Entity type key.")
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    mentions = serializers.IntegerField(source="mention_count", read_only=True,
                                        help_text="Linked spans in the sets you may read.")
    match = serializers.SerializerMethodField(help_text="With `?q=`: how the entity matched; otherwise null.")

    class Meta:
        model = KBEntity
        fields = ["id", "entity_type", "name", "aliases", "description", "mentions", "match", "created_at"]

    @extend_schema_field(KBMatchSerializer(allow_null=True))
    def get_match(self, entity: KBEntity):
        match = getattr(entity, "match", None)
        return KBMatchSerializer(match).data if match is not None else None


class KBEntityCreateSerializer(serializers.Serializer):
    entity_type = serializers.CharField(help_text="Entity type key from the project's schema, e.g. PER.")
    name = serializers.CharField(max_length=300, help_text="Unique per type, however it is spelled.")
    aliases = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list,
                                    help_text="Other spellings and names.")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class KBEntityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    aliases = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                    help_text="Replaces the whole list.")
    description = serializers.CharField(required=False, allow_blank=True)


class MergeRequestSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="Id of the entity (or cluster) folded into this one, then deleted.")


class MergeResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="Mentions moved from the source.")


class KBMentionSerializer(serializers.Serializer):
    span = serializers.IntegerField(source="pk")
    set = serializers.IntegerField(source="set_id")
    document = serializers.IntegerField(source="set__document_id")
    document_title = serializers.CharField(source="set__document__title")
    owner = serializers.CharField(source="set__owner__username", allow_null=True, help_text="null for the gold set.")
    start = serializers.IntegerField(help_text="Code points.")
    end = serializers.IntegerField(help_text="Code points.")
    text = serializers.CharField(source="mention")
    before = serializers.CharField(help_text="Up to 40 characters of context before.")
    after = serializers.CharField(help_text="Up to 40 characters of context after.")


class KBLinkRequestSerializer(VersionSerializer):
    entity = serializers.IntegerField(help_text="Id of a knowledge-base entity of the span's type.")


class KBSpanCreateRequestSerializer(VersionSerializer):
    name = serializers.CharField(required=False, max_length=300, help_text="Default: the span's text.")
    aliases = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class KBSpanLinkSerializer(serializers.Serializer):
    span = serializers.IntegerField()
    kb_entity = serializers.IntegerField(allow_null=True, help_text="The linked entity, or null.")
    version = serializers.IntegerField(help_text="The set's version now: send it with your next change.")


class KBSpanCreateResultSerializer(serializers.Serializer):
    entity = KBEntitySerializer()
    version = serializers.IntegerField(help_text="The set's version now.")


class KBLinkIdenticalResultSerializer(serializers.Serializer):
    linked = serializers.IntegerField(help_text="Mentions newly linked.")
    version = serializers.IntegerField(help_text="The set's version now.")


class EventClusterSerializer(serializers.ModelSerializer):
    mentions = serializers.IntegerField(source="mention_count", read_only=True,
                                        help_text="Events in the sets you may read.")

    class Meta:
        model = EventCluster
        fields = ["id", "name", "description", "mentions", "created_at"]


class ClusterArgumentSerializer(serializers.Serializer):
    role = serializers.CharField(source="role__key")
    entity_type = serializers.CharField(source="span__entity_type__key")
    text = serializers.CharField()
    kb_entity = serializers.IntegerField(source="span__kb_entity_id", allow_null=True)


class ClusterMentionSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="pk")
    set = serializers.IntegerField(source="set_id")
    document = serializers.IntegerField(source="set__document_id")
    document_title = serializers.CharField(source="set__document__title")
    owner = serializers.CharField(source="set__owner__username", allow_null=True, help_text="null for the gold set.")
    event_type = serializers.CharField(source="event_type__key")
    trigger = serializers.CharField(source="mention")
    trigger_start = serializers.IntegerField(help_text="Code points.")
    attributes = serializers.DictField()
    arguments = ClusterArgumentSerializer(many=True)


class EventClusterDetailSerializer(EventClusterSerializer):
    events = serializers.SerializerMethodField(help_text="Its event mentions in the sets you may read.")

    class Meta(EventClusterSerializer.Meta):
        fields = EventClusterSerializer.Meta.fields + ["events"]

    @extend_schema_field(ClusterMentionSerializer(many=True))
    def get_events(self, cluster: EventCluster):
        return ClusterMentionSerializer(cluster.event_rows, many=True).data


class EventClusterWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ClusterJoinRequestSerializer(VersionSerializer):
    cluster = serializers.IntegerField(help_text="Id of a cluster of the event's project.")


class ClusterCreateForEventRequestSerializer(VersionSerializer):
    name = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class EventClusterLinkSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    cluster = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(help_text="The set's version now.")


# --- knowledge-base entities -----------------------------------------------------------

def _with_counts(user, project, entities):
    return entities.annotate(mention_count=Count("mentions", filter=visible_to(user, project, "mentions__set")))


@extend_schema(parameters=[
    OpenApiParameter("q", str, description="Ranked search over names and aliases, across Arabic spelling "
                     "variation (hamza, alef, ة/ه, ى/ي, diacritics, close transliterations); best first."),
    OpenApiParameter("type", str, description="Only entities of this entity type key."),
])
class KBEntityList(ProjectScoped, generics.ListCreateAPIView):
    """The project's knowledge base (GET, every member), or a new entity (POST, reviewers and admins)."""

    serializer_class = KBEntitySerializer
    permission_classes = [IsAuthenticated, IsProjectMember & EDITORS]

    def get_queryset(self):
        entities = KBEntity.objects.filter(project=self.project).select_related("entity_type")
        type_key = self.request.query_params.get("type")
        if type_key:
            entities = entities.filter(entity_type=kb.entity_type_for(self.project, type_key))
        return _with_counts(self.request.user, self.project, entities).order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        query = request.query_params.get("q", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        found = kb.search_entities(self.project, query, entity_type=request.query_params.get("type") or None,
                                   limit=1000)
        counts = dict(self.get_queryset().filter(pk__in=[e.pk for e, _m in found]).values_list("pk", "mention_count"))
        for entity, match in found:
            entity.match, entity.mention_count = match, counts.get(entity.pk, 0)
        ranked = [entity for entity, _m in found]
        page = self.paginate_queryset(ranked)
        return self.get_paginated_response(KBEntitySerializer(page, many=True).data)

    @extend_schema(request=KBEntityCreateSerializer, responses={201: KBEntitySerializer, 400: INVALID})
    def post(self, request, slug: str):
        data = parsed(KBEntityCreateSerializer, request.data)
        entity = kb.create_entity(self.project, request.user, **data)
        entity.mention_count = 0
        return Response(KBEntitySerializer(entity).data, status=status.HTTP_201_CREATED)


class KBEntityScoped(ProjectScoped):
    @cached_property
    def entity(self) -> KBEntity:
        entity = _with_counts(self.request.user, self.project, KBEntity.objects.filter(project=self.project)) \
            .select_related("entity_type").filter(pk=self.kwargs["pk"]).first()
        if entity is None:
            raise Http404("no such entity")
        return entity


class KBEntityDetail(KBEntityScoped, generics.GenericAPIView):
    """One entity: read it (members), change or delete it (reviewers and admins).
    Deleting keeps its mentions as spans, unlinked."""

    serializer_class = KBEntitySerializer
    permission_classes = [IsAuthenticated, IsProjectMember & EDITORS]

    def get(self, request, slug: str, pk: int):
        return Response(KBEntitySerializer(self.entity).data)

    @extend_schema(request=KBEntityUpdateSerializer, responses={200: KBEntitySerializer, 400: INVALID})
    def patch(self, request, slug: str, pk: int):
        data = parsed(KBEntityUpdateSerializer, request.data)
        entity = kb.update_entity(self.entity, request.user, **data)
        return Response(KBEntitySerializer(entity).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, pk: int):
        kb.delete_entity(self.entity, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KBEntityMentions(KBEntityScoped, generics.ListAPIView):
    """The spans linked to the entity, across documents, with context; only from the
    sets you may read (annotators: their own)."""

    serializer_class = KBMentionSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]

    def get_queryset(self):
        spans = Span.objects.filter(visible_to(self.request.user, self.project), kb_entity=self.entity)
        return with_snippets(spans).values(
            "pk", "set_id", "set__document_id", "set__document__title", "set__owner__username", "start", "end",
            "mention", "before", "after",
        ).order_by("set__document__order", "start", "pk")


class KBEntityMerge(KBEntityScoped, generics.GenericAPIView):
    serializer_class = MergeRequestSerializer
    permission_classes = [IsAuthenticated, IsProjectMember & (IsReviewer | IsAdmin)]

    @extend_schema(request=MergeRequestSerializer, responses={200: MergeResultSerializer, 400: INVALID},
                   description="Fold the `source` entity into this one: its mentions move here, its name and "
                   "aliases become aliases, then it is deleted.")
    def post(self, request, slug: str, pk: int):
        source_id = parsed(MergeRequestSerializer, request.data)["source"]
        source = KBEntity.objects.select_related("entity_type").filter(project=self.project, pk=source_id).first()
        if source is None:
            raise Http404("no such entity")
        return Response({"moved": kb.merge_entities(self.entity, source, request.user)})


# --- span links ------------------------------------------------------------------------

class SpanScoped(HiddenWhenNotAllowed):
    """`span` from the URL (404 unless the user may read its set); writes need CanWriteSet."""

    permission_classes = [IsAuthenticated, CanWriteSet]

    @cached_property
    def span(self) -> Span:
        return get_span_for(self.request.user, self.kwargs["pk"])

    @property
    def annotation_set(self) -> AnnotationSet:
        return self.span.set

    def _entity(self, entity_id: int) -> KBEntity:
        entity = KBEntity.objects.select_related("entity_type").filter(
            project_id=self.span.set.document.project_id, pk=entity_id
        ).first()
        if entity is None:
            raise serializers.ValidationError({"entity": [_("No entity %(id)s in this project.") % {"id": entity_id}]})
        return entity

    def _link(self) -> Response:
        span = self.span
        return Response({"span": span.pk, "kb_entity": span.kb_entity_id, "version": span.set.version})


class SpanKBLink(SpanScoped, generics.GenericAPIView):
    serializer_class = KBLinkRequestSerializer

    @extend_schema(request=KBLinkRequestSerializer, responses={200: KBSpanLinkSerializer, 400: INVALID, 409: CONFLICT},
                   description="Link the span to an entity of its type.")
    def post(self, request, pk: int):
        data = parsed(KBLinkRequestSerializer, request.data)
        kb.link_span(self.span, request.user, entity=self._entity(data["entity"]), version=data["version"])
        return self._link()

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=VERSION_HELP + " May also be sent in the body.")],
        responses={200: KBSpanLinkSerializer, 400: INVALID, 409: CONFLICT},
        description="Unlink the span from its entity.",
    )
    def delete(self, request, pk: int):
        kb.unlink_span(self.span, request.user, version=version_from(request))
        return self._link()


class SpanKBCreate(SpanScoped, generics.GenericAPIView):
    serializer_class = KBSpanCreateRequestSerializer

    @extend_schema(request=KBSpanCreateRequestSerializer,
                   responses={201: KBSpanCreateResultSerializer, 400: INVALID, 409: CONFLICT},
                   description="Create an entity from the span (its text and type) and link the span to it.")
    def post(self, request, pk: int):
        data = parsed(KBSpanCreateRequestSerializer, request.data)
        entity = kb.create_entity_from_span(self.span, request.user, **data)
        entity.mention_count = 1
        body = {"entity": KBEntitySerializer(entity).data, "version": self.span.set.version}
        return Response(body, status=status.HTTP_201_CREATED)


class SpanKBLinkIdentical(SpanScoped, generics.GenericAPIView):
    serializer_class = VersionSerializer

    @extend_schema(request=VersionSerializer,
                   responses={200: KBLinkIdenticalResultSerializer, 400: INVALID, 409: CONFLICT},
                   description="Link every unlinked span of the same set and type spelled like this one "
                   "(normalised) to this span's entity, in one change.")
    def post(self, request, pk: int):
        version = parsed(VersionSerializer, request.data)["version"]
        linked = kb.link_identical_mentions(self.span, request.user, version=version)
        return Response({"linked": linked, "version": self.span.set.version})


# --- clusters --------------------------------------------------------------------------

def _cluster_counts(user, project, clusters_qs):
    return clusters_qs.annotate(mention_count=Count("mentions", filter=visible_to(user, project, "mentions__set")))


@extend_schema(parameters=[OpenApiParameter("q", str, description="Clusters whose name or description contains this (normalised).")])
class ClusterList(ProjectScoped, generics.ListCreateAPIView):
    """The project's event clusters (GET), or a new one (POST, any member)."""

    serializer_class = EventClusterSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]

    def get_queryset(self):
        found = EventCluster.objects.filter(project=self.project)
        query = self.request.query_params.get("q", "").strip()
        if query:
            found = found.filter(pk__in=[c.pk for c in clusters.search_clusters(self.project, query, limit=10_000)])
        return _cluster_counts(self.request.user, self.project, found).order_by("name", "pk")

    @extend_schema(request=EventClusterWriteSerializer, responses={201: EventClusterSerializer, 400: INVALID})
    def post(self, request, slug: str):
        data = parsed(EventClusterWriteSerializer, request.data)
        cluster = clusters.create_cluster(self.project, request.user, name=data.get("name", ""),
                                          description=data.get("description", ""))
        cluster.mention_count = 0
        return Response(EventClusterSerializer(cluster).data, status=status.HTTP_201_CREATED)


class ClusterScoped(ProjectScoped):
    @cached_property
    def cluster(self) -> EventCluster:
        cluster = _cluster_counts(self.request.user, self.project, EventCluster.objects.filter(project=self.project)) \
            .filter(pk=self.kwargs["pk"]).first()
        if cluster is None:
            raise Http404("no such cluster")
        return cluster


class ClusterDetail(ClusterScoped, generics.GenericAPIView):
    """A cluster with its event mentions and their arguments (members; only from sets
    you may read); rename or delete it (reviewers and admins; its events stay)."""

    serializer_class = EventClusterDetailSerializer
    permission_classes = [IsAuthenticated, IsProjectMember & EDITORS]

    def get(self, request, slug: str, pk: int):
        cluster = self.cluster
        cluster.event_rows = event_mentions(request.user, self.project, cluster=cluster)
        return Response(EventClusterDetailSerializer(cluster).data)

    @extend_schema(request=EventClusterWriteSerializer, responses={200: EventClusterSerializer, 400: INVALID})
    def patch(self, request, slug: str, pk: int):
        data = parsed(EventClusterWriteSerializer, request.data)
        cluster = clusters.update_cluster(self.cluster, request.user, **data)
        return Response(EventClusterSerializer(cluster).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, pk: int):
        clusters.delete_cluster(self.cluster, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClusterMerge(ClusterScoped, generics.GenericAPIView):
    serializer_class = MergeRequestSerializer
    permission_classes = [IsAuthenticated, IsProjectMember & (IsReviewer | IsAdmin)]

    @extend_schema(request=MergeRequestSerializer, responses={200: MergeResultSerializer, 400: INVALID},
                   description="Move every event of the `source` cluster into this one, then delete it.")
    def post(self, request, slug: str, pk: int):
        source_id = parsed(MergeRequestSerializer, request.data)["source"]
        source = EventCluster.objects.filter(project=self.project, pk=source_id).first()
        if source is None:
            raise Http404("no such cluster")
        return Response({"moved": clusters.merge_clusters(self.cluster, source, request.user)})


class EventClusterScoped(EventScoped):
    """An event's place in a cluster, changed by whoever may write the event's set."""

    permission_classes = [IsAuthenticated, CanWriteSet]

    def _link(self) -> Response:
        event = self.event
        return Response({"event": event.pk, "cluster": event.cluster_id, "version": event.set.version})


class EventClusterLink(EventClusterScoped, generics.GenericAPIView):
    serializer_class = ClusterJoinRequestSerializer

    @extend_schema(request=ClusterJoinRequestSerializer,
                   responses={200: EventClusterLinkSerializer, 400: INVALID, 409: CONFLICT},
                   description="Put the event in a cluster (refused if it is already in another one).")
    def post(self, request, pk: int):
        data = parsed(ClusterJoinRequestSerializer, request.data)
        cluster = EventCluster.objects.filter(project_id=self.event.set.document.project_id, pk=data["cluster"]).first()
        if cluster is None:
            raise serializers.ValidationError({"cluster": [_("No cluster %(id)s in this project.") % {"id": data["cluster"]}]})
        clusters.join_cluster(self.event, request.user, cluster=cluster, version=data["version"])
        return self._link()

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description=VERSION_HELP + " May also be sent in the body.")],
        responses={200: EventClusterLinkSerializer, 400: INVALID, 409: CONFLICT},
        description="Take the event out of its cluster.",
    )
    def delete(self, request, pk: int):
        clusters.leave_cluster(self.event, request.user, version=version_from(request))
        return self._link()


class EventClusterCreate(EventClusterScoped, generics.GenericAPIView):
    serializer_class = ClusterCreateForEventRequestSerializer

    @extend_schema(request=ClusterCreateForEventRequestSerializer,
                   responses={201: EventClusterLinkSerializer, 400: INVALID, 409: CONFLICT},
                   description="Create a cluster holding this event, in one change.")
    def post(self, request, pk: int):
        data = parsed(ClusterCreateForEventRequestSerializer, request.data)
        clusters.create_cluster_for_event(self.event, request.user, **data)
        response = self._link()
        response.status_code = status.HTTP_201_CREATED
        return response
