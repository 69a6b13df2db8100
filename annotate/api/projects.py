"""Setting projects up through the API: create a project (site staff), change its
settings, archive or delete it (project admins), and manage its members. The rules live
in corpus.projects, corpus.members and annotate.services.projects; their refusals
(ProjectError) become 400 with the field at fault in annotate.api.errors."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotate.api import views
from annotate.api.common import INVALID, parsed
from annotate.api.permissions import IsAdmin, IsProjectMember, IsReadRequest
from annotate.api.serializers import ProjectSerializer
from annotate.services.archive import reassign_work
from annotate.services.projects import delete_project
from corpus import members as member_service
from corpus import projects
from corpus.access import projects_for
from corpus.models import Membership, Project, Role
from corpus.presets import available_presets


class NewProjectSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text="Latin letters, digits, - or _; empty: suggested from the name.")
    language = serializers.CharField(max_length=10, default="ar")
    direction = serializers.ChoiceField(choices=Project._meta.get_field("direction").choices, default="rtl")
    preset = serializers.ChoiceField(choices=available_presets(), default="news-ar")
    schema_from = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="Slug of a project you administer whose schema is copied (instead of the preset).",
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    schema = serializers.JSONField(
        required=False, default=None,
        help_text="A schema file's content (as GET /api/projects/<slug>/schema/ gives it), instead of the preset.",
    )


class ProjectSettingsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    guidelines = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    archived = serializers.BooleanField(required=False, help_text="Archived projects are read-only.")


class ProjectSettingsOutSerializer(ProjectSerializer):
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = ProjectSerializer.Meta.fields + ["description", "guidelines", "archived"]


@extend_schema(parameters=[OpenApiParameter("archived", bool, description="List your archived projects instead.")])
class ProjectList(views.ProjectList):
    """The projects you are a member of (archived ones only with ?archived=true); site
    staff also create projects here, becoming their admin."""

    def get_queryset(self):
        user = self.request.user
        archived = self.request.query_params.get("archived", "").lower() in ("1", "true", "yes")
        role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
        return projects_for(user, archived=archived).annotate(role=Subquery(role)).order_by("name", "pk")

    @extend_schema(request=NewProjectSerializer, responses={201: ProjectSettingsOutSerializer, 400: INVALID})
    def post(self, request):
        if not request.user.is_staff:
            raise PermissionDenied(_("Only site staff create projects."))
        data = parsed(NewProjectSerializer, request.data)
        schema_from = None
        if data["schema_from"]:
            schema_from = projects.administered_by(request.user).filter(slug=data["schema_from"]).first()
            if schema_from is None:
                raise projects.ProjectError(
                    _("You administer no project «%(slug)s» to copy the schema of.") % {"slug": data["schema_from"]},
                    "schema_from")
        project = projects.create_project(
            data["name"], slug=data["slug"], language=data["language"], direction=data["direction"],
            preset=data["preset"], schema_from=schema_from, admin=request.user, description=data["description"],
            schema=data["schema"],
        )
        project.role = Role.ADMIN
        return Response(ProjectSettingsOutSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetail(views.ProjectDetail):
    """A project with its schema; its admins change its settings (PATCH: name,
    description, guidelines, archived) or delete it (DELETE with ?confirm=SLUG)."""

    permission_classes = [IsAuthenticated, IsProjectMember & (IsReadRequest | IsAdmin)]

    @extend_schema(request=ProjectSettingsSerializer, responses={200: ProjectSettingsOutSerializer, 400: INVALID})
    def patch(self, request, slug: str):
        data = dict(parsed(ProjectSettingsSerializer, request.data))
        project = self.project
        archived = data.pop("archived", None)
        if archived is False:
            projects.restore_project(project)
        if data:
            projects.update_project(project, **data)
        if archived:
            projects.archive_project(project)
        project.role = Role.ADMIN
        return Response(ProjectSettingsOutSerializer(project).data)

    @extend_schema(
        parameters=[OpenApiParameter("confirm", str, required=True, description="The project's slug, repeated.")],
        responses={204: None, 400: INVALID},
    )
    def delete(self, request, slug: str):
        delete_project(self.project, confirm_slug=request.query_params.get("confirm", ""), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    active = serializers.BooleanField(source="user.is_active", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "email", "role", "active"]


class AddMemberSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="Username or email address of an existing, active user.")
    role = serializers.ChoiceField(choices=Role.choices)


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class ReassignSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Username or email address of the active account that receives the work.")


class ReassignedSerializer(serializers.Serializer):
    sets = serializers.IntegerField()
    assignments = serializers.IntegerField()
    suggestions = serializers.IntegerField(help_text="Suggestions meant for the member alone.")
    suggestion_decisions = serializers.IntegerField()
    adjudication_decisions = serializers.IntegerField()


class AdminScoped(views.ProjectScoped):
    """Members endpoints: 404 for strangers, 403 for members who are not the project's admins."""

    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]


class MemberList(AdminScoped, generics.ListAPIView):
    """The project's members with their roles (project admins)."""

    serializer_class = MemberSerializer
    pagination_class = None  # a team, not a corpus

    def get_queryset(self):
        return member_service.members(self.project)

    @extend_schema(request=AddMemberSerializer, responses={201: MemberSerializer, 400: INVALID})
    def post(self, request, slug: str):
        data = parsed(AddMemberSerializer, request.data)
        user = member_service.find_user(data["user"])
        membership = member_service.add_member(self.project, user, data["role"])
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class OneMember(AdminScoped, generics.GenericAPIView):
    serializer_class = MemberSerializer

    def membership(self) -> Membership:
        membership = Membership.objects.filter(project=self.project, user__username=self.kwargs["username"]) \
            .select_related("user").first()
        if membership is None:
            raise NotFound(_("%(user)s is not a member of this project.") % {"user": self.kwargs["username"]})
        return membership


class MemberDetail(OneMember):
    """One member: change their role (PATCH) or remove them (DELETE; their annotation sets
    stay). The project's last admin can be neither demoted nor removed."""

    def get(self, request, slug: str, username: str):
        return Response(MemberSerializer(self.membership()).data)

    @extend_schema(request=RoleSerializer, responses={200: MemberSerializer, 400: INVALID})
    def patch(self, request, slug: str, username: str):
        role = parsed(RoleSerializer, request.data)["role"]
        membership = member_service.change_role(self.project, self.membership().user, role)
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None, 400: INVALID})
    def delete(self, request, slug: str, username: str):
        member_service.remove_member(self.project, self.membership().user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberReassign(OneMember):
    """Give a member's work in the project (sets, assignments, private suggestions,
    decisions; typically an archive import's inactive placeholder) to an active account,
    who becomes a member with the same role unless they already are one. Refused (400,
    nothing changed) when the member's account is active (field `user`) or the receiving
    account already has its own work on the same documents."""

    @extend_schema(request=ReassignSerializer, responses={200: ReassignedSerializer, 400: INVALID})
    def post(self, request, slug: str, username: str):
        source = self.membership().user
        target = member_service.find_user(parsed(ReassignSerializer, request.data)["to"], "to")
        return Response(reassign_work(self.project, source, target, by=request.user))
