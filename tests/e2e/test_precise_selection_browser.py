"""Precise selections in a real browser: a selection drawn right after a glued
conjunction is not widened to take it in, a partial word is still completed, and a
selection drawn with Alt held is marked exactly as drawn."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for these tests: «حقان فيدان» only ever appears glued to «و».
TEXT = "عاد إلى العاصمة مساء الخميس وحقان فيدان بعد جولة في الجنوب، وزار مخيمات النازحين."


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="precise-e2e", title="جولة", text=TEXT)])
    return project.documents.get(external_id="precise-e2e")


def open_editor(page, live_server, document) -> None:
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))


def mark_with(page, key: str) -> None:
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press(key)
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def drag_inside(page, word: str, start: int, end: int) -> None:
    """A real mouse drag from before word[start] to after word[end - 1] (right to left)."""
    box = page.evaluate(
        """([word, start, end]) => {
            const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(word);
                if (at < 0) continue;
                const first = document.createRange(), last = document.createRange();
                first.setStart(node, at + start); first.setEnd(node, at + start + 1);
                last.setStart(node, at + end - 1); last.setEnd(node, at + end);
                const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
                return {x1: a.right - 1, y: a.top + a.height / 2, x2: b.left + 1};
            }
            throw new Error("word not found: " + word);
        }""",
        [word, start, end],
    )
    page.mouse.move(box["x1"], box["y"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y"], steps=3)
    page.mouse.move(box["x2"], box["y"], steps=3)
    page.mouse.up()


def test_a_precise_selection_after_a_conjunction_is_marked_as_drawn(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, live_document)
    select_in_text("وحقان فيدان", 1, len("وحقان فيدان"))
    mark_with(page, "1")
    span = Span.objects.get(set__owner=annotator)
    assert TEXT[span.start:span.end] == "حقان فيدان"
    assert page.locator(f'#doc-text mark[data-id="{span.pk}"]').all_inner_texts() == ["حقان فيدان"]

    # A selection begun inside a word is still completed to the whole word.
    select_in_text("مخيمات", 2, 4)
    mark_with(page, "4")
    assert sorted(TEXT[s.start:s.end] for s in Span.objects.filter(set__owner=annotator)) == ["حقان فيدان", "مخيمات"]


def test_a_selection_drawn_with_alt_is_not_snapped(page, live_server, live_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, live_document)
    # The keyboard help says how.
    assert page.locator("details.keys dt", has_text="Alt").count() >= 3

    page.keyboard.down("Alt")
    drag_inside(page, "النازحين", 2, 6)
    page.keyboard.up("Alt")
    drawn = page.evaluate("() => window.getSelection().toString()")
    assert drawn and drawn != "النازحين" and drawn in "النازحين"
    assert page.locator("#selection-info .exact").count() == 1  # the panel says it is taken as drawn
    mark_with(page, "4")
    span = Span.objects.get(set__owner=annotator)
    assert TEXT[span.start:span.end] == drawn

    # The same drag without Alt snaps to the whole word.
    drag_inside(page, "العاصمة", 2, 5)
    assert page.locator("#selection-info .exact").count() == 0
    mark_with(page, "3")
    assert sorted(TEXT[s.start:s.end] for s in Span.objects.filter(set__owner=annotator)) == sorted(
        [drawn, "العاصمة"])
