"""The pre-tagging page and the suggestion endpoints (htmx, plain posts, API)."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from annotate import pretagging, services
from annotate.models import Job, Span, Suggestion, SuggestionDecision

HTMX = {"HTTP_HX_REQUEST": "true"}


def suggest(document, kind, text, tagger="gazetteer"):
    start = document.text.index(text)
    return Suggestion.objects.create(document=document, tagger=tagger, start=start, end=start + len(text),
                                     entity_type=document.project.entity_types.get(key=kind))


# ---- the project page -------------------------------------------------------------------

def test_admin_page_shows_taggers_and_how_to_install_the_ner_model(client, admin_user, project, tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "empty"))
    client.force_login(admin_user)
    response = client.get(reverse("pretag_page", args=[project.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "camel_data -i ner-arabert" in html and 'id="tagger-crf"' in html
    assert reverse("pretag_evaluation", args=[project.slug]) in html


def test_a_ner_without_its_model_is_shown_not_installed_unticked_and_disabled(client, admin_user, project,
                                                                              tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "empty"))
    assert "camel_ner" in pretagging.PretagSettings.of(project).taggers  # enabled by default
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("pretag_page", args=[project.slug])).content.decode()
    box = re.search(r'<input type="checkbox" name="taggers" value="camel_ner"[^>]*>', html).group(0)
    assert "disabled" in box and "checked" not in box
    assert "checked" in re.search(r'<input type="checkbox" name="taggers" value="dates"[^>]*>', html).group(0)
    row = html[html.index('id="tagger-camel_ner"'):]
    row = row[:row.index("</tr>")]
    assert "not installed: no NER model on this server" in row and "<td>no</td>" in row


@pytest.mark.parametrize("who", ["annotator", "reviewer", "outsider"])
def test_only_admins_see_the_page(client, project, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("pretag_page", args=[project.slug])).status_code == 404
    assert client.post(reverse("pretag_start", args=[project.slug])).status_code == 404


def test_settings_are_saved_from_the_form(client, admin_user, project, settings):
    settings.TAWSIM_MODEL_DIRS = ["/models"]
    client.force_login(admin_user)
    form = {"pretag_on_import": "on", "taggers": ["dates", "crf"], "ner_label_map": "PERS=PER\nLOC=GPE\nMISC=",
            "ner_model_path": " /models/ner ", "crf_retrain_every": "3"}
    response = client.post(reverse("pretag_page", args=[project.slug]), form)
    assert response.status_code == 302
    project.refresh_from_db()
    options = pretagging.PretagSettings.of(project)
    assert options.pretag_on_import is True and options.taggers == ["dates", "crf"]
    assert options.ner_label_map == {"PERS": "PER", "LOC": "GPE", "MISC": None}
    assert options.ner_model_path == "/models/ner" and options.crf_retrain_every == 3


def test_a_label_map_naming_an_unknown_type_is_refused_on_the_form(client, admin_user, project):
    client.force_login(admin_user)
    form = {"taggers": ["dates"], "ner_label_map": "PERS=<b>PERSON</b>", "crf_retrain_every": "5"}
    response = client.post(reverse("pretag_page", args=[project.slug]), form)
    html = response.content.decode()
    assert response.status_code == 400 and "&lt;b&gt;PERSON&lt;/b&gt;" in html and "<b>PERSON" not in html
    assert "ner_label_map" not in Project_settings(project)


def Project_settings(project):
    project.refresh_from_db()
    return project.settings


def test_pretag_all_starts_a_job_whose_progress_is_polled(client, admin_user, document,
                                                          django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    options = pretagging.PretagSettings.of(document.project)
    options.taggers = ["dates", "gazetteer"]
    pretagging.save_settings(document.project, options)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("pretag_start", args=[document.project.slug]), **HTMX)
    job = Job.objects.get()
    html = response.content.decode()
    assert response.status_code == 200 and f'id="job-{job.pk}"' in html and 'hx-trigger="every 1s"' in html
    from annotate.jobs import execute

    execute(job.pk)
    poll = client.get(reverse("pretag_job", args=[document.project.slug, job.pk]), **HTMX).content.decode()
    assert "hx-trigger" not in poll and "1 / 1" in poll
    assert Suggestion.objects.filter(document=document).count() == 2


def test_retrain_without_gold_fails_with_the_reason(client, admin_user, project, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pretag_retrain", args=[project.slug]))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "failed" and "لا بيانات تدريب" in job.shown_messages[-1]  # said in the page's language
    poll = client.get(reverse("pretag_job", args=[project.slug, job.pk]), **HTMX).content.decode()
    assert "إعادة تدريب نموذج CRF" in poll  # "Retraining the CRF": told apart from a pre-tagging run


def test_evaluation_partial_renders_for_admins(client, admin_user, reviewer, document):
    gold = services.gold_set(document)
    start = document.text.index("القاهرة")
    services.create_span(gold, reviewer, entity_type="GPE", start=start, end=start + 7, version=0)
    suggest(document, "GPE", "القاهرة")
    suggest(document, "DATE", "١٢ آذار 2021", tagger="dates")  # no gold date: the type is left out, by name
    client.force_login(admin_user)
    html = client.get(reverse("pretag_evaluation", args=[document.project.slug]), **HTMX).content.decode()
    assert 'تاريخ <code class="key" dir="ltr">DATE</code>' in html[html.index("left-out"):]
    assert 'id="pretag-evaluation"' in html and "<td>المعجم (قائمة الأسماء)</td>" in html  # the tagger's name
    # The type by name, its key beside it; scores with the decimal point the charts use.
    assert 'كيان جغرافي سياسي <code class="key" dir="ltr">GPE</code>' in html
    assert '<td class="num">1.000</td>' in html


def test_the_crf_card_names_each_type(client, admin_user, project):
    from annotate.models import TaggerModel

    TaggerModel.objects.create(project=project, tagger="crf", data=b"", trained_on=3, metrics={
        "method": "cross-validation", "folds": 3, "precision": 0.5, "recall": 0.25, "f1": 0.3333,
        "per_type": {"PER": [0.5, 0.25, 0.3333], "DATE": [1.0, 1.0, 1.0]}})
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("pretag_page", args=[project.slug])).content.decode()
    table = html[html.index('class="list crf-metrics"'):]
    rows = re.findall(r'<th scope="row">([^<]*)<code class="key" dir="ltr">(\w+)</code></th>', table)
    assert rows == [("Person ", "PER"), ("Date ", "DATE")]  # in the schema's order, by name


# ---- the editor's suggestion endpoints -----------------------------------------------------

def accept_url(own, suggestion):
    return reverse("suggestion_accept", args=[own.pk, suggestion.pk])


def test_htmx_accept_answers_204_and_asks_the_editor_to_refresh(client, annotator, document, own):
    suggestion = suggest(document, "GPE", "القاهرة")
    client.force_login(annotator)
    response = client.post(accept_url(own, suggestion), {"version": 0}, **HTMX)
    assert response.status_code == 204 and json.loads(response["HX-Trigger"]) == {"tawsim:refresh": {}}
    span = Span.objects.get(set=own)
    assert span.origin["suggestion"] == suggestion.pk


def test_plain_reject_redirects_to_the_editor(client, annotator, document, own):
    suggestion = suggest(document, "GPE", "القاهرة")
    client.force_login(annotator)
    response = client.post(reverse("suggestion_reject", args=[own.pk, suggestion.pk]), {"version": 0})
    assert response.status_code == 302
    assert response["Location"] == reverse("editor", args=[document.project.slug, document.pk])
    assert SuggestionDecision.objects.get().decision == "rejected"


def test_accept_all_of_a_type_through_htmx(client, annotator, document, own):
    suggest(document, "PER", "سمير داود")
    suggest(document, "PER", "الطرفان")
    suggest(document, "GPE", "القاهرة")
    client.force_login(annotator)
    response = client.post(reverse("suggestions_accept_all", args=[own.pk]), {"type": "PER", "version": 0}, **HTMX)
    assert response.status_code == 204
    assert sorted(s.entity_type.key for s in own.spans.all()) == ["PER", "PER"]


def test_another_annotators_set_or_document_is_404(client, other_annotator, annotator, document, own, project):
    suggestion = suggest(document, "GPE", "القاهرة")
    client.force_login(other_annotator)
    assert client.post(accept_url(own, suggestion), {"version": 0}, **HTMX).status_code == 404
    accept_all = client.post(reverse("suggestions_accept_all", args=[own.pk]), {"type": "GPE", "version": 0})
    assert accept_all.status_code == 404
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents

    add_documents(project, [DocumentRecord(external_id="o", text="وصل الوفد إلى القاهرة.")])
    elsewhere = suggest(project.documents.get(external_id="o"), "GPE", "القاهرة")
    client.force_login(annotator)
    assert client.post(accept_url(own, elsewhere), {"version": 0}, **HTMX).status_code == 404
    assert not SuggestionDecision.objects.exists()


def test_a_stale_version_is_409_and_names_the_conflict(client, annotator, document, own):
    suggestion = suggest(document, "GPE", "القاهرة")
    services.create_span(own, annotator, entity_type="PER", start=6, end=10, version=0)
    client.force_login(annotator)
    response = client.post(accept_url(own, suggestion), {"version": 0}, **HTMX)
    assert response.status_code == 409 and response["HX-Reswap"] == "none"
    refused = json.loads(response["HX-Trigger"])["tawsim:refused"]
    assert refused["status"] == 409 and "الإصدار الآن 1" in refused["message"]  # "now version 1", in Arabic
    assert not SuggestionDecision.objects.exists()


def test_get_is_not_allowed_on_decisions(client, annotator, document, own):
    suggestion = suggest(document, "GPE", "القاهرة")
    client.force_login(annotator)
    assert client.get(accept_url(own, suggestion)).status_code == 405


# ---- API --------------------------------------------------------------------------------

def test_api_lists_pending_suggestions_and_accepts_one(client, annotator, document, own):
    place = suggest(document, "GPE", "القاهرة")
    suggest(document, "PER", "سمير داود")
    client.force_login(annotator)
    listed = client.get(f"/api/sets/{own.pk}/suggestions/").json()
    assert [(s["type"], s["text"]) for s in listed] == [("PER", "سمير داود"), ("GPE", "القاهرة")]
    response = client.post(f"/api/sets/{own.pk}/suggestions/{place.pk}/accept/", {"version": 0},
                           content_type="application/json")
    body = response.json()
    assert response.status_code == 201 and body["kind"] == "entity" and body["span"]["text"] == "القاهرة"
    assert body["version"] == 1 and body["span"]["origin"]["tagger"] == "gazetteer"
    assert [s["text"] for s in client.get(f"/api/sets/{own.pk}/suggestions/").json()] == ["سمير داود"]


def test_api_reject_accept_all_and_conflicts(client, annotator, document, own):
    person = suggest(document, "PER", "سمير داود")
    suggest(document, "GPE", "القاهرة")
    client.force_login(annotator)
    stale = client.post(f"/api/sets/{own.pk}/suggestions/{person.pk}/reject/", {"version": 5},
                        content_type="application/json")
    assert stale.status_code == 409 and stale.json()["version"] == 0
    ok = client.post(f"/api/sets/{own.pk}/suggestions/{person.pk}/reject/", {"version": 0},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"version": 1}
    again = client.post(f"/api/sets/{own.pk}/suggestions/{person.pk}/reject/", {"version": 1},
                        content_type="application/json")
    assert again.status_code == 400 and again.json()["field"] == "suggestion"
    done = client.post(f"/api/sets/{own.pk}/suggestions/accept-all/", {"entity_type": "GPE", "version": 1},
                       content_type="application/json")
    assert done.json() == {"accepted": 1, "version": 2}


def test_api_other_annotators_set_is_404(client, other_annotator, document, own):
    suggestion = suggest(document, "GPE", "القاهرة")
    client.force_login(other_annotator)
    assert client.get(f"/api/sets/{own.pk}/suggestions/").status_code == 404
    assert client.post(f"/api/sets/{own.pk}/suggestions/{suggestion.pk}/accept/", {"version": 0},
                       content_type="application/json").status_code == 404


def test_api_admin_starts_pretagging_and_reads_the_job(client, admin_user, annotator, document,
                                                       django_capture_on_commit_callbacks):
    slug = document.project.slug
    client.force_login(annotator)
    assert client.post(f"/api/projects/{slug}/pretag/", {}, content_type="application/json").status_code == 404
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/projects/{slug}/pretag/", {"taggers": ["dates"], "documents": [document.pk]},
                               content_type="application/json")
    assert response.status_code == 202
    job = client.get(f"/api/projects/{slug}/pretag/jobs/{response.json()['id']}/").json()
    assert job["status"] == "done" and (job["done"], job["total"]) == (1, 1) and job["result"]["suggestions"] == 1
