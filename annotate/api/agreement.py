"""Agreement in the API: the same report the pages show (reviewers and admins only;
anyone else gets 404). GET only reads: the cached report (a small project's is computed
on the spot, not stored), the progress of a running job, or "not_computed" for a large
project nobody asked about yet. POST asks for it: a small project's report at once, a
large one's job (202 with its progress, to be asked again with GET)."""
from __future__ import annotations

from django.utils.translation import gettext as _
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


PROGRESS = OpenApiResponse(OpenApiTypes.OBJECT, description="Being computed: {status, job, done, total}; "
                           "GET again for the report.")
DONE = OpenApiResponse(OpenApiTypes.OBJECT, description="{status: \"done\", report}: the report is described "
                       "under GET /api/projects/{slug}/agreement/documents/{pk}/.")


class ProjectAgreement(APIView):
    @extend_schema(responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description=(
            "{status: \"done\", report} once computed for the current submitted sets; {status: \"not_computed\", "
            "detail} when a large project's figures were not asked for yet (POST to this URL computes them).")),
        202: PROGRESS,
    })
    def get(self, request, slug: str):
        """Agreement between the project's annotators, as last computed (cached until their
        submitted sets change). Reads only: computing is a POST."""
        project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
        result = agreement_jobs.project_report(project, request.user, start=False)
        if result.report is None and result.job is None:
            return Response({"status": "not_computed", "detail": _(
                "Agreement has not been computed for the current submitted sets: POST to this URL to compute it.")})
        return _answer(result)

    @extend_schema(request=None, responses={
        200: DONE,
        202: PROGRESS,
        500: OpenApiResponse(OpenApiTypes.OBJECT, description="The computation failed: {status, detail}."),
    })
    def post(self, request, slug: str):
        """Compute the agreement for the current submitted sets: a small project's at once
        (200 with the report), a large one's by a background job (202; GET for the result).
        Nothing new is started while the cached report is current or a job computes it."""
        project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
        return _answer(agreement_jobs.project_report(project, request.user))


def _answer(result: agreement_jobs.ProjectReport) -> Response:
    if result.report is not None:
        return Response({"status": "done", "report": result.report})
    job = result.job
    if job.status == Job.Status.FAILED:
        return Response({"status": job.status, "detail": " ".join(job.shown_messages)},
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
