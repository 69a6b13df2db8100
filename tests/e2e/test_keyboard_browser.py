"""The editor from the keyboard alone, in a real browser: the marks are reachable and
selectable, Tab is never taken from the browser (with an event open too), and the page
(ES modules, translations) loads without a console error."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Span
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for these tests.
TEXT = "استقبل وليد منصور في بيروت وفدا من شركة النور للطاقة صباح الأحد."


def start_of(word: str) -> int:
    return TEXT.index(word)


@pytest.fixture
def marked(project, annotator):
    """A document with two marks (PER, GPE) and a meeting whose panel can be opened."""
    add_documents(project, [DocumentRecord(external_id="kbd-1", title="استقبال", text=TEXT)])
    document = project.documents.get(external_id="kbd-1")
    own = services.own_set(document, annotator)
    for key, word in (("PER", "وليد منصور"), ("GPE", "بيروت")):
        services.create_span(own, annotator, entity_type=key, start=start_of(word), end=start_of(word) + len(word),
                             version=ANY_VERSION, snap_to_tokens=False)
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start_of("استقبل"),
                                  trigger_end=start_of("استقبل") + len("استقبل"), version=ANY_VERSION)
    return document, event


def editor_url(live_server, document, query: str = "") -> str:
    return live_server.url + reverse("editor", args=[document.project.slug, document.pk]) + query


def active(page) -> str:
    """What has the focus: the element's id, or its tag and data-t / data-role."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return el.id || (el.tagName.toLowerCase() + ":" + (el.dataset.t || el.dataset.role || ""));
        }"""
    )


def record_tabs(page) -> None:
    """Remember, for every Tab pressed, whether a script took it from the browser."""
    page.evaluate(
        """() => {
            window.tabsTaken = 0;
            window.addEventListener("keydown", (e) => { if (e.key === "Tab" && e.defaultPrevented) tabsTaken++; });
        }"""
    )


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def test_a_mark_is_reached_with_tab_and_arrows_and_selected_with_enter(page, live_server, marked, annotator, log_in):
    document, _ = marked
    log_in("ann1", "pass-ann1")
    page.goto(editor_url(live_server, document))
    record_tabs(page)

    # Tab reaches the text (one stop) without a pointer.
    for _ in range(40):
        page.keyboard.press("Tab")
        if active(page) == "doc-text":
            break
    assert active(page) == "doc-text"

    # ← moves to the next mark in reading order (right to left): the trigger, then the person.
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => document.activeElement.matches('#doc-text mark[data-ev]')")
    page.keyboard.press("ArrowLeft")
    assert active(page) == "mark:PER"
    assert "وليد منصور" in page.locator("#editor-announce").inner_text()
    assert page.locator("#editor-announce").get_attribute("role") == "status"
    page.keyboard.press("ArrowLeft")
    assert active(page) == "mark:GPE"
    page.keyboard.press("ArrowRight")
    assert active(page) == "mark:PER"

    # Enter selects it, as a click would: the side panel (a status region) names it.
    page.keyboard.press("Enter")
    page.locator('#doc-text mark[data-t="PER"].sel').wait_for()
    assert page.locator("#selection-info").get_attribute("role") == "status"
    assert "وليد منصور" in page.locator("#selection-info").inner_text()
    assert page.locator("#span-list li.sel bdi").inner_text() == "وليد منصور"

    # The selected mark takes the usual keys: Delete removes it, and the focus stays in the text.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Delete")
    page.locator('#doc-text mark[data-t="PER"]').wait_for(state="detached")
    settled(page)
    assert not Span.objects.filter(entity_type__key="PER").exists()
    assert page.evaluate("() => document.getElementById('doc-text').contains(document.activeElement)")

    # Tab leaves the text: it is not a trap.
    page.keyboard.press("Tab")
    assert not page.evaluate("() => document.getElementById('doc-text').contains(document.activeElement)")
    assert page.evaluate("() => window.tabsTaken") == 0


def test_tab_is_not_captured_while_an_event_is_open(page, live_server, marked, annotator, log_in):
    document, event = marked
    log_in("ann1", "pass-ann1")
    page.goto(editor_url(live_server, document, f"?event={event.pk}"))
    page.locator("#event-panel .slot.active").wait_for()
    record_tabs(page)
    first_role = page.locator("#event-panel .slot.active").get_attribute("data-role")

    # Tab from the text moves the focus on, as everywhere else, and leaves the role alone.
    page.focus("#doc-text")
    page.keyboard.press("Tab")
    assert active(page) != "doc-text"
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == first_role

    # Inside the panel, Tab walks the role slots: the focused slot is the active role.
    page.locator("#event-panel .slot").first.focus()
    page.keyboard.press("Tab")
    second = page.locator("#event-panel .slot").nth(1).get_attribute("data-role")
    assert active(page) == "li:" + second
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == second
    page.keyboard.press("Shift+Tab")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == first_role

    # ' and ; move the active role from anywhere, without moving the focus.
    page.focus("#doc-text")
    page.keyboard.press("'")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == second
    page.keyboard.press(";")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == first_role
    assert active(page) == "doc-text"

    # From the text, Enter on a mark fills the active role.
    page.keyboard.press("ArrowLeft")  # the trigger
    page.keyboard.press("ArrowLeft")  # the person
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.querySelectorAll('#event-panel .slot[data-role=\"{first_role}\"] .filler').length === 1"
    )
    assert event.arguments.count() == 1
    assert page.evaluate("() => window.tabsTaken") == 0


def test_the_editor_loads_and_works_without_console_errors(page, live_server, marked, annotator, log_in):
    document, event = marked
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in("ann1", "pass-ann1")
    page.goto(editor_url(live_server, document, f"?event={event.pk}"))
    page.locator("#event-panel .slot.active").wait_for()
    # The modules ran: colours came from data-colour, translations from the catalogue.
    assert page.locator(".type-btn").first.evaluate("b => b.style.getPropertyValue('--c')") != ""
    assert "'" in page.locator("#selection-info").inner_text()
    assert page.evaluate("() => typeof gettext") == "function"
    page.keyboard.press("Escape")
    page.locator("#event-panel").wait_for(state="hidden")
    page.locator('#doc-text mark[data-t="GPE"]').click()
    page.locator("#span-detail .span-detail-inner").wait_for()
    settled(page)
    assert errors == []
