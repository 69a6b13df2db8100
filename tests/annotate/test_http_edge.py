"""One way to refuse at the HTTP edge: the pages' statuses and the `tawsim:refused` event
(annotate.views.http), and the API's two shapes (annotate.api.errors)."""
from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.urls import reverse
from rest_framework.test import APIClient

from annotate import services
from annotate.models import Span
from annotate.views.http import BadInput, vary_on_htmx, whole_number
from tests.annotate.test_pretag_views import suggest

HTMX = {"HTTP_HX_REQUEST": "true"}


def refusal(response) -> dict:
    return json.loads(response["HX-Trigger"])["tawsim:refused"]


@pytest.mark.parametrize("raw, value", [("12", 12), (" 7 ", 7), ("-3", -3), ("0", 0)])
def test_whole_numbers_are_ascii_digits(raw, value):
    assert whole_number(raw, "start") == value


@pytest.mark.parametrize("raw", ["", "١٢", "1_000", "1.5", "+", "7a", "٣"])
def test_anything_else_is_bad_input_naming_the_field(raw):
    with pytest.raises(BadInput) as refused:
        whole_number(raw, "start")
    assert refused.value.field == "start" and "start" in refused.value.message


def test_an_optional_whole_number_may_be_empty():
    assert whole_number("  ", "variant", required=False) is None


def test_vary_is_added_to_never_replaced():
    response = HttpResponse()
    response["Vary"] = "Cookie"
    assert vary_on_htmx(response)["Vary"] == "Cookie, HX-Request"


def test_a_malformed_editor_write_is_400_with_the_field(ann_client, own, document):
    response = ann_client.post(
        reverse("span_create", args=[own.pk]), {"type": "PER", "start": "٣", "end": "5", "version": 0}, **HTMX
    )
    assert response.status_code == 400 and response["HX-Retarget"] == "#editor-messages"
    assert refusal(response) == {"message": refusal(response)["message"], "status": 400, "field": "start"}
    assert "start" in refusal(response)["message"] and not Span.objects.exists()


def test_a_rule_refusal_is_422_without_a_version(ann_client, own, document):
    response = ann_client.post(
        reverse("span_create", args=[own.pk]), {"type": "NOPE", "start": 0, "end": 4, "version": 0}, **HTMX
    )
    assert response.status_code == 422 and response["HX-Reswap"] == "outerHTML"
    assert refusal(response)["status"] == 422 and "version" not in refusal(response)
    assert "HX-Request" in response["Vary"] and not Span.objects.exists()


def test_a_stale_decision_swaps_nothing_and_says_the_current_version(ann_client, own, document, annotator):
    suggestion = suggest(document, "GPE", "القاهرة")
    services.create_span(own, annotator, entity_type="PER", start=0, end=4, version=0)
    url = reverse("suggestion_reject", args=[own.pk, suggestion.pk])
    response = ann_client.post(url, {"version": 0}, **HTMX)
    assert response.status_code == 409 and response["HX-Reswap"] == "none" and response.content == b""
    assert refusal(response)["status"] == 409 and refusal(response)["version"] == 1


def test_a_malformed_decision_is_400_naming_the_version(ann_client, own):
    url = reverse("suggestions_accept_all", args=[own.pk])
    response = ann_client.post(url, {"type": "PER", "version": "x"}, **HTMX)
    assert response.status_code == 400 and refusal(response)["field"] == "version"


def test_a_plain_post_refusal_redirects_with_the_message(ann_client, own, document):
    url = reverse("span_create", args=[own.pk])
    response = ann_client.post(url, {"type": "PER", "start": "x", "end": 4, "version": 0})
    assert response.status_code == 302 and response.url == reverse("editor", args=[document.project.slug, document.pk])
    assert "HX-Trigger" not in response


@pytest.fixture
def api(annotator):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(annotator)
    return client


def test_api_serializer_errors_have_the_documented_shape(api, own):
    response = api.post(reverse("api:set-spans", args=[own.pk]), {"entity_type": "PER", "start": 0, "end": 4},
                        format="json")
    assert response.status_code == 400 and response.json() == {"detail": response.json()["detail"], "field": "version"}


def test_api_refusal_names_nested_fields_and_non_field_errors_as_null(api, own):
    response = api.post(reverse("api:set-spans", args=[own.pk]), ["not", "an", "object"], format="json")
    assert response.status_code == 400 and set(response.json()) == {"detail", "field"}


def test_api_stale_version_is_409_with_the_current_version(api, own, annotator):
    services.create_span(own, annotator, entity_type="PER", start=0, end=4, version=0)
    response = api.post(reverse("api:set-spans", args=[own.pk]), {"entity_type": "PER", "start": 5, "end": 9,
                                                                  "version": 0}, format="json")
    assert response.status_code == 409 and response.json() == {"detail": response.json()["detail"], "version": 1}


def test_a_refused_panel_write_swaps_nothing_and_names_the_field(ann_client, own, annotator):
    span = services.create_span(own, annotator, entity_type="PER", start=0, end=4, version=0)
    response = ann_client.post(reverse("kb_span_panel", args=[span.pk]), {"action": "nope", "version": 1}, **HTMX)
    assert response.status_code == 400 and response["HX-Reswap"] == "none"
    assert refusal(response)["field"] == "action" and "HX-Request" in response["Vary"]
