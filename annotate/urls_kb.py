"""Knowledge base and event clusters: pages and the editor's panels (htmx partials).
Every view checks the project membership and the set behind a span or event itself."""
from django.urls import path

from annotate.views import clusters, kb

urlpatterns = [
    path("projects/<slug:slug>/kb/", kb.kb_list, name="kb_list"),
    path("projects/<slug:slug>/kb/<int:entity_id>/", kb.kb_entity, name="kb_entity"),
    path("kb/span/<int:span_id>/panel/", kb.kb_span_panel, name="kb_span_panel"),
    path("projects/<slug:slug>/clusters/", clusters.cluster_list, name="cluster_list"),
    path("projects/<slug:slug>/clusters/<int:cluster_id>/", clusters.cluster_detail, name="cluster_detail"),
    path("clusters/event/<int:event_id>/panel/", clusters.cluster_event_panel, name="cluster_event_panel"),
]
