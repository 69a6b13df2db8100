"""Token authentication: `manage.py api_token USERNAME` prints a token that the API accepts."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient


def _token(username: str) -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def test_token_authenticates_requests(project, annotator):
    token = _token(annotator.username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/projects/")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == [project.slug]


def test_the_same_token_is_printed_again(annotator):
    assert _token(annotator.username) == _token(annotator.username) != ""


def test_a_wrong_token_is_refused(project, annotator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/projects/").status_code in (401, 403)


def test_unknown_user_is_named(db):
    with pytest.raises(CommandError, match="nobody"):
        _token("nobody")


def test_changes_made_with_a_token_are_recorded_with_its_user(document, annotator):
    from annotate import services
    from annotate.models import SpanHistory

    own = services.own_set(document, annotator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token(annotator.username)}")
    city = document.text.index("القاهرة")
    response = client.post(
        f"/api/sets/{own.pk}/spans/", {"entity_type": "GPE", "start": city, "end": city + 7, "version": 0},
        format="json",
    )
    assert response.status_code == 201
    history = SpanHistory.objects.get(pgh_obj_id=response.json()["id"])
    assert history.pgh_context.metadata["user"] == annotator.pk
