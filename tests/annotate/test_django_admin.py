"""Django admin, the escape hatch for site staff: every model is there; annotations,
documents and the schema are read-only (a direct edit would skip the service layer);
projects and memberships can be fixed (say, a project made without an admin)."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, Argument, Event, Relation, Span
from corpus.models import Document, EntityType, Membership, Project


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password="pass-root")


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", [AnnotationSet, Span, Event, Argument, Relation, Document, EntityType])
def test_annotations_documents_and_schema_are_read_only(client, superuser, model):
    model_admin = admin.site._registry[model]
    request = type("Request", (), {"user": superuser})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(superuser)
    assert client.get(_url(model, "changelist")).status_code == 200


def test_a_span_cannot_be_changed_through_the_admin(client, superuser, document, annotator):
    own = services.own_set(document, annotator)
    start = document.text.index("القاهرة")
    span = services.create_span(own, annotator, entity_type="GPE", start=start, end=start + 7, version=0)
    client.force_login(superuser)
    response = client.post(_url(Span, "change", span.pk), {"start": 0, "end": 2})
    assert response.status_code in (302, 403) and Span.objects.get(pk=span.pk).start == start


def test_a_membership_can_be_added_to_a_project_that_has_none(client, superuser, project, annotator):
    client.force_login(superuser)
    response = client.post(_url(Membership, "add"), {"project": project.pk, "user": superuser.pk, "role": "admin"})
    assert response.status_code == 302
    assert Membership.objects.filter(project=project, user=superuser, role="admin").exists()
    assert client.get(_url(Project, "change", project.pk)).status_code == 200
