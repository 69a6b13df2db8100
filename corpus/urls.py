from django.urls import path

from corpus import views

urlpatterns = [
    path("projects/<slug:slug>/import/", views.import_documents, name="import_documents"),
]
