"""A NUL character in a query parameter is refused with a 400 naming the parameter,
never a server error (PostgreSQL refuses NUL in text)."""
from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("query", ["external_id=%00", "external_id=a%00b", "page=1&x%00=1"])
def test_the_api_refuses_nul_in_a_query_parameter(client, admin_user, project, query):
    client.force_login(admin_user)
    response = client.get(f"/api/projects/{project.slug}/documents/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert "NUL" in body["detail"] and body["field"]


def test_pages_refuse_nul_in_a_query_parameter(client, admin_user, project):
    client.force_login(admin_user)
    response = client.get(reverse("project_detail", args=[project.slug]) + "?page=%00")
    assert response.status_code == 400


def test_an_ordinary_query_still_answers(client, admin_user, document):
    client.force_login(admin_user)
    response = client.get(f"/api/projects/{document.project.slug}/documents/?external_id=doc-1")
    assert response.status_code == 200 and "doc-1" in response.content.decode()
