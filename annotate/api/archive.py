"""Project archives in the API: project admins prepare an archive of their project (a job)
and download it; site staff import one as a new project (a job). Same code as the pages
and the commands (annotate.archive, annotate.services.archive)."""
from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from annotate import jobs
from annotate.api.dataset import AdminScoped
from annotate.api.serializers import JobTextSerializer
from annotate.archive.jobs import keep_upload
from annotate.models import Job
from annotate.queries import archive_file
from corpus.models import Project


class ArchiveJobSerializer(JobTextSerializer):
    download = serializers.SerializerMethodField()
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "done", "total", "messages", "message_codes", "result", "created_at",
                  "finished_at", "project", "download"]

    def get_download(self, job) -> str | None:
        if job.status != Job.Status.DONE or job.kind != jobs.ARCHIVE_EXPORT:
            return None
        return reverse("api:project-archive-download", args=[job.project.slug, job.pk],
                       request=self.context.get("request"))


def _job(job: Job, request, code=status.HTTP_200_OK) -> Response:
    job.refresh_from_db()
    return Response(ArchiveJobSerializer(job, context={"request": request}).data, status=code)


class ArchiveJobs(AdminScoped, GenericAPIView):
    serializer_class = ArchiveJobSerializer

    @extend_schema(request=None, responses={202: ArchiveJobSerializer},
                   description="Prepare an archive of the whole project in the background (project admins); "
                   "poll the job, then download it.")
    def post(self, request, slug: str):
        return _job(jobs.start(self.project, jobs.ARCHIVE_EXPORT, user=request.user), request,
                    status.HTTP_202_ACCEPTED)


class ArchiveJob(AdminScoped, GenericAPIView):
    serializer_class = ArchiveJobSerializer

    @extend_schema(responses={200: ArchiveJobSerializer})
    def get(self, request, slug: str, job_id: int):
        job = Job.objects.filter(pk=job_id, project=self.project, kind=jobs.ARCHIVE_EXPORT).first()
        if job is None:
            raise NotFound(_("No such archive."))
        return _job(job, request)


class ArchiveDownload(AdminScoped, GenericAPIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, slug: str, job_id: int):
        job, path = archive_file(self.project, job_id)
        return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result.get("name", path.name))


class ArchiveImportSerializer(serializers.Serializer):
    archive = serializers.FileField()
    slug = serializers.SlugField(required=False, allow_blank=True, default="", max_length=100,
                                 help_text="the new project's slug (default: the archive's)")

    def validate_slug(self, value: str) -> str:
        if value and Project.objects.filter(slug=value).exists():
            raise serializers.ValidationError(_("A project with this slug exists already."))
        return value


class StaffOnly:
    """Site staff only; for anyone else the endpoint does not exist (404)."""

    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_staff:
            raise NotFound()


class ArchiveImports(StaffOnly, GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ArchiveImportSerializer

    @extend_schema(request={"multipart/form-data": ArchiveImportSerializer}, responses={202: ArchiveJobSerializer},
                   description="Import a project archive as a new project (site staff), in the background; "
                   "poll the job: its result names the project and the users kept as placeholders.")
    def post(self, request):
        serializer = ArchiveImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = keep_upload(serializer.validated_data["archive"])
        job = jobs.start(None, jobs.ARCHIVE_IMPORT, user=request.user,
                         params={"file": name, "slug": serializer.validated_data["slug"]})
        return _job(job, request, status.HTTP_202_ACCEPTED)


class ArchiveImport(StaffOnly, GenericAPIView):
    serializer_class = ArchiveJobSerializer

    @extend_schema(responses={200: ArchiveJobSerializer})
    def get(self, request, job_id: int):
        job = Job.objects.filter(pk=job_id, kind=jobs.ARCHIVE_IMPORT).first()
        if job is None:
            raise NotFound(_("No such archive."))
        return _job(job, request)
