"""REST routes for the knowledge base and event clusters, mounted at /api/."""
from django.urls import path

from annotate.api import kb

app_name = "api_kb"

urlpatterns = [
    path("projects/<slug:slug>/kb/", kb.KBEntityList.as_view(), name="entities"),
    path("projects/<slug:slug>/kb/<int:pk>/", kb.KBEntityDetail.as_view(), name="entity"),
    path("projects/<slug:slug>/kb/<int:pk>/mentions/", kb.KBEntityMentions.as_view(), name="entity-mentions"),
    path("projects/<slug:slug>/kb/<int:pk>/merge/", kb.KBEntityMerge.as_view(), name="entity-merge"),
    path("spans/<int:pk>/kb/", kb.SpanKBLink.as_view(), name="span-link"),
    path("spans/<int:pk>/kb/create/", kb.SpanKBCreate.as_view(), name="span-create-entity"),
    path("spans/<int:pk>/kb/link-identical/", kb.SpanKBLinkIdentical.as_view(), name="span-link-identical"),
    path("projects/<slug:slug>/clusters/", kb.ClusterList.as_view(), name="clusters"),
    path("projects/<slug:slug>/clusters/<int:pk>/", kb.ClusterDetail.as_view(), name="cluster"),
    path("projects/<slug:slug>/clusters/<int:pk>/merge/", kb.ClusterMerge.as_view(), name="cluster-merge"),
    path("events/<int:pk>/cluster/", kb.EventClusterLink.as_view(), name="event-cluster"),
    path("events/<int:pk>/cluster/create/", kb.EventClusterCreate.as_view(), name="event-cluster-create"),
]
