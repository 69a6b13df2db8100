"""An archived project refuses every write (editor, API, imports, jobs); deleting a
project removes everything in it in one transaction."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotate import services
from annotate.models import AnnotationSet, KBEntity, Span
from annotate.services.projects import delete_project
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Document, EntityType, Project
from corpus.projects import ProjectArchived, ProjectError, archive_project, restore_project


def _span(document, user):
    own = services.own_set(document, user)
    start = document.text.index("القاهرة")
    return own, services.create_span(own, user, entity_type="GPE", start=start, end=start + 7, version=own.version)


def test_annotation_writes_are_refused_while_archived_and_work_once_restored(project, document, annotator):
    own, span = _span(document, annotator)
    archive_project(project)
    own = AnnotationSet.objects.select_related("document__project").get(pk=own.pk)
    with pytest.raises(services.Invalid, match="archived"):
        services.delete_span(span, annotator, version=own.version)
    restore_project(project)
    own = AnnotationSet.objects.select_related("document__project").get(pk=own.pk)
    services.delete_span(Span.objects.get(pk=span.pk), annotator, version=own.version)
    assert not Span.objects.filter(pk=span.pk).exists()


def test_the_api_refuses_a_write_to_an_archived_project_with_the_reason(project, document, annotator):
    own, _span_ = _span(document, annotator)
    archive_project(project)
    client = APIClient()
    client.force_authenticate(annotator)
    start = document.text.index("سمير")
    response = client.post(f"/api/sets/{own.pk}/spans/",
                           {"entity_type": "PER", "start": start, "end": start + 4, "version": own.version},
                           format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json()["field"] == "project"
    assert "archived" in response.json()["detail"]
    assert client.get(f"/api/sets/{own.pk}/").status_code == 200  # reading still works


def test_the_editor_refuses_a_write_to_an_archived_project_with_the_reason(client, project, document, annotator):
    own, _span_ = _span(document, annotator)
    archive_project(project)
    client.force_login(annotator)
    client.post("/i18n/setlang/", {"language": "en"})
    start = document.text.index("سمير")
    response = client.post(f"/sets/{own.pk}/spans/", {"type": "PER", "start": start, "end": start + 4,
                                                       "version": own.version}, HTTP_HX_REQUEST="true")
    assert response.status_code in (400, 409, 422) and "archived" in response.content.decode()


def test_imports_into_an_archived_project_are_refused(project):
    archive_project(project)
    with pytest.raises(ProjectArchived):
        add_documents(project, [DocumentRecord(external_id="x", text="خبر من حلب.")])
    assert not Document.objects.filter(project=project).exists()


def test_archived_projects_are_hidden_from_lists(client, project, annotator):
    archive_project(project)
    client.force_login(annotator)
    assert project.name not in client.get("/").content.decode()
    api = APIClient()
    api.force_authenticate(annotator)
    assert api.get("/api/projects/").json()["results"] == []
    assert [p["slug"] for p in api.get("/api/projects/?archived=true").json()["results"]] == ["test-news"]
    assert client.get(f"/projects/{project.slug}/").status_code == 200  # still readable


def test_deleting_needs_the_slug_and_removes_everything(project, document, annotator, admin_user):
    _span(document, annotator)
    gpe = EntityType.objects.get(project=project, key="GPE")
    KBEntity.objects.create(project=project, entity_type=gpe, name="القاهرة")
    with pytest.raises(ProjectError) as refused:
        delete_project(project, confirm_slug="wrong")
    assert refused.value.field == "confirm_slug" and Project.objects.filter(pk=project.pk).exists()
    delete_project(project, confirm_slug="test-news", user=admin_user)
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Document.objects.exists() and not Span.objects.exists() and not KBEntity.objects.exists()
    assert not EntityType.objects.filter(project_id=project.pk).exists()


def test_pre_tagging_stores_nothing_in_an_archived_project(document):
    from annotate import pretagging
    from annotate.models import Suggestion

    archive_project(document.project)
    with pytest.raises(services.Invalid):
        pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer"])
    assert not Suggestion.objects.filter(document=document).exists()


def test_the_editor_and_the_api_say_the_project_is_archived(client, project, document, annotator):
    archive_project(project)
    client.force_login(annotator)
    page = client.get(f"/projects/{project.slug}/documents/{document.pk}/").content.decode()
    assert 'class="archived-note"' in page
    api = APIClient()
    api.force_authenticate(annotator)
    assert api.get(f"/api/projects/{project.slug}/").json()["archived"] is True
