from django.urls import path

from annotate.views import dataset, importing

urlpatterns = [
    path("projects/<slug:slug>/import/", importing.import_documents, name="import_documents"),
    path("projects/<slug:slug>/export/", dataset.export_page, name="dataset_export"),
    path("projects/<slug:slug>/export/jobs/", dataset.export_jobs, name="dataset_export_jobs"),
    # A job's file is found by the project in the URL and the job id together (admins only).
    path("projects/<slug:slug>/export/jobs/<int:job_id>/download/", dataset.export_download,
         name="dataset_export_download"),
]
