"""A suggested entity clicked while an event's role is active: accepted and put in the
role in one step and one version (annotate.services.accept_suggestion_into_role, through
the argument endpoint)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Span, Suggestion, SuggestionDecision
from annotate.services import ANY_VERSION

HTMX = {"HTTP_HX_REQUEST": "true"}


def suggest(document, kind, text):
    start = document.text.index(text)
    return Suggestion.objects.create(document=document, tagger="gazetteer", score=0.9, start=start,
                                     end=start + len(text), entity_type=document.project.entity_types.get(key=kind))


def meeting(own, annotator):
    start = own.document.text.index("التقى")
    return services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=start + 5,
                                 version=ANY_VERSION)


def test_a_clicked_suggestion_fills_the_active_role_and_is_accepted(ann_client, document, own, annotator):
    event = meeting(own, annotator)
    own.refresh_from_db()
    samir = suggest(document, "PER", "سمير داود")
    values = {"role": "Participant", "suggestion": samir.pk, "version": own.version, "event": event.pk}
    response = ann_client.post(reverse("argument_add", args=[event.pk]), values, **HTMX)
    assert response.status_code == 200
    argument = event.arguments.select_related("span", "role").get()
    assert argument.role.key == "Participant" and argument.span.origin["suggestion"] == samir.pk
    assert document.text[argument.span.start:argument.span.end] == "سمير داود"
    decision = SuggestionDecision.objects.get(suggestion=samir)
    assert decision.decision == "accepted" and decision.span_id == argument.span_id
    own.refresh_from_db()
    assert own.version == 2  # one step, one version
    html = response.content.decode()
    assert f'data-ev="{event.pk}"' in html  # the event stays open
    assert f'data-sug="{samir.pk}"' not in html


def test_a_suggestion_the_role_does_not_allow_is_refused_and_nothing_is_accepted(ann_client, document, own, annotator):
    event = meeting(own, annotator)
    own.refresh_from_db()
    date = suggest(document, "DATE", "١٢ آذار 2021")
    response = ann_client.post(reverse("argument_add", args=[event.pk]),
                               {"role": "Participant", "suggestion": date.pk, "version": own.version}, **HTMX)
    assert response.status_code == 422
    assert not SuggestionDecision.objects.exists() and not Span.objects.filter(set=own).exists()


def test_a_suggestion_of_another_document_is_refused(ann_client, document, own, annotator, project):
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents

    event = meeting(own, annotator)
    own.refresh_from_db()
    add_documents(project, [DocumentRecord(external_id="other-doc", title="آخر", text="زار سمير داود المدينة.")])
    elsewhere = suggest(project.documents.get(external_id="other-doc"), "PER", "سمير داود")
    response = ann_client.post(reverse("argument_add", args=[event.pk]),
                               {"role": "Participant", "suggestion": elsewhere.pk, "version": own.version}, **HTMX)
    assert response.status_code == 422
    assert not event.arguments.exists() and not SuggestionDecision.objects.exists()


def test_another_annotators_private_suggestion_cannot_be_taken(ann_client, document, own, annotator,
                                                                other_annotator):
    event = meeting(own, annotator)
    own.refresh_from_db()
    private = suggest(document, "PER", "سمير داود")
    Suggestion.objects.filter(pk=private.pk).update(tagger="string_match", user=other_annotator)
    response = ann_client.post(reverse("argument_add", args=[event.pk]),
                               {"role": "Participant", "suggestion": private.pk, "version": own.version}, **HTMX)
    assert response.status_code == 422
    assert not Span.objects.filter(set=own).exists() and not SuggestionDecision.objects.exists()
    private.refresh_from_db()
    with pytest.raises(services.Invalid):
        services.accept_suggestion(private, annotator, own, version=ANY_VERSION)
    assert not Span.objects.filter(set=own).exists()


def test_history_names_the_step_accepting_a_suggestion_not_the_role_it_filled(ann_client, document, own, annotator):
    """One step, one name: the span and the argument it made are recorded as accepting a
    suggestion (the inner "add_argument" joins that context without renaming it)."""
    event = meeting(own, annotator)
    own.refresh_from_db()
    samir = suggest(document, "PER", "سمير داود")
    ann_client.post(reverse("argument_add", args=[event.pk]),
                    {"role": "Participant", "suggestion": samir.pk, "version": own.version}, **HTMX)
    argument = event.arguments.select_related("span").get()
    argument_row = argument.history.get(pgh_label="insert")
    span_row = argument.span.history.get(pgh_label="insert")
    assert argument_row.pgh_context_id == span_row.pgh_context_id
    assert argument_row.pgh_context.metadata["action"] == "accept_suggestion"
