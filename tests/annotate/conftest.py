"""Fixtures shared by the annotate tests.

`own` is the annotator's set on `document`; a module that annotates another text
overrides `document` (e.g. with `meeting_doc`), and `own` follows it."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from annotate import services
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role
from tests.annotate.texts import KB_STORY, MEETING, MEETING_REPORTS


@pytest.fixture
def own(document, annotator):
    return services.own_set(document, annotator)


@pytest.fixture
def ann_client(client, annotator):
    """Django's test client, logged in as the annotator."""
    client.force_login(annotator)
    return client


@pytest.fixture
def api_client(annotator) -> APIClient:
    """The REST API as the annotator, answering in English (the tests read its messages)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(annotator)
    return client


@pytest.fixture
def three(project):
    """Three annotators of the project: ann1, ann2, ann3."""
    users = []
    for name in ("ann1", "ann2", "ann3"):
        user = get_user_model().objects.create_user(username=name, password="pass-" + name)
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        users.append(user)
    return users


@pytest.fixture
def meeting_doc(project):
    add_documents(project, [DocumentRecord(external_id="meet-1", title="لقاء", text=MEETING)])
    return project.documents.get(external_id="meet-1")


@pytest.fixture
def kb_doc(project):
    add_documents(project, [DocumentRecord(external_id="kb-1", title="زيارة", text=KB_STORY)])
    return project.documents.get(external_id="kb-1")


@pytest.fixture
def long_document(project):
    """20,000 characters: where the editor's query counts and partial answers matter."""
    text = ("التقى سمير داود في القاهرة يوم ١٢ آذار 2021 مع وفد من دمشق وبحلب. " * 320)[:20_000]
    add_documents(project, [DocumentRecord(external_id="long", title="طويل", text=text)])
    return project.documents.get(external_id="long")


@pytest.fixture
def reports(project) -> dict:
    """texts.MEETING_REPORTS as documents, by external id (also their titles)."""
    add_documents(project, [DocumentRecord(external_id=k, title=k, text=v) for k, v in MEETING_REPORTS.items()])
    return {d.external_id: d for d in project.documents.filter(external_id__in=MEETING_REPORTS)}
