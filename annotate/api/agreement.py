"""Agreement in the API: the same report the pages show (reviewers and admins only;
anyone else gets 404). A large project's report may still be computing: then 202 with
the job's progress, to be asked again."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.access import REVIEW_ROLES, get_openable_document_for, get_project_for
from annotate.agreement import jobs as agreement_jobs
from annotate.models import Job

REPORT = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    "The agreement report: documents, annotators, spans (exact/overlap: pairs, by_type, overall), "
    "tokens (pairs with Cohen's kappa, fleiss_kappa, krippendorff_alpha), unitizing (by_type, overall), "
    "events (by_type, overall, attributes), confusion (types, matrix), per_document."
))


class ProjectAgreement(APIView):
    @extend_schema(responses={
        200: REPORT,
        202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being computed: {status, job, done, total}."),
        500: OpenApiResponse(OpenApiTypes.OBJECT, description="The computation failed: {status, detail}."),
    })
    def get(self, request, slug: str):
        """Agreement between the project's annotators (cached until their submitted sets change)."""
        project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
        result = agreement_jobs.project_report(project, request.user)
        if result.report is not None:
            return Response({"status": "done", "report": result.report})
        job = result.job
        if job.status == Job.Status.FAILED:
            return Response({"status": job.status, "detail": " ".join(job.messages)},
                            status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response({"status": job.status, "job": job.pk, "done": job.done, "total": job.total},
                        status=status.HTTP_202_ACCEPTED)


class DocumentAgreement(APIView):
    @extend_schema(responses={200: REPORT})
    def get(self, request, slug: str, pk: int):
        """Agreement between the annotators of one document."""
        project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
        document = get_openable_document_for(request.user, project, pk)
        return Response({"status": "done", "report": agreement_jobs.compute(project, document.pk)})
