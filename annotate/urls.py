"""The pages and the htmx endpoints they post to (the API's routes: annotate.api.urls).

Every view checks the user against the objects in its URL (annotate.access: 404 for
what the user may not see); POST-only routes are marked so in their views."""
from django.urls import path, register_converter

from annotate.set_refs import SetRefConverter
from annotate.views import (
    accounts,
    agreement,
    archive,
    clusters,
    dataset,
    editor,
    events,
    importing,
    kb,
    members,
    pages,
    pretag,
    projects,
    review,
    schema,
)

register_converter(SetRefConverter, "set")

ADJUDICATE = "projects/<slug:slug>/documents/<int:document_id>/adjudicate/"
AGREEMENT = "projects/<slug:slug>/agreement/"

urlpatterns = [
    path("", pages.home, name="home"),
    # Setting projects up: new project (site staff), settings and members (project admins).
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/new/slug/", projects.slug_suggestion, name="slug_suggestion"),
    path("projects/<slug:slug>/settings/", projects.project_settings, name="project_settings"),
    path("projects/<slug:slug>/settings/preview/", projects.guidelines_preview, name="guidelines_preview"),
    path("projects/<slug:slug>/settings/archive/", projects.project_archive, name="project_archive"),
    path("projects/<slug:slug>/settings/restore/", projects.project_restore, name="project_restore"),
    path("projects/<slug:slug>/settings/delete/", projects.project_delete, name="project_delete"),
    path("projects/<slug:slug>/members/", members.members, name="members"),
    path("projects/<slug:slug>/members/<int:user_id>/role/", members.member_role, name="member_role"),
    path("projects/<slug:slug>/members/<int:user_id>/remove/", members.member_remove, name="member_remove"),
    path("projects/<slug:slug>/members/<int:user_id>/reassign/", members.member_reassign, name="member_reassign"),
    # Accounts: site users (site staff), one's own password, the one-time set-password link.
    path("users/", accounts.users, name="users"),
    path("users/<int:user_id>/active/", accounts.user_active, name="user_active"),
    path("users/<int:user_id>/reset/", accounts.user_reset, name="user_reset"),
    path("account/password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("set-password/<uidb64>/<token>/", accounts.SetPassword.as_view(), name="password_reset_confirm"),
    path("projects/<slug:slug>/", pages.project_detail, name="project_detail"),
    path("projects/<slug:slug>/guidelines/", pages.guidelines, name="guidelines"),
    path("projects/<slug:slug>/documents/<int:document_id>/", editor.editor, name="editor"),
]

# The editor's writes (POST) and its panels (GET): spans, the set, events, arguments,
# relations, undo/redo, the history.
urlpatterns += [
    path("sets/<set:set_id>/spans/", editor.span_create, name="span_create"),
    path("sets/<set:set_id>/submit/", editor.set_submit, name="set_submit"),
    path("sets/<set:set_id>/reopen/", editor.set_reopen, name="set_reopen"),
    path("spans/<int:span_id>/type/", editor.span_change_type, name="span_change_type"),
    path("spans/<int:span_id>/delete/", editor.span_delete, name="span_delete"),
    path("sets/<set:set_id>/events/", events.event_create, name="event_create"),
    path("events/<int:event_id>/type/", events.event_change_type, name="event_change_type"),
    path("events/<int:event_id>/delete/", events.event_delete, name="event_delete"),
    path("events/<int:event_id>/attribute/", events.event_attribute, name="event_attribute"),
    path("events/<int:event_id>/arguments/", events.argument_add, name="argument_add"),
    path("arguments/<int:argument_id>/delete/", events.argument_remove, name="argument_remove"),
    path("sets/<set:set_id>/relations/", events.relation_create, name="relation_create"),
    path("relations/<int:relation_id>/delete/", events.relation_delete, name="relation_delete"),
    path("sets/<set:set_id>/undo/", events.set_undo, name="set_undo"),
    path("sets/<set:set_id>/redo/", events.set_redo, name="set_redo"),
    path("sets/<set:set_id>/history/", events.set_history, name="set_history"),
    path("spans/<int:span_id>/panel/", events.span_panel, name="span_panel"),
]

# Knowledge base and event clusters: pages and the editor's panels.
urlpatterns += [
    path("projects/<slug:slug>/kb/", kb.kb_list, name="kb_list"),
    path("projects/<slug:slug>/kb/<int:entity_id>/", kb.kb_entity, name="kb_entity"),
    path("kb/span/<int:span_id>/panel/", kb.kb_span_panel, name="kb_span_panel"),
    path("projects/<slug:slug>/clusters/", clusters.cluster_list, name="cluster_list"),
    path("projects/<slug:slug>/clusters/<int:cluster_id>/", clusters.cluster_detail, name="cluster_detail"),
    path("clusters/event/<int:event_id>/panel/", clusters.cluster_event_panel, name="cluster_event_panel"),
]

# Import and export; a job's file is found by the project and the job id together.
urlpatterns += [
    path("projects/<slug:slug>/import/", importing.import_documents, name="import_documents"),
    path("projects/<slug:slug>/export/", dataset.export_page, name="dataset_export"),
    path("projects/<slug:slug>/export/jobs/", dataset.export_jobs, name="dataset_export_jobs"),
    path("projects/<slug:slug>/export/jobs/<int:job_id>/download/", dataset.export_download,
         name="dataset_export_download"),
    path("projects/<slug:slug>/settings/backup/", archive.archive_page, name="project_backup"),
    path("projects/<slug:slug>/settings/backup/<int:job_id>/download/", archive.archive_download,
         name="project_backup_download"),
    path("archives/import/", archive.archive_import, name="archive_import"),
]

# Assignment, the annotators' queue, adjudication into gold.
urlpatterns += [
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

# Pre-tagging: the project's page (admins) and the editor's suggestion decisions.
urlpatterns += [
    path("projects/<slug:slug>/pretag/", pretag.pretag_page, name="pretag_page"),
    path("projects/<slug:slug>/pretag/run/", pretag.pretag_start, name="pretag_start"),
    path("projects/<slug:slug>/pretag/retrain/", pretag.pretag_retrain, name="pretag_retrain"),
    path("projects/<slug:slug>/pretag/jobs/<int:job_id>/", pretag.pretag_job, name="pretag_job"),
    path("projects/<slug:slug>/pretag/ner-model/", pretag.pretag_install_ner, name="pretag_install_ner"),
    path("projects/<slug:slug>/pretag/evaluation/", pretag.pretag_evaluation, name="pretag_evaluation"),
    path("sets/<set:set_id>/suggestions/<int:suggestion_id>/accept/", pretag.suggestion_accept,
         name="suggestion_accept"),
    path("sets/<set:set_id>/suggestions/<int:suggestion_id>/reject/", pretag.suggestion_reject,
         name="suggestion_reject"),
    path("sets/<set:set_id>/suggestions/accept-all/", pretag.suggestions_accept_all, name="suggestions_accept_all"),
]

# Agreement, per project and per document, each with a CSV download.
urlpatterns += [
    path(AGREEMENT, agreement.project_agreement, name="agreement"),
    path(AGREEMENT + "agreement.csv", agreement.project_agreement_csv, name="agreement_csv"),
    path(AGREEMENT + "documents/<int:document_id>/", agreement.document_agreement, name="agreement_document"),
    path(AGREEMENT + "documents/<int:document_id>/agreement.csv", agreement.document_agreement_csv,
         name="agreement_document_csv"),
]

# The schema editor (project admins): types, roles, merges, the live preview, the JSON file.
SCHEMA = "projects/<slug:slug>/schema/"
urlpatterns += [
    path(SCHEMA, schema.schema_editor, name="schema_editor"),
    path(SCHEMA + "preview/", schema.schema_preview, name="schema_preview"),
    path(SCHEMA + "schema.json", schema.schema_download, name="schema_download"),
    path(SCHEMA + "merges/undo/", schema.schema_merge_undo, name="schema_merge_undo"),
    path(SCHEMA + "role/<int:pk>/narrow/", schema.schema_narrow, name="schema_narrow"),
    path(SCHEMA + "<str:kind>/", schema.schema_save, name="schema_add"),
    path(SCHEMA + "<str:kind>/<int:pk>/", schema.schema_save, name="schema_save"),
    path(SCHEMA + "<str:kind>/<int:pk>/delete/", schema.schema_delete, name="schema_delete"),
    path(SCHEMA + "<str:kind>/<int:pk>/merge/", schema.schema_merge, name="schema_merge"),
]
