"""Pre-tagging: the project's page (admins) and the editor's suggestion endpoints."""
from django.urls import path

from annotate.views import pretag

urlpatterns = [
    path("projects/<slug:slug>/pretag/", pretag.pretag_page, name="pretag_page"),
    path("projects/<slug:slug>/pretag/run/", pretag.pretag_start, name="pretag_start"),
    path("projects/<slug:slug>/pretag/retrain/", pretag.pretag_retrain, name="pretag_retrain"),
    path("projects/<slug:slug>/pretag/jobs/<int:job_id>/", pretag.pretag_job, name="pretag_job"),
    path("projects/<slug:slug>/pretag/evaluation/", pretag.pretag_evaluation, name="pretag_evaluation"),
    # POST only; the set must be the user's to write and the suggestion of its document.
    path("sets/<int:set_id>/suggestions/<int:suggestion_id>/accept/", pretag.suggestion_accept, name="suggestion_accept"),
    path("sets/<int:set_id>/suggestions/<int:suggestion_id>/reject/", pretag.suggestion_reject, name="suggestion_reject"),
    path("sets/<int:set_id>/suggestions/accept-all/", pretag.suggestions_accept_all, name="suggestions_accept_all"),
]
