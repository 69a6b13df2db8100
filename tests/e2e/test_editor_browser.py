"""The editor in a real browser: log in, select Arabic text, mark it, change it, delete it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# An emoji and Latin words before the target: UTF-16 offsets would be off by two.
TEXT = (
    "😀 قال سمير داود لوكالة Reuters 🌍 إن الوفد زار دمشق ثم حلب، وبحلب التقى ممثلي "
    "الغرفة التجارية يوم ١٢ آذار 2021.\n"
    "وأضاف أن الزيارة تستمر ثلاثة أيام في القاهرة."
)


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="e2e-1", title="زيارة الوفد", text=TEXT)])
    return project.documents.get(external_id="e2e-1")


def test_annotator_marks_changes_and_deletes_a_span(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#doc-text").get_attribute("dir") == "rtl"

    # Select «حل» inside «وبحلب» and press the GPE shortcut (3).
    select_in_text("وبحلب", 2, 4)
    with page.expect_request(lambda r: r.method == "POST" and "/spans/" in r.url) as sent:
        page.keyboard.press("3")
    posted = dict(pair.split("=") for pair in sent.value.post_data.split("&"))
    word_start = TEXT.index("وبحلب")
    assert (int(posted["start"]), int(posted["end"])) == (word_start + 2, word_start + 4)  # code points

    mark = page.locator('#doc-text mark.ent[data-t="GPE"]:not(.pending)')  # stored, not only drawn
    mark.wait_for()
    assert mark.inner_text() == "حلب"
    span = Span.objects.get(set__owner=annotator)
    assert (span.entity_type.key, span.start, span.end) == ("GPE", word_start + 2, word_start + 5)
    assert TEXT[span.start:span.end] == "حلب"
    page.screenshot(path="/tmp/editor.png", full_page=True)

    # The new span is selected: an Arabic-layout key (٤ on the Digit4 key) changes it to LOC.
    page.locator("#doc-text mark.sel").wait_for()
    page.evaluate(
        """() => document.dispatchEvent(new KeyboardEvent("keydown",
               {key: "٤", code: "Digit4", bubbles: true, cancelable: true}))"""
    )
    page.locator('#doc-text mark.ent[data-t="LOC"]:not(.pending)').wait_for()
    assert page.locator('#doc-text mark.ent[data-t="GPE"]').count() == 0
    span.refresh_from_db()
    assert span.entity_type.key == "LOC"

    # Click it (as a fresh selection), delete it with the Delete key.
    page.keyboard.press("Escape")
    page.locator('#doc-text mark.ent[data-t="LOC"]').click()
    page.locator("#doc-text mark.sel").wait_for()
    page.keyboard.press("Delete")
    page.locator("#doc-text mark.ent").wait_for(state="detached")
    page.locator("#span-list li").wait_for(state="detached")  # the server's answer
    assert not Span.objects.filter(set__owner=annotator).exists()
    assert "حلب" in page.locator("#editor-messages").inner_text()


def test_keyboard_selection_marks_a_word_and_submit_locks_the_set(page, live_server, live_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))

    # A caret inside «القاهرة» (where a click would put it), extended with Shift+ArrowLeft:
    # forward in right-to-left text.
    page.evaluate(
        """() => {
            const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf("القاهرة");
                if (at >= 0) { window.getSelection().collapse(node, at + 3); return; }
            }
        }"""
    )
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("1")
    page.locator('#doc-text mark.ent[data-t="PER"]:not(.pending)').wait_for()
    span = Span.objects.get(set__owner=annotator)
    assert TEXT[span.start:span.end] == "القاهرة"

    page.click("#submit-button")
    page.locator("#reopen-button").wait_for()
    assert page.locator("#set-state").get_attribute("data-locked") == "1"
    page.keyboard.press("Escape")
    page.locator('#doc-text mark.ent[data-t="PER"]').click()
    page.keyboard.press("Delete")
    assert "أعد فتحها" in page.locator("#editor-messages").inner_text()  # refused in the page
    assert Span.objects.filter(pk=span.pk).exists()


def test_a_span_write_redraws_only_its_sentence_and_list_item(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    own = services.own_set(live_document, annotator)
    for version, (key, word) in enumerate([("PER", "سمير داود"), ("GPE", "القاهرة")]):
        start = TEXT.index(word)
        services.create_span(own, annotator, entity_type=key, start=start, end=start + len(word), version=version)
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    # The first line is its own block: a mark the page sets on it survives a write elsewhere.
    page.evaluate("() => { document.getElementById('blk-0').dataset.probe = 'kept'; }")

    select_in_text("الزيارة", 0, 7)
    page.keyboard.press("2")
    page.locator('#doc-text mark.ent[data-t="ORG"].sel').wait_for()
    assert page.evaluate("() => document.getElementById('blk-0').dataset.probe") == "kept"
    listed = page.locator("#span-list li bdi").all_inner_texts()
    assert listed == ["سمير داود", "الزيارة", "القاهرة"]  # in text order
    assert page.locator("#span-list li.sel bdi").inner_text() == "الزيارة"
    assert page.locator("#span-count").inner_text() == "3"
    assert page.locator("#set-state").get_attribute("data-version") == "3"

    # The page carries the new version: the next write is accepted, and removes the item.
    page.keyboard.press("Delete")
    page.locator('#doc-text mark.ent[data-t="ORG"]').wait_for(state="detached")
    page.wait_for_function("() => document.getElementById('span-count').textContent === '2'")  # the server's answer
    assert page.locator("#span-list li").count() == 2 and page.locator("#span-count").inner_text() == "2"
    assert AnnotationSet.objects.get(pk=own.pk).version == 4
    assert page.evaluate("() => document.getElementById('blk-0').dataset.probe") == "kept"


def test_a_page_missing_a_part_of_the_answer_fetches_the_whole_editor(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    # As if the page had been drawn with other blocks than the server's.
    page.evaluate("() => { document.getElementById('blk-0').id = 'blk-old'; }")
    select_in_text("دمشق", 0, 4)
    with page.expect_request(lambda r: r.method == "GET" and "/documents/" in r.url):
        page.keyboard.press("3")
    page.locator('#doc-text mark.ent[data-t="GPE"]:not(.pending)').wait_for()
    assert page.locator("#blk-0").count() == 1 and page.locator("#blk-old").count() == 0
    assert page.locator("#span-list li").count() == 1 and page.locator("#span-count").inner_text() == "1"
