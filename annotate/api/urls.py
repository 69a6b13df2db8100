"""REST API routes, mounted at /api/ (schema at /api/schema/, docs at /api/docs/)."""
from django.urls import path

from annotate.api import views

app_name = "api"

urlpatterns = [
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("projects/<slug:slug>/", views.ProjectDetail.as_view(), name="project"),
    path("projects/<slug:slug>/documents/", views.DocumentList.as_view(), name="documents"),
    path("projects/<slug:slug>/documents/import/", views.DocumentImport.as_view(), name="documents-import"),
    path("projects/<slug:slug>/documents/<int:pk>/", views.DocumentDetail.as_view(), name="document"),
    path("projects/<slug:slug>/documents/<int:pk>/sets/", views.DocumentSets.as_view(), name="document-sets"),
    path("sets/<int:pk>/", views.SetDetail.as_view(), name="set"),
    path("sets/<int:pk>/spans/", views.SetSpans.as_view(), name="set-spans"),
    path("sets/<int:pk>/submit/", views.SetSubmit.as_view(), name="set-submit"),
    path("sets/<int:pk>/reopen/", views.SetReopen.as_view(), name="set-reopen"),
    path("spans/<int:pk>/", views.SpanDetail.as_view(), name="span"),
]

urlpatterns += [
    path("sets/<int:pk>/events/", views.SetEvents.as_view(), name="set-events"),
    path("sets/<int:pk>/relations/", views.SetRelations.as_view(), name="set-relations"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event"),
    path("events/<int:pk>/attributes/", views.EventAttributes.as_view(), name="event-attributes"),
    path("events/<int:pk>/arguments/", views.EventArguments.as_view(), name="event-arguments"),
    path("arguments/<int:pk>/", views.ArgumentDetail.as_view(), name="argument"),
    path("relations/<int:pk>/", views.RelationDetail.as_view(), name="relation"),
]
