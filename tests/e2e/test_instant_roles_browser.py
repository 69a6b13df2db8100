"""Instant role fills and undo in their turn, in a real browser: with an event's panel
open, a click on a mark (or a selection and an entity key) draws the filler in the
active role's slot and outlines the mark with the role's name at once; the server's
answer replaces that, and a refusal of any kind puts back exactly the page as it was.
Fills go through the same ordered queue as marks. The server's answers are held back by
the browser (page.route) to look at the page in between."""
from __future__ import annotations

import pytest

from annotate.models import AnnotationSet, Argument, Span
from tests.e2e.test_instant_marks_browser import REFUSED, Held, quiet, refuse
from tests.e2e.test_keyboard_browser import editor_url, marked, start_of  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FILL = "**/events/*/arguments/"
PANEL_AND_TEXT = "() => ['doc-text', 'event-panel'].map((id) => document.getElementById(id).outerHTML)"


@pytest.fixture
def open_event(page, live_server, log_in, marked):  # noqa: F811
    """The editor with the meeting's panel open, its first role (Participant) active."""
    log_in("ann1", "pass-ann1")
    document, event = marked
    page.goto(editor_url(live_server, document, f"?event={event.pk}"))
    page.locator('#event-panel .slot.active[data-role="Participant"]').wait_for()
    page.locator("#cluster-event-panel").wait_for()  # loaded on its own: the page is still
    return document, event


def participant_fillers(page) -> list[str]:
    return page.locator('#event-panel .slot[data-role="Participant"] .filler').all_inner_texts()


def test_a_role_filled_with_a_click_shows_at_once_then_is_confirmed(page, open_event):
    _document, event = open_event
    person = Span.objects.get(start=start_of("وليد منصور"))
    held = Held(page, FILL)
    mark = page.locator(f'#doc-text mark[data-id="{person.pk}"]')
    mark.click()
    page.locator("#event-panel .filler.pending").wait_for(timeout=2000)
    assert not Argument.objects.filter(event=event).exists()  # drawn before the server answered
    assert [t.strip() for t in participant_fillers(page)] == ["وليد منصور"]
    assert "arg" in mark.get_attribute("class").split()
    assert mark.get_attribute("data-role") == "مشارك"
    held.release()
    page.locator("#event-panel .filler.pending").wait_for(state="detached")
    argument = Argument.objects.get(event=event)
    assert argument.span_id == person.pk
    page.locator(f'#event-panel .filler[data-arg="{argument.pk}"]').wait_for()


def test_text_marked_into_a_role_shows_at_once_then_is_confirmed(page, open_event, select_in_text):
    _document, event = open_event
    held = Held(page, FILL)
    select_in_text("شركة النور", 0, len("شركة النور"))
    page.keyboard.press("2")
    page.locator("#event-panel .filler.pending").wait_for(timeout=2000)
    mark = page.locator("#doc-text mark.ent.pending.arg")
    assert mark.inner_text() == "شركة النور"
    assert mark.get_attribute("data-t") == "ORG" and mark.get_attribute("data-role") == "مشارك"
    assert not Span.objects.filter(start=start_of("شركة")).exists()
    held.release()
    page.locator("#event-panel .filler.pending").wait_for(state="detached")
    argument = Argument.objects.get(event=event)
    assert (argument.span.start, argument.span.entity_type.key) == (start_of("شركة"), "ORG")
    assert page.locator("#doc-text mark.pending").count() == 0


@pytest.mark.parametrize("refusal", list(REFUSED))
def test_a_refused_role_fill_puts_back_the_page_exactly_as_it_was(page, open_event, refusal):
    person = Span.objects.get(start=start_of("وليد منصور"))
    held = Held(page, FILL)
    quiet(page)
    before = page.evaluate(PANEL_AND_TEXT)
    page.locator(f'#doc-text mark[data-id="{person.pk}"]').click()
    page.locator("#event-panel .filler.pending").wait_for(timeout=2000)
    assert page.evaluate(PANEL_AND_TEXT) != before
    refuse(held.next(), refusal)
    page.wait_for_selector("#editor-messages.error")
    page.wait_for_function("() => !document.querySelector('#event-panel .filler.pending')")
    assert page.evaluate(PANEL_AND_TEXT) == before
    assert not Argument.objects.exists()


def test_a_role_fill_waits_its_turn_behind_a_mark_being_stored(page, open_event, select_in_text):
    """Text marked into the role, then a mark clicked into it while the first is on its
    way: both drawn at once, sent one after the other, both stored."""
    document, event = open_event
    version = AnnotationSet.objects.get(document=document).version
    person = Span.objects.get(start=start_of("وليد منصور"))
    held = Held(page, FILL)
    select_in_text("شركة النور", 0, len("شركة النور"))
    page.keyboard.press("2")
    first = held.next()
    page.locator(f'#doc-text mark[data-id="{person.pk}"]').click()
    page.wait_for_function("() => document.querySelectorAll('#event-panel .filler.pending').length === 2",
                           timeout=2000)
    first.continue_()
    page.wait_for_function(
        "(v) => document.getElementById('set-state').dataset.version === String(v)"
        " && !document.querySelector('#event-panel .filler.pending')", arg=version + 2, timeout=10000,
    )
    assert sorted(a.span.start for a in Argument.objects.filter(event=event)) == sorted(
        [start_of("وليد منصور"), start_of("شركة")])
