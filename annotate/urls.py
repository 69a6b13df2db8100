from django.urls import path

from annotate.views import editor, events, pages

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
    # Events, arguments, relations (POST), the selected mark's panel and the history (GET).
    path("sets/<int:set_id>/events/", events.event_create, name="event_create"),
    path("events/<int:event_id>/type/", events.event_change_type, name="event_change_type"),
    path("events/<int:event_id>/delete/", events.event_delete, name="event_delete"),
    path("events/<int:event_id>/attribute/", events.event_attribute, name="event_attribute"),
    path("events/<int:event_id>/arguments/", events.argument_add, name="argument_add"),
    path("arguments/<int:argument_id>/delete/", events.argument_remove, name="argument_remove"),
    path("sets/<int:set_id>/relations/", events.relation_create, name="relation_create"),
    path("relations/<int:relation_id>/delete/", events.relation_delete, name="relation_delete"),
    path("sets/<int:set_id>/undo/", events.set_undo, name="set_undo"),
    path("sets/<int:set_id>/redo/", events.set_redo, name="set_redo"),
    path("sets/<int:set_id>/history/", events.set_history, name="set_history"),
    path("spans/<int:span_id>/panel/", events.span_panel, name="span_panel"),
]
