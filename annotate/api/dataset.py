"""Dataset endpoints (project admins): streamed export, export jobs and their download,
and import with annotations. Same code paths as the page and the CLI
(annotate.dataset, corpus.importing)."""
from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from annotate import dataset, jobs, services
from annotate.api.common import INVALID
from annotate.api.permissions import IsAdmin, IsProjectMember
from annotate.api.serializers import JobTextSerializer
from annotate.api.views import ProjectScoped
from annotate.models import Job, SetStatus
from annotate.queries import EXPORT_KIND, job_file, streamed
from corpus import importing
from corpus.formats import ANNOTATED_FORMATS, FORMATS, WRITERS

LIST_PARAMS = ("status", "ids", "split")


class ExportRequestSerializer(serializers.Serializer):
    # Plain text (checked below), not a choice: the enum would collide in the schema with the import's `format`.
    format = serializers.CharField(default="tawsim", help_text="one of: " + ", ".join(WRITERS))
    sets = serializers.CharField(default="gold", help_text="gold, all, suggestions or annotator:NAME")
    status = serializers.ListField(child=serializers.ChoiceField(choices=SetStatus.values), required=False,
                                   default=list)
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    split = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False, default=list,
                                  help_text="train, dev, test percentages, e.g. [80, 10, 10]")
    seed = serializers.IntegerField(default=0)
    meta = serializers.BooleanField(default=True)
    include_empty = serializers.BooleanField(default=False)

    def validate_format(self, value: str) -> str:
        if value not in WRITERS:
            raise serializers.ValidationError(_("Choose one of: %(formats)s") % {"formats": ", ".join(WRITERS)})
        return value

    def validate(self, data):
        options = to_options(data)
        try:
            dataset.check_options(options)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        return data


# The query the streamed export reads (what Export.get takes from request.query_params).
_LIST = {"style": "form", "explode": True}
EXPORT_QUERY = [
    OpenApiParameter("file_format", str, enum=list(WRITERS), default="tawsim", description="the file format"),
    OpenApiParameter("sets", str, default="gold", description="gold, all, suggestions or annotator:NAME"),
    OpenApiParameter("status", {"type": "array", "items": {"type": "string", "enum": list(SetStatus.values)}},
                     description="only sets with these statuses", **_LIST),
    OpenApiParameter("ids", {"type": "array", "items": {"type": "integer"}}, description="only these documents",
                     **_LIST),
    OpenApiParameter("split", {"type": "array", "items": {"type": "integer", "minimum": 0}},
                     description="train, dev, test percentages, e.g. 80,10,10", **_LIST),
    OpenApiParameter("seed", int, default=0, description="seed of the split"),
    OpenApiParameter("meta", bool, default=True, description="include each document's meta"),
    OpenApiParameter("include_empty", bool, default=False, description="include documents without annotations"),
]
EXPORT_MEDIA_TYPES = sorted({module.MEDIA_TYPE for module in WRITERS.values()} | {"application/zip"})


def to_options(data: dict) -> dataset.ExportOptions:
    return dataset.ExportOptions(
        fmt=data["format"], sets=data["sets"], statuses=tuple(data["status"]), document_ids=tuple(data["ids"]),
        split=tuple(data["split"]) if data["split"] else None, seed=data["seed"], with_meta=data["meta"],
        include_empty=data["include_empty"],
    )


def checked_options(project, data: dict) -> dataset.ExportOptions:
    """The export's options, or a 400 naming `sets` when they would give an empty file."""
    options = to_options(data)
    empty = dataset.nothing_to_export(project, options)
    if empty:
        raise services.Invalid(empty, "sets")
    return options


class JobSerializer(JobTextSerializer):
    download = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(help_text="what the format left out (the first 200)")
    warning_count = serializers.SerializerMethodField()
    empty = serializers.SerializerMethodField(help_text="why the file holds no document, if it holds none")

    class Meta:
        model = Job
        fields = [
            "id", "status", "done", "total", "params", "messages", "message_codes", "result", "created_at",
            "finished_at", "download", "warnings", "warning_count", "empty",
        ]

    def get_warnings(self, job) -> list[str]:
        return job.shown_result.get("warnings", [])

    def get_warning_count(self, job) -> int:
        return (job.result or {}).get("warning_count", 0)

    def get_empty(self, job) -> str | None:
        return job.shown_result.get("empty")

    def get_download(self, job) -> str | None:
        if job.status != Job.Status.DONE:
            return None
        return reverse("api:dataset-export-download", args=[job.project.slug, job.pk],
                       request=self.context.get("request"))


class AdminScoped(ProjectScoped):
    permission_classes = [IsAuthenticated, IsProjectMember & IsAdmin]


