"""A suggestion clicked while an event's role is active, in a real browser: the event
stays open, the suggestion is accepted and fills the role, as a click on a mark does."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Suggestion, SuggestionDecision
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for this test.
TEXT = "اجتمع رامي خوري بممثلي النقابات في طرابلس صباح السبت لمناقشة الأجور."


def at(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


@pytest.fixture
def meeting(project, annotator):
    add_documents(project, [DocumentRecord(external_id="sug-role", title="اجتماع", text=TEXT)])
    document = project.documents.get(external_id="sug-role")
    own = services.own_set(document, annotator)
    start, end = at("اجتمع")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=end,
                                  version=ANY_VERSION)
    types = {t.key: t for t in project.entity_types.all()}
    suggestions = {
        text: Suggestion.objects.create(document=document, tagger="gazetteer", score=0.9, start=at(text)[0],
                                        end=at(text)[1], entity_type=types[key])
        for text, key in (("رامي خوري", "PER"), ("طرابلس", "GPE"))
    }
    return document, event, suggestions


def slot_texts(page, role: str) -> list[str]:
    return page.locator(f'#event-panel .slot[data-role="{role}"] .filler bdi').all_inner_texts()


def test_a_suggestion_clicked_with_a_role_active_fills_the_role(page, live_server, meeting, annotator, log_in):
    document, event, suggestions = meeting
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]) + f"?event={event.pk}")
    page.wait_for_selector('#event-panel .slot.active[data-role="Participant"]')

    person = suggestions["رامي خوري"]
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator(f'#doc-text mark[data-sug="{person.pk}"]').first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#event-panel .slot[data-role=\"Participant\"] .filler').length === 1")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")

    # The event is still open, the suggestion became a mark filling the role.
    assert page.locator("#event-panel").get_attribute("data-ev") == str(event.pk)
    assert slot_texts(page, "Participant") == ["رامي خوري"]
    assert page.locator(f'#doc-text mark[data-sug="{person.pk}"]').count() == 0
    assert page.locator("#doc-text mark[data-id]", has_text="رامي").count() >= 1
    assert page.locator("#doc-text mark.sug-sel").count() == 0  # not merely focused
    argument = event.arguments.select_related("span", "role").get()
    assert argument.role.key == "Participant" and argument.span.origin["suggestion"] == person.pk
    assert SuggestionDecision.objects.get(suggestion=person).decision == "accepted"

    # The next role, from the keyboard, then the place suggestion: same again.
    page.keyboard.press("'")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == "Place"
    place = suggestions["طرابلس"]
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator(f'#doc-text mark[data-sug="{place.pk}"]').first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#event-panel .slot[data-role=\"Place\"] .filler').length === 1")
    assert slot_texts(page, "Place") == ["طرابلس"]
    assert page.locator("#event-panel").get_attribute("data-ev") == str(event.pk)
