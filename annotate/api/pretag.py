"""Pre-tagging in the REST API: the suggestions pending in a set, accepting and
rejecting them (one, or all of a type), and pre-tagging / retraining jobs with their
status. Same services as the editor; refusals map to 400 and stale versions to 409."""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate import pretagging
from annotate.api import serializers as s
from annotate.api.common import CONFLICT, INVALID
from annotate.api.permissions import CanWriteSet, IsAdmin, IsProjectMember
from annotate.api.views import ProjectScoped, SetScoped
from annotate.models import Event, Job, Suggestion
from annotate.pretagging.evaluation import OptionsError, evaluate_project, options_from
from annotate.pretagging.ner_model import (
    NER_INSTALL_JOB,
    AlreadyInstalled,
    InstallAlreadyRunning,
    may_install,
    ner_model_state,
    start_ner_install,
)
from annotate.services.suggestions import (
    accept_all_suggestions,
    accept_suggestion,
    offered_to,
    pending_suggestions,
    reject_suggestion,
)

# ---- serializers ----------------------------------------------------------------------

class SuggestionSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField(help_text="Entity type key (kind=entity) or event type key (kind=event).")
    text = serializers.SerializerMethodField(help_text="document.text[start:end] (the trigger, for events).")
    start = serializers.IntegerField(read_only=True, help_text=f"First character, in {s.CODE_POINTS}.")
    end = serializers.IntegerField(read_only=True, help_text=f"One past the last character, in {s.CODE_POINTS}.")
    arguments = serializers.JSONField(
        read_only=True, help_text='Events: proposed arguments [{"role", "type", "start", "end"}].')

    class Meta:
        model = Suggestion
        fields = ["id", "document", "kind", "tagger", "type", "start", "end", "text", "score", "value", "arguments",
                  "kb_entity"]

    def get_type(self, suggestion: Suggestion) -> str:
        return (suggestion.entity_type or suggestion.event_type).key

    def get_text(self, suggestion: Suggestion) -> str:
        return self.context["text"][suggestion.start:suggestion.end]


class AcceptResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Suggestion.Kind.choices)
    span = s.SpanSerializer(allow_null=True, help_text="The span created (kind=entity).")
    event = s.EventSerializer(allow_null=True, help_text="The event created (kind=event).")
    version = serializers.IntegerField(help_text="The set's version now.")


class AcceptAllSerializer(s.VersionSerializer):
    entity_type = serializers.CharField(help_text="Accept every pending suggestion of this entity type.")


class AcceptAllResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The set's version now.")


class PretagRequestSerializer(serializers.Serializer):
    documents = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                      help_text="Document ids; omitted: every document of the project.")
    taggers = serializers.ListField(child=serializers.ChoiceField(choices=pretagging.ALL_TAGGERS), required=False,
                                    allow_null=True,
                                    help_text="Omitted: the taggers enabled in the project's settings.")


class PretagJobSerializer(s.JobTextSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "status", "done", "total", "params", "messages", "message_codes", "result",
                  "created_at", "finished_at"]


class NERModelSerializer(serializers.Serializer):
    installed = serializers.BooleanField()
    path = serializers.CharField(help_text="Where the model is, or where it was looked for.")
    detail = serializers.CharField(help_text="Why it is not installed and how to install it; empty when installed.")
    running = serializers.IntegerField(allow_null=True, source="running.pk",
                                       help_text="The installation job queued or running now, if any.")
    last_failure = serializers.CharField(source="failure_reason",
                                         help_text="Why this project's last attempt failed; empty if it did not.")


class EvaluationQuerySerializer(serializers.Serializer):
    types = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list,
        help_text="Score only these types (repeat it, or separate keys by commas); omitted: every type the gold "
                  "annotates.")
    map = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list,
        help_text="SRC=TYPE renames a type on both sides before comparing (SRC= leaves it out); repeat it.")
    per_document = serializers.BooleanField(required=False, default=False,
                                            help_text="Add each gold document's rows.")


# ---- suggestions ----------------------------------------------------------------------

class SuggestionScoped(SetScoped):
    """The set from the URL (404 unless readable) and a suggestion of its document."""

    def suggestion(self) -> Suggestion:
        found = (Suggestion.objects.select_related("entity_type", "event_type")
                 .filter(offered_to(self.annotation_set.owner_id), pk=self.kwargs["suggestion_id"],
                         document_id=self.annotation_set.document_id).first())
        if found is None:
            raise Http404("no such suggestion")
        return found

    def version(self) -> int:
        serializer = s.VersionSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["version"]


class SetSuggestions(SuggestionScoped, generics.GenericAPIView):
    """The suggestions pending in this set: not decided by its owner, not already in it,
    merged so that none overlap (what the editor shows)."""

    permission_classes = [IsAuthenticated, IsProjectMember]
    serializer_class = SuggestionSerializer
    pagination_class = None

    @extend_schema(responses=SuggestionSerializer(many=True))
    def get(self, request, pk: int):
        pending = pending_suggestions(self.annotation_set)  # as its owner sees them
        context = {"text": self.annotation_set.document.text}
        return Response(SuggestionSerializer(pending, many=True, context=context).data)


