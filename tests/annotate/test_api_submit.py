"""Submitting through the API asks about undecided suggestions as the editor does: without
`undecided=keep|reject` a set with suggestions still undecided is not submitted, and the
answer counts them."""
from __future__ import annotations

from annotate.models import AnnotationSet, Suggestion, SuggestionDecision


def suggest(document, kind, text):
    start = document.text.index(text)
    return Suggestion.objects.create(document=document, tagger="gazetteer", score=0.8, start=start,
                                     end=start + len(text), entity_type=document.project.entity_types.get(key=kind))


def submit(api_client, own, **extra):
    version = AnnotationSet.objects.get(pk=own.pk).version
    return api_client.post(f"/api/sets/{own.pk}/submit/", {"version": version, **extra}, format="json")


def test_undecided_suggestions_refuse_the_submit_with_their_count(api_client, document, own):
    suggest(document, "GPE", "القاهرة")
    suggest(document, "PER", "سمير داود")
    response = submit(api_client, own)
    assert response.status_code == 422
    assert response.json() == {"detail": "2 suggestions are still undecided.", "field": "undecided", "undecided": 2}
    own.refresh_from_db()
    assert own.status != "submitted" and own.version == 0 and not SuggestionDecision.objects.exists()


def test_keep_submits_and_leaves_them_undecided(api_client, document, own):
    suggest(document, "GPE", "القاهرة")
    response = submit(api_client, own, undecided="keep")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert not SuggestionDecision.objects.exists()


def test_reject_submits_and_rejects_them_in_the_same_change(api_client, document, own):
    cairo = suggest(document, "GPE", "القاهرة")
    response = submit(api_client, own, undecided="reject")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "submitted" and own.version == 1
    assert dict(SuggestionDecision.objects.values_list("suggestion_id", "decision")) == {cairo.pk: "rejected"}


def test_without_suggestions_nothing_needs_saying(api_client, document, own):
    assert submit(api_client, own).status_code == 200


def test_an_unknown_answer_names_the_field(api_client, document, own):
    suggest(document, "GPE", "القاهرة")
    response = submit(api_client, own, undecided="maybe")
    assert response.status_code == 400 and response.json()["field"] == "undecided"


def test_suggestions_meant_for_someone_else_are_not_counted(api_client, document, own, django_user_model):
    theirs = suggest(document, "GPE", "القاهرة")
    theirs.user = django_user_model.objects.create_user("someone-else")
    theirs.save()
    assert submit(api_client, own).status_code == 200


def test_the_api_schema_documents_the_answer(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/sets/{id}/submit/"]["post"]
    assert "422" in operation["responses"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert "undecided" in body and "`reject`" in body["undecided"]["description"]
