"""Dataset API, mounted at /api/ (no namespace: names start with api-dataset-)."""
from django.urls import path

from annotate.api import dataset

urlpatterns = [
    path("projects/<slug:slug>/export/", dataset.Export.as_view(), name="api-dataset-export"),
    path("projects/<slug:slug>/export/jobs/", dataset.ExportJobs.as_view(), name="api-dataset-export-jobs"),
    path("projects/<slug:slug>/export/jobs/<int:job_id>/", dataset.ExportJob.as_view(), name="api-dataset-export-job"),
    path("projects/<slug:slug>/export/jobs/<int:job_id>/download/", dataset.ExportDownload.as_view(),
         name="api-dataset-export-download"),
    path("projects/<slug:slug>/documents/import-annotated/", dataset.AnnotatedImport.as_view(),
         name="api-dataset-import"),
]