class Export(AdminScoped, GenericAPIView):
    serializer_class = ExportRequestSerializer

    @extend_schema(
        parameters=EXPORT_QUERY,
        responses={**{(200, media): OpenApiTypes.BINARY for media in EXPORT_MEDIA_TYPES},
                   (400, "application/json"): INVALID},
        description="Download an export, streamed (project admins). Offsets are Unicode code points into the text. "
        "The file format is `file_format` (`format` is DRF's own renderer suffix); lists are repeated or "
        "comma-separated. Options that match no set are refused (400, naming `sets`) rather than "
        "giving an empty file. A streamed file cannot carry the writer's warnings: formats other than "
        "`tawsim` may leave annotations out, and an export job lists what they left out (`warnings`). "
        "The content type is the format's (" + ", ".join(
            f"{name}: {module.MEDIA_TYPE}" for name, module in WRITERS.items()) + "); with `split`, a zip.",
    )
    def get(self, request, slug: str):
        params = {key: value for key, value in request.query_params.items() if key not in LIST_PARAMS}
        params["format"] = params.pop("file_format", "tawsim")
        for key in LIST_PARAMS:  # repeated (?status=a&status=b) or comma-separated
            values = [v for raw in request.query_params.getlist(key) for v in raw.split(",") if v.strip()]
            if values:
                params[key] = values
        serializer = ExportRequestSerializer(data=params)
        serializer.is_valid(raise_exception=True)
        return streamed(self.project, checked_options(self.project, serializer.validated_data))


class ExportJobs(AdminScoped, GenericAPIView):
    serializer_class = ExportRequestSerializer

    @extend_schema(request=ExportRequestSerializer, responses={202: JobSerializer},
                   description="Prepare an export in the background; poll the job, then download it. The finished job "
                   "lists what the format left out (`warnings`, `warning_count`).")
    def post(self, request, slug: str):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = jobs.start(self.project, EXPORT_KIND, user=request.user,
                         params=checked_options(self.project, serializer.validated_data).to_params())
        job.refresh_from_db()
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ExportJob(AdminScoped, GenericAPIView):
    serializer_class = JobSerializer

    @extend_schema(responses={200: JobSerializer})
    def get(self, request, slug: str, job_id: int):
        job = Job.objects.filter(pk=job_id, project=self.project, kind=EXPORT_KIND).first()
        if job is None:
            return Response({"detail": _("No such export.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(JobSerializer(job, context={"request": request}).data)


class ExportDownload(AdminScoped, GenericAPIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, slug: str, job_id: int):
        job, path = job_file(self.project, job_id)
        return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result.get("name", path.name))


class AnnotatedImportSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), min_length=1)
    format = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="empty (from the extension) or one of: " + ", ".join(FORMATS)
                                   + "; with annotations: " + ", ".join(ANNOTATED_FORMATS))
    into = serializers.CharField(default="gold", help_text="gold, annotator:NAME or suggestions")
    map = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                help_text="SOURCE=TYPE (SOURCE= leaves it out)")
    create_types = serializers.BooleanField(default=False)
    create_kb = serializers.BooleanField(default=False, help_text="create the knowledge-base entries and clusters "
                                         "the file names (kb_name, kb_type, cluster_name) and the project lacks")

    def validate_format(self, value: str) -> str:
        if value and value not in FORMATS:
            raise serializers.ValidationError(_("Choose one of: %(formats)s") % {"formats": ", ".join(FORMATS)})
        return value


class AnnotatedImport(AdminScoped, GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AnnotatedImportSerializer

    @extend_schema(
        request={"multipart/form-data": AnnotatedImportSerializer},
        responses={200: OpenApiResponse(description="The import report, with warnings and annotation counts per file."),
                   400: OpenApiResponse(description="A file failed (its errors say where and why) or bad options.")},
        description="Import documents with their annotations into the gold set, an annotator's set, or as "
        "suggestions. Each file is all or nothing.",
    )
    def post(self, request, slug: str):
        serializer = AnnotatedImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = _parsed(dataset.parse_target, "into", self.project, data["into"])
        type_map = _parsed(dataset.parse_map, "map", data["map"])
        report = importing.import_uploads(
            self.project, data["files"], fmt=data["format"] or None,
            sinks=dataset.sinks(self.project, target, user=request.user, type_map=type_map,
                                create_types=data["create_types"], create_kb=data["create_kb"]),
        )
        body = {
            "imported": report.imported, "duplicates": report.duplicates, "failed": report.failed,
            "files": [{"name": f.name, "imported": f.imported, "duplicates": f.duplicates, "errors": f.errors,
                       "warnings": f.warnings, "annotations": f.annotations} for f in report.files],
        }
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


def _parsed(parse, field: str, *args):
    """`parse(*args)`, its ValueError a 400 naming the field."""
    try:
        return parse(*args)
    except ValueError as error:
        raise services.Invalid(str(error), field) from None