class SuggestionAccept(SuggestionScoped, generics.GenericAPIView):
    """Copy the suggestion into the set (with its origin) and record the decision."""

    permission_classes = [IsAuthenticated, CanWriteSet]
    serializer_class = s.VersionSerializer

    @extend_schema(responses={201: AcceptResultSerializer, 400: INVALID, 409: CONFLICT})
    def post(self, request, pk: int, suggestion_id: int):
        created = accept_suggestion(self.suggestion(), request.user, self.annotation_set, version=self.version())
        is_event = isinstance(created, Event)
        body = {
            "kind": Suggestion.Kind.EVENT if is_event else Suggestion.Kind.ENTITY,
            "span": None if is_event else s.SpanSerializer(created).data,
            "event": s.EventSerializer(created).data if is_event else None,
            "version": self.annotation_set.version,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class SuggestionReject(SuggestionScoped, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, CanWriteSet]
    serializer_class = s.VersionSerializer

    @extend_schema(responses={200: s.VersionResultSerializer, 400: INVALID, 409: CONFLICT})
    def post(self, request, pk: int, suggestion_id: int):
        reject_suggestion(self.suggestion(), request.user, self.annotation_set, version=self.version())
        return Response({"version": self.annotation_set.version})


class SuggestionsAcceptAll(SuggestionScoped, generics.GenericAPIView):
    """Accept every pending suggestion of one entity type in the set, as one change."""

    permission_classes = [IsAuthenticated, CanWriteSet]
    serializer_class = AcceptAllSerializer

    @extend_schema(responses={200: AcceptAllResultSerializer, 400: INVALID, 409: CONFLICT})
    def post(self, request, pk: int):
        serializer = AcceptAllSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        count = accept_all_suggestions(self.annotation_set, request.user, entity_type=data["entity_type"],
                                       version=data["version"])
        return Response({"accepted": count, "version": self.annotation_set.version})


# ---- jobs -----------------------------------------------------------------------------

class PretagStart(ProjectScoped, generics.GenericAPIView):
    """Start pre-tagging the project's documents (admins). Poll the job for progress."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    serializer_class = PretagRequestSerializer

    @extend_schema(responses={202: PretagJobSerializer})
    def post(self, request, slug: str):
        serializer = PretagRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = pretagging.start_pretag(self.project, user=request.user, documents=data.get("documents"),
                                      taggers=data.get("taggers"))
        return Response(PretagJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class RetrainStart(ProjectScoped, generics.GenericAPIView):
    """Retrain the project's CRF from its gold (admins)."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    serializer_class = PretagJobSerializer

    @extend_schema(request=None, responses={202: PretagJobSerializer})
    def post(self, request, slug: str):
        job = pretagging.start_retrain(self.project, user=request.user)
        return Response(PretagJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class NERModelInstall(ProjectScoped, generics.GenericAPIView):
    """camel-tools' NER model on this server (GET, project admins), and installing it in
    the background (POST, site staff only: the model is the whole server's; 409 while an
    installation runs, or when it is installed already unless `force=true`). Poll the job
    for progress in bytes; a failed job's messages say what was tried and what to do."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    serializer_class = NERModelSerializer

    @extend_schema(responses={200: NERModelSerializer})
    def get(self, request, slug: str):
        return Response(NERModelSerializer(ner_model_state(self.project)).data)

    @extend_schema(request=None, parameters=[OpenApiParameter("force", bool, description="reinstall")],
                   responses={202: PretagJobSerializer, 403: OpenApiResponse(description="Not site staff."),
                              409: OpenApiResponse(description="Running or installed already: {\"detail\", \"job\"}.")})
    def post(self, request, slug: str):
        if not may_install(request.user):
            raise PermissionDenied(_("A site administrator installs the NER model (it serves every project)."))
        force = str(request.data.get("force", request.query_params.get("force", ""))).lower() in ("true", "1")
        try:
            job = start_ner_install(self.project, user=request.user, force=force)
        except InstallAlreadyRunning as running:
            return Response({"detail": str(running), "job": running.job.pk}, status=status.HTTP_409_CONFLICT)
        except AlreadyInstalled as installed:
            return Response({"detail": str(installed), "job": None}, status=status.HTTP_409_CONFLICT)
        return Response(PretagJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class PretagEvaluation(ProjectScoped, generics.GenericAPIView):
    """The stored suggestions scored against the gold sets (what `manage.py evaluate_pretag
    --json` prints): rows per tagger and type (exact and overlap precision, recall, F1),
    the types left out because the gold never annotates them, per-document rows when asked,
    and the annotators' acceptance per tagger. An unknown type is refused by name (400)."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    serializer_class = EvaluationQuerySerializer
    pagination_class = None

    @extend_schema(parameters=[EvaluationQuerySerializer], responses={200: OpenApiTypes.OBJECT, 400: INVALID})
    def get(self, request, slug: str):
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            options = options_from(self.project, types=data["types"], type_map=data["map"],
                                   per_document=data["per_document"])
        except OptionsError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        return Response(evaluate_project(self.project, options).as_json())


class PretagJob(ProjectScoped, generics.RetrieveAPIView):
    """A pre-tagging, retraining or NER model installation job's status and progress (admins)."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]
    serializer_class = PretagJobSerializer

    def get_object(self) -> Job:
        job = Job.objects.filter(project=self.project, pk=self.kwargs["job_id"],
                                 kind__in=(pretagging.PRETAG_JOB, pretagging.RETRAIN_JOB, NER_INSTALL_JOB)).first()
        if job is None:
            raise Http404("no such job")
        return job
