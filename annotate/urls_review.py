"""Assignment, the annotators' queue, and adjudication into gold (pages)."""
from django.urls import path

from annotate.views import review

ADJUDICATE = "projects/<slug:slug>/documents/<int:document_id>/adjudicate/"

urlpatterns = [
    path("projects/<slug:slug>/workflow/", review.workflow, name="workflow"),
    path("projects/<slug:slug>/queue/next/", review.pull_next, name="pull_next"),
    path("projects/<slug:slug>/review/", review.review_list, name="review_list"),
    path(ADJUDICATE, review.adjudicate, name="adjudicate"),
    path(ADJUDICATE + "start/", review.adjudicate_start, name="adjudicate_start"),
    path(ADJUDICATE + "decide/", review.adjudicate_decide, name="adjudicate_decide"),
    path(ADJUDICATE + "spans/<int:span_id>/remove/", review.adjudicate_remove_span, name="adjudicate_remove_span"),
    path(ADJUDICATE + "confirm/", review.adjudicate_confirm, name="adjudicate_confirm"),
    path(ADJUDICATE + "reopen/", review.adjudicate_reopen, name="adjudicate_reopen"),
]
