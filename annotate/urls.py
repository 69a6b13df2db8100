from django.urls import path

from annotate.views import editor, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("projects/<slug:slug>/", pages.project_detail, name="project_detail"),
    path("projects/<slug:slug>/guidelines/", pages.guidelines, name="guidelines"),
    path("projects/<slug:slug>/documents/<int:document_id>/", editor.editor, name="editor"),
    # Span endpoints (POST only): the set or span id is checked against the user in the view.
    path("sets/<int:set_id>/spans/", editor.span_create, name="span_create"),
    path("sets/<int:set_id>/submit/", editor.set_submit, name="set_submit"),
    path("sets/<int:set_id>/reopen/", editor.set_reopen, name="set_reopen"),
    path("spans/<int:span_id>/type/", editor.span_change_type, name="span_change_type"),
    path("spans/<int:span_id>/delete/", editor.span_delete, name="span_delete"),
]
