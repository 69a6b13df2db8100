"""Agreement API routes, mounted at /api/."""
from django.urls import path

from annotate.api import agreement

urlpatterns = [
    path("projects/<slug:slug>/agreement/", agreement.ProjectAgreement.as_view(), name="api-agreement"),
    path(
        "projects/<slug:slug>/agreement/documents/<int:pk>/",
        agreement.DocumentAgreement.as_view(), name="api-agreement-document",
    ),
]
