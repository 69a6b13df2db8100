"""The editor's refusal protocol in a real browser: a refused write answers a 4xx status
with the client event `tawsim:refused` ({message, status, field?, version?}) in
HX-Trigger, and that event is what the page shows; an answer without it (a proxy's 4xx,
a 5xx) gets a generic message. Either way the text is left as it was. The editor's
refused answers are stood in for by the browser (page.route), so those tests hold
whatever the views send; the adjudication page's comes from the server."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from annotate.models import AdjudicationDecision, AnnotationSet, SetKind, Span
from tests.e2e.test_adjudication_browser import disputed  # noqa: F401 (fixture)
from tests.e2e.test_keyboard_browser import TEXT, marked  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def refuse_span_writes(page, status: int, headers: dict, body: str = "") -> None:
    page.route("**/spans/**", lambda route: route.fulfill(status=status, headers=headers, body=body)
               if route.request.method == "POST" else route.continue_())


@pytest.fixture
def mark_a_word(page, select_in_text):
    def mark() -> None:
        select_in_text("صباح", 0, 4)
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.keyboard.press("1")

    return mark


@pytest.fixture
def open_editor(page, live_server, log_in):
    """Log in as ann1 and open the document's editor; returns the text's HTML."""

    def open_editor(document) -> str:
        log_in("ann1", "pass-ann1")
        page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))
        return page.locator("#doc-text").inner_html()

    return open_editor


def test_a_refusal_event_is_shown_with_a_reload_on_a_stale_version(
    page, live_server, marked, annotator, open_editor, mark_a_word  # noqa: F811
):
    document, _ = marked
    before = open_editor(document)
    trigger = {"tawsim:refused": {"message": "تغيّرت النسخة في مكان آخر.", "status": 409, "version": 9}}
    headers = {"HX-Trigger": json.dumps(trigger), "Content-Type": "text/html"}
    refuse_span_writes(page, 409, headers, "<p>not swapped</p>")
    mark_a_word()
    page.wait_for_selector("#editor-messages.error .reload")
    assert "تغيّرت النسخة في مكان آخر." in page.locator("#editor-messages").inner_text()
    assert page.locator("#doc-text").inner_html() == before  # the answer's body is not swapped in
    assert "not swapped" not in page.content()
    # The page does not adopt the newer version by itself: the reload fetches it.
    assert page.locator("#set-state").get_attribute("data-version") != "9"
    assert not Span.objects.filter(start=TEXT.index("صباح")).exists()


def test_a_refusal_without_the_event_gets_a_generic_message(
    page, live_server, marked, annotator, open_editor, mark_a_word  # noqa: F811
):
    document, _ = marked
    before = open_editor(document)
    refuse_span_writes(page, 422, {"Content-Type": "text/html"}, "<p>not swapped</p>")
    mark_a_word()
    page.wait_for_selector("#editor-messages.error")
    assert "422" in page.locator("#editor-messages").inner_text()
    assert page.locator("#doc-text").inner_html() == before


def test_a_server_error_says_nothing_was_changed(
    page, live_server, marked, annotator, open_editor, mark_a_word  # noqa: F811
):
    document, _ = marked
    before = open_editor(document)
    refuse_span_writes(page, 500, {"Content-Type": "text/html"}, "<p>boom</p>")
    mark_a_word()
    page.wait_for_selector("#editor-messages.error")
    assert "500" in page.locator("#editor-messages").inner_text()
    assert page.locator("#doc-text").inner_html() == before


def test_a_stale_adjudication_decision_is_refused_in_the_page(
    page, live_server, disputed, reviewer, log_in  # noqa: F811
):
    log_in("reviewer1", "pass-reviewer1")
    page.goto(live_server.url + reverse("adjudicate", args=[disputed.project.slug, disputed.pk]))
    gold = AnnotationSet.objects.get(document=disputed, kind=SetKind.GOLD)
    AnnotationSet.objects.filter(pk=gold.pk).update(version=gold.version + 3)  # changed in another tab
    page.locator("#doc-text").click()
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 409):
        page.keyboard.press("2")
    page.wait_for_selector("#adj-messages.error .reload")
    assert page.locator("#adj-messages").inner_text().strip()
    assert page.locator("#conflict-count").inner_text() == "2"  # nothing swapped, nothing decided
    assert not AdjudicationDecision.objects.filter(action="accept").exists()
