"""REST routes for assignment, the queue and adjudication (mounted under /api/)."""
from django.urls import path

from annotate.api import review

ADJUDICATION = "projects/<slug:slug>/documents/<int:pk>/adjudication/"

urlpatterns = [
    path("projects/<slug:slug>/workflow/", review.Workflow.as_view(), name="api-workflow"),
    path("projects/<slug:slug>/assignments/", review.Assignments.as_view(), name="api-assignments"),
    path("projects/<slug:slug>/queue/", review.MyQueue.as_view(), name="api-queue"),
    path("projects/<slug:slug>/queue/next/", review.PullNext.as_view(), name="api-queue-next"),
    path(ADJUDICATION, review.AdjudicationView.as_view(), name="api-adjudication"),
    path(ADJUDICATION + "decisions/", review.AdjudicationDecide.as_view(), name="api-adjudication-decide"),
    path(ADJUDICATION + "confirm/", review.AdjudicationConfirm.as_view(), name="api-adjudication-confirm"),
    path(ADJUDICATION + "reopen/", review.AdjudicationReopen.as_view(), name="api-adjudication-reopen"),
]
