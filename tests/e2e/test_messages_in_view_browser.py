"""Feedback where the eyes are, in a real browser: on a long document scrolled down, the
editor's header (Submit, Undo, progress) and its message line stay in the window, so a
refusal is seen; a stale-version refusal offers to re-apply the change on the latest
version, and does so only while what the change was about still exists."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, Span
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for these tests: long enough to scroll several screens.
PARAGRAPHS = [
    f"في الجلسة رقم {n} ناقش المجلس البلدي خطة تنظيف الشوارع وتوسيع الحدائق العامة، "
    f"واقترح الأعضاء جدولًا جديدًا لمواعيد جمع النفايات في الأحياء الشرقية والغربية."
    for n in range(1, 41)
]
TEXT = "\n\n".join(
    ["افتتح رئيس البلدية سليم عواد الاجتماع صباح الاثنين.", *PARAGRAPHS,
     "وفي الختام شكر سليم عواد أهالي بلدة الزيتونة على صبرهم."]
)


def at(word: str, last: bool = False) -> tuple[int, int]:
    start = TEXT.rindex(word) if last else TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def long_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="long-1", title="محضر البلدية", text=TEXT)])
    document = project.documents.get(external_id="long-1")
    own = services.own_set(document, annotator)
    start, end = at("الزيتونة")
    services.create_span(own, annotator, entity_type="GPE", start=start, end=end, version=ANY_VERSION)
    return document


def open_editor(page, live_server, document) -> None:
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))
    page.wait_for_selector("#doc-text")


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const r = document.querySelector(selector).getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight
                && r.left >= 0 && r.right <= window.innerWidth;
        }""",
        selector,
    )


def scroll_to_the_end(page) -> None:
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 1000")


def select_last(page, word: str) -> None:
    page.evaluate(
        """(word) => {
            const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
            let found = null;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.lastIndexOf(word);
                if (at >= 0) found = [node, at];
            }
            const range = document.createRange();
            range.setStart(found[0], found[1]);
            range.setEnd(found[0], found[1] + word.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }""",
        word,
    )


def test_the_header_stays_in_view_and_a_refusal_is_shown_in_view_after_scrolling(
    page, live_server, long_document, annotator, log_in
):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, long_document)
    scroll_to_the_end(page)
    for control in ("#submit-button", "#undo-button", "#set-progress", "#editor-messages"):
        assert in_viewport(page, control), control

    # «الزيتونة» is marked already: marking it again as the same type is refused.
    select_last(page, "الزيتونة")
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 422):
        page.keyboard.press("3")
    page.wait_for_selector("#editor-messages.error")
    settled(page)
    assert page.evaluate("() => window.scrollY") > 1000  # the page did not jump to the top
    assert in_viewport(page, "#editor-messages")
    assert "الزيتونة" in page.locator("#editor-messages").inner_text()
    assert page.locator("#editor-messages").get_attribute("aria-live") == "polite"


def test_a_stale_change_is_re_applied_on_the_latest_version(page, live_server, long_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, long_document)
    own = AnnotationSet.objects.get(document=long_document, owner=annotator)
    # Another tab marks the mayor meanwhile: this page's version is now stale.
    start, end = at("سليم عواد")
    services.create_span(own, annotator, entity_type="PER", start=start, end=end, version=ANY_VERSION)

    scroll_to_the_end(page)
    select_last(page, "سليم عواد")
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 409):
        page.keyboard.press("1")
    reapply = page.locator("#editor-messages button.reapply")
    reapply.wait_for()
    assert in_viewport(page, "#editor-messages button.reapply")
    assert page.locator("#editor-messages a.reload").count() == 0  # the server's plain link became the choice
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 200):
        reapply.click()
    page.wait_for_selector("#editor-messages.success")
    settled(page)

    texts = sorted(TEXT[s.start:s.end] for s in Span.objects.filter(set=own))
    assert texts == ["الزيتونة", "سليم عواد", "سليم عواد"]  # the other tab's mark and the re-applied one
    assert Span.objects.filter(set=own, start=at("سليم عواد", last=True)[0]).exists()
    assert page.locator("#doc-text mark[data-id]", has_text="عواد").count() >= 2


def test_a_stale_change_whose_target_is_gone_is_not_re_applied(page, live_server, long_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, long_document)
    own = AnnotationSet.objects.get(document=long_document, owner=annotator)
    olive = Span.objects.get(set=own)
    scroll_to_the_end(page)
    page.locator(f'#doc-text mark[data-id="{olive.pk}"]').first.click()
    page.wait_for_selector(f'#doc-text mark[data-id="{olive.pk}"].sel')
    # Another tab marks the mayor meanwhile: this page's version is now stale.
    start, end = at("سليم عواد")
    services.create_span(own, annotator, entity_type="PER", start=start, end=end, version=ANY_VERSION)

    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 409):
        page.keyboard.press("4")  # change its type
    reapply = page.locator("#editor-messages button.reapply")
    reapply.wait_for()
    # ...and deletes that mark before the change is re-applied.
    services.delete_span(Span.objects.get(pk=olive.pk), annotator, version=ANY_VERSION)
    with page.expect_response(lambda r: r.request.method == "GET" and "/spans/" not in r.url):
        reapply.click()
    page.wait_for_function("() => document.querySelector('#editor-messages').textContent.includes('nothing')"
                           " || document.querySelector('#editor-messages').textContent.includes('لم يُعَد')")
    settled(page)
    assert [TEXT[s.start:s.end] for s in Span.objects.filter(set=own)] == ["سليم عواد"]  # nothing re-applied
    assert page.locator(f'#doc-text mark[data-id="{olive.pk}"]').count() == 0
    assert page.locator("#doc-text mark[data-id]", has_text="عواد").count() >= 1  # the latest version is shown


def test_a_stale_undo_is_not_re_applied_blindly(page, live_server, long_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, long_document)
    own = AnnotationSet.objects.get(document=long_document, owner=annotator)
    start, end = at("سليم عواد")
    services.create_span(own, annotator, entity_type="PER", start=start, end=end, version=ANY_VERSION)
    page.locator("#doc-text").click()
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 409):
        page.keyboard.press("Control+z")
    page.wait_for_selector("#editor-messages.error .reload")
    # Undo on a version it did not see could undo someone else's change: only a reload is offered.
    assert page.locator("#editor-messages button.reapply").count() == 0
    assert Span.objects.filter(set=own).count() == 2
