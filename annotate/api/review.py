"""REST API for the workflow: workflow options and assignment (admins), the
annotator's queue (members), and adjudication (reviewers and admins; 404 for anyone
else). Same service calls as the pages: annotate.services.assignment and
annotate.services.adjudication."""
from __future__ import annotations

from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate.access import REVIEW_ROLES, get_openable_document_for, get_project_for
from annotate.api.common import INVALID, parsed
from annotate.api.serializers import ConflictSerializer, VersionSerializer
from annotate.models import AnnotationSet, SetKind, SetStatus
from annotate.services import adjudication, assignment
from corpus.models import Project, Role

CONFLICT = OpenApiResponse(ConflictSerializer, description="Stale version of the gold set: nothing was changed.")


# --- serializers --------------------------------------------------------------------

class WorkflowSerializer(serializers.Serializer):
    annotators_per_document = serializers.IntegerField(min_value=1, max_value=5, required=False)
    blind = serializers.BooleanField(required=False, help_text="Annotators never see each other's sets.")
    queue_timeout_minutes = serializers.IntegerField(
        min_value=1, required=False, help_text="A pulled document left untouched this long goes back to the queue."
    )
    agreement_k = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True,
        help_text="Annotators who must agree for an item to be pre-accepted; null: a strict majority.",
    )
    uncertain_first = serializers.BooleanField(
        required=False,
        help_text="The queue hands out first the documents the CRF was least sure of when pre-tagging last ran "
                  "(documents without a score after them, in import order). Default false: import order.",
    )


class AssignRequestSerializer(serializers.Serializer):
    annotators = serializers.ListField(child=serializers.CharField(), min_length=1, help_text="Usernames.")
    documents = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True,
        help_text="Document ids; omitted: every document still needing annotators.",
    )


class AssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class AnnotatorProgressSerializer(serializers.Serializer):
    username = serializers.CharField()
    assigned = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="Your set's status for this document.")


class QueueSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    assigned = serializers.IntegerField()
    documents = QueueItemSerializer(many=True)


class PulledSerializer(serializers.Serializer):
    document = serializers.IntegerField(allow_null=True, help_text="The document to annotate next; null: queue empty.")


class VariantSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    value = serializers.JSONField(help_text="What accepting this variant puts into gold (offsets in code points).")
    annotators = serializers.ListField(child=serializers.CharField())


class ConflictItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField(help_text="span, event, role, attribute or relation.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    variants = VariantSerializer(many=True)
    abstained = serializers.ListField(child=serializers.CharField())
    role = serializers.CharField()
    attribute = serializers.CharField()
    preselected = serializers.IntegerField(
        allow_null=True, help_text="The variant K annotators chose: offered first, not yet in gold."
    )


class AdjudicationSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    gold_set = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    started = serializers.BooleanField()
    annotators = serializers.ListField(child=serializers.CharField(), help_text="Whose submitted sets are merged.")
    k = serializers.IntegerField()
    agreed_spans = serializers.ListField(child=serializers.JSONField())
    conflicts = ConflictItemSerializer(many=True, help_text="Open conflicts only.")
    settled = serializers.IntegerField()
    carried = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Decisions taken when the conflicts were grouped otherwise (their conflict id names no conflict "
                  "now): decision id -> the ids of the conflicts each still settles.")
    unmatched = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of earlier decisions that settle no conflict now: check what gold holds at their words.")


class DecisionRequestSerializer(VersionSerializer):
    conflict = serializers.CharField()
    action = serializers.ChoiceField(choices=list(adjudication.SETTLING))
    variant = serializers.IntegerField(required=False, allow_null=True, help_text="0-based; for accept and edit.")
    entity_type = serializers.CharField(required=False, allow_blank=True, help_text="For edit: the span's new type.")


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    item = serializers.JSONField()
    variant = serializers.JSONField()
    reviewer = serializers.CharField(source="reviewer.username")
    created_at = serializers.DateTimeField()


class GoldStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()


# --- views --------------------------------------------------------------------------

class ProjectView(generics.GenericAPIView):
    roles: tuple[str, ...] | None = None  # None: any member
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @cached_property
    def project(self) -> Project:
        return get_project_for(self.request.user, self.kwargs["slug"], roles=self.roles)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_access()  # 404 before the body is even parsed

    def check_access(self) -> None:
        self.project  # noqa: B018 (looking the project up is the check: 404)



class Workflow(ProjectView):
    """The project's workflow options (project admins)."""

    roles = (Role.ADMIN,)
    serializer_class = WorkflowSerializer

    def get(self, request, slug: str):
        return Response(WorkflowSerializer(assignment.workflow_of(self.project).__dict__).data)

    @extend_schema(responses={200: WorkflowSerializer, 400: INVALID})
    def patch(self, request, slug: str):
        values = parsed(WorkflowSerializer, request.data)
        workflow = assignment.update_workflow(self.project, request.user, **values)
        return Response(WorkflowSerializer(workflow.__dict__).data)


class Assignments(ProjectView):
    """Progress per annotator (GET), or assign documents evenly (POST; project admins)."""

    roles = (Role.ADMIN,)
    serializer_class = AssignRequestSerializer

    @extend_schema(responses=AnnotatorProgressSerializer(many=True))
    def get(self, request, slug: str):
        rows = assignment.progress_by_annotator(self.project)
        return Response(AnnotatorProgressSerializer(rows, many=True).data)

    @extend_schema(request=AssignRequestSerializer, responses={201: AssignResultSerializer, 400: INVALID})
    def post(self, request, slug: str):
        data = parsed(AssignRequestSerializer, request.data)
        created = assignment.assign_documents(
            self.project, annotators=data["annotators"], documents=data.get("documents"), by=request.user
        )
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class MyQueue(ProjectView):
    """Your documents in this project, with your progress."""

    serializer_class = QueueSerializer

    def get(self, request, slug: str):
        documents = list(assignment.assigned_documents(self.project, request.user).only("pk", "external_id", "title"))
        statuses = dict(
            AnnotationSet.objects.filter(owner=request.user, kind=SetKind.ANNOTATOR, document__in=documents)
            .values_list("document_id", "status")
        )
        done, assigned = assignment.progress(self.project, request.user)
        items = [
            {"id": d.pk, "external_id": d.external_id, "title": d.title,
             "status": statuses.get(d.pk, SetStatus.NOT_STARTED)}
            for d in documents
        ]
        return Response(QueueSerializer({"done": done, "assigned": assigned, "documents": items}).data)


class PullNext(ProjectView):
    """Take the next document from the queue (stale pulls are released first)."""

    serializer_class = PulledSerializer

    @extend_schema(request=None, responses=PulledSerializer)
    def post(self, request, slug: str):
        document = assignment.pull_next(self.project, request.user)
        return Response({"document": document.pk if document else None})


class DocumentAdjudication(ProjectView):
    roles = REVIEW_ROLES

    @cached_property
    def document(self):
        document = get_openable_document_for(self.request.user, self.project, self.kwargs["pk"])
        document.project = self.project
        return document

    def check_access(self) -> None:
        self.document  # noqa: B018 (looking the document up is the check: 404)

    def state_response(self, state) -> Response:
        gold = state.gold
        data = {
            "document": self.document.pk,
            "gold_set": gold.pk if gold else None,
            "status": gold.status if gold else None,
            "version": gold.version if gold else None,
            "started": state.started,
            "annotators": state.submitted,
            "k": state.merge.k,
            "agreed_spans": [{"type": t, "start": s, "end": e} for t, s, e in state.merge.spans],
            "conflicts": [
                {**c.as_item(), "variants": [
                    {"index": i, "value": v.value, "annotators": list(v.annotators)} for i, v in enumerate(c.variants)
                ], "abstained": list(c.abstained), "role": c.role, "attribute": c.attribute,
                 "preselected": c.preselected}
                for c in state.open
            ],
            "settled": state.settled,
            "carried": {str(pk): ids for pk, ids in state.carried.items()},
            "unmatched": [d.pk for d in state.unmatched],
        }
        return Response(AdjudicationSerializer(data).data)


class AdjudicationView(DocumentAdjudication):
    """The annotators' submitted sets merged (reviewers and admins). The first call with
    enough submitted sets creates the gold set and pre-accepts what K annotators agree on."""

    serializer_class = AdjudicationSerializer

    def get(self, request, slug: str, pk: int):
        return self.state_response(adjudication.open_adjudication(self.document, request.user))


class AdjudicationDecide(DocumentAdjudication):
    serializer_class = DecisionRequestSerializer

    @extend_schema(
        request=DecisionRequestSerializer, responses={201: DecisionSerializer, 400: INVALID, 409: CONFLICT},
        description=(
            "Settle one open conflict: accept a variant (replacing the others in gold), accept it with another"
            " entity type (edit), reject it, or keep every variant of an entity conflict on purpose (keep)."
        ),
    )
    def post(self, request, slug: str, pk: int):
        data = parsed(DecisionRequestSerializer, request.data)
        decision = adjudication.decide(
            self.document, request.user, conflict_id=data["conflict"], action=data["action"],
            variant=data.get("variant"), entity_type=data.get("entity_type") or None, version=data["version"],
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class AdjudicationConfirm(DocumentAdjudication):
    serializer_class = VersionSerializer

    @extend_schema(
        request=VersionSerializer, responses={200: GoldStateSerializer, 400: INVALID, 409: CONFLICT},
        description="Mark the document adjudicated; refused while conflicts are open.",
    )
    def post(self, request, slug: str, pk: int):
        version = parsed(VersionSerializer, request.data)["version"]
        gold = adjudication.confirm(self.document, request.user, version=version)
        return Response(GoldStateSerializer(gold).data)


class AdjudicationReopen(DocumentAdjudication):
    serializer_class = VersionSerializer

    @extend_schema(
        request=VersionSerializer, responses={200: GoldStateSerializer, 400: INVALID, 409: CONFLICT},
        description="Reopen an adjudicated document (recorded).",
    )
    def post(self, request, slug: str, pk: int):
        version = parsed(VersionSerializer, request.data)["version"]
        gold = adjudication.reopen(self.document, request.user, version=version)
        return Response(GoldStateSerializer(gold).data)
