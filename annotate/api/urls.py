"""REST API routes, mounted at /api/ under the `api` namespace (reverse("api:set", …));
the schema is at /api/schema/, the docs at /api/docs/."""
from django.urls import path

from annotate.api import agreement, archive, dataset, kb, pretag, projects, review, schema, views

app_name = "api"

ADJUDICATION = "projects/<slug:slug>/documents/<int:pk>/adjudication/"

urlpatterns = [
    path("projects/", projects.ProjectList.as_view(), name="projects"),
    path("projects/<slug:slug>/", projects.ProjectDetail.as_view(), name="project"),
    path("projects/<slug:slug>/members/", projects.MemberList.as_view(), name="members"),
    path("projects/<slug:slug>/members/<str:username>/", projects.MemberDetail.as_view(), name="member"),
    path("projects/<slug:slug>/members/<str:username>/reassign/", projects.MemberReassign.as_view(),
         name="member-reassign"),
    path("projects/<slug:slug>/schema/", schema.ProjectSchemaView.as_view(), name="project-schema"),
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

# Events, arguments, relations.
urlpatterns += [
    path("sets/<int:pk>/events/", views.SetEvents.as_view(), name="set-events"),
    path("sets/<int:pk>/relations/", views.SetRelations.as_view(), name="set-relations"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event"),
    path("events/<int:pk>/attributes/", views.EventAttributes.as_view(), name="event-attributes"),
    path("events/<int:pk>/arguments/", views.EventArguments.as_view(), name="event-arguments"),
    path("arguments/<int:pk>/", views.ArgumentDetail.as_view(), name="argument"),
    path("relations/<int:pk>/", views.RelationDetail.as_view(), name="relation"),
]

# The knowledge base and event clusters.
urlpatterns += [
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

# Export and annotated import.
urlpatterns += [
    path("projects/<slug:slug>/export/", dataset.Export.as_view(), name="dataset-export"),
    path("projects/<slug:slug>/export/jobs/", dataset.ExportJobs.as_view(), name="dataset-export-jobs"),
    path("projects/<slug:slug>/export/jobs/<int:job_id>/", dataset.ExportJob.as_view(), name="dataset-export-job"),
    path("projects/<slug:slug>/export/jobs/<int:job_id>/download/", dataset.ExportDownload.as_view(),
         name="dataset-export-download"),
    path("projects/<slug:slug>/archive/jobs/", archive.ArchiveJobs.as_view(), name="project-archive-jobs"),
    path("projects/<slug:slug>/archive/jobs/<int:job_id>/", archive.ArchiveJob.as_view(), name="project-archive-job"),
    path("projects/<slug:slug>/archive/jobs/<int:job_id>/download/", archive.ArchiveDownload.as_view(),
         name="project-archive-download"),
    path("archives/import/", archive.ArchiveImports.as_view(), name="archive-imports"),
    path("archives/import/<int:job_id>/", archive.ArchiveImport.as_view(), name="archive-import"),
    path("projects/<slug:slug>/documents/import-annotated/", dataset.AnnotatedImport.as_view(),
         name="dataset-import"),
]

# Assignment, the queue, adjudication.
urlpatterns += [
    path("projects/<slug:slug>/workflow/", review.Workflow.as_view(), name="workflow"),
    path("projects/<slug:slug>/assignments/", review.Assignments.as_view(), name="assignments"),
    path("projects/<slug:slug>/queue/", review.MyQueue.as_view(), name="queue"),
    path("projects/<slug:slug>/queue/next/", review.PullNext.as_view(), name="queue-next"),
    path(ADJUDICATION, review.AdjudicationView.as_view(), name="adjudication"),
    path(ADJUDICATION + "decisions/", review.AdjudicationDecide.as_view(), name="adjudication-decide"),
    path(ADJUDICATION + "confirm/", review.AdjudicationConfirm.as_view(), name="adjudication-confirm"),
    path(ADJUDICATION + "reopen/", review.AdjudicationReopen.as_view(), name="adjudication-reopen"),
]

# Pre-tagging: a set's suggestions and decisions, pre-tag and retrain jobs.
urlpatterns += [
    path("sets/<int:pk>/suggestions/", pretag.SetSuggestions.as_view(), name="set-suggestions"),
    path("sets/<int:pk>/suggestions/accept-all/", pretag.SuggestionsAcceptAll.as_view(),
         name="suggestions-accept-all"),
    path("sets/<int:pk>/suggestions/<int:suggestion_id>/accept/", pretag.SuggestionAccept.as_view(),
         name="suggestion-accept"),
    path("sets/<int:pk>/suggestions/<int:suggestion_id>/reject/", pretag.SuggestionReject.as_view(),
         name="suggestion-reject"),
    path("projects/<slug:slug>/pretag/", pretag.PretagStart.as_view(), name="pretag"),
    path("projects/<slug:slug>/pretag/retrain/", pretag.RetrainStart.as_view(), name="pretag-retrain"),
    path("projects/<slug:slug>/pretag/jobs/<int:job_id>/", pretag.PretagJob.as_view(), name="pretag-job"),
    path("projects/<slug:slug>/pretag/ner-model/", pretag.NERModelInstall.as_view(), name="pretag-ner-model"),
    path("projects/<slug:slug>/pretag/evaluation/", pretag.PretagEvaluation.as_view(), name="pretag-evaluation"),
]

# Agreement.
urlpatterns += [
    path("projects/<slug:slug>/agreement/", agreement.ProjectAgreement.as_view(), name="agreement"),
    path("projects/<slug:slug>/agreement/documents/<int:pk>/", agreement.DocumentAgreement.as_view(),
         name="agreement-document"),
]
