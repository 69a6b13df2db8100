"""Agreement pages: per project and per document, each with a CSV download."""
from django.urls import path

from annotate.views import agreement

urlpatterns = [
    path("projects/<slug:slug>/agreement/", agreement.project_agreement, name="agreement"),
    path("projects/<slug:slug>/agreement/agreement.csv", agreement.project_agreement_csv, name="agreement_csv"),
    path(
        "projects/<slug:slug>/agreement/documents/<int:document_id>/",
        agreement.document_agreement, name="agreement_document",
    ),
    path(
        "projects/<slug:slug>/agreement/documents/<int:document_id>/agreement.csv",
        agreement.document_agreement_csv, name="agreement_document_csv",
    ),
]
