"""Pre-tagging API: suggestions of a set, decisions, pre-tag and retrain jobs."""
from django.urls import path

from annotate.api import pretag

urlpatterns = [
    path("sets/<int:pk>/suggestions/", pretag.SetSuggestions.as_view(), name="api-set-suggestions"),
    path("sets/<int:pk>/suggestions/accept-all/", pretag.SuggestionsAcceptAll.as_view(),
         name="api-suggestions-accept-all"),
    path("sets/<int:pk>/suggestions/<int:suggestion_id>/accept/", pretag.SuggestionAccept.as_view(),
         name="api-suggestion-accept"),
    path("sets/<int:pk>/suggestions/<int:suggestion_id>/reject/", pretag.SuggestionReject.as_view(),
         name="api-suggestion-reject"),
    path("projects/<slug:slug>/pretag/", pretag.PretagStart.as_view(), name="api-pretag"),
    path("projects/<slug:slug>/pretag/retrain/", pretag.RetrainStart.as_view(), name="api-pretag-retrain"),
    path("projects/<slug:slug>/pretag/jobs/<int:job_id>/", pretag.PretagJob.as_view(), name="api-pretag-job"),
]
