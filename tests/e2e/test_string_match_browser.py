"""Marking a name in the browser offers its other occurrences in the document at once:
they show as suggestions in the same answer, without reloading the page, and accepting
one marks it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import Span, Suggestion
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for this test: the name a second time with a glued «و», a third without hamza.
TEXT = (
    "😀 افتتح أسامة الكردي معرض الكتاب في المدينة. "
    "وقال وأسامة الكردي يتجول بين الأجنحة إن الإقبال كبير، "
    "ثم غادر اسامة الكردي المعرض مساء."
)


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="e2e-sm", title="معرض الكتاب", text=TEXT)])
    return project.documents.get(external_id="e2e-sm")


def test_marking_a_name_shows_its_other_occurrences_as_suggestions_without_reloading(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    page.evaluate("() => { window.notReloaded = true; }")
    assert page.locator("#doc-text mark.sug").count() == 0

    select_in_text("أسامة الكردي", 0, len("أسامة الكردي"))
    with page.expect_response(lambda r: r.request.method == "POST" and "/spans/" in r.url):
        page.keyboard.press("1")  # PER
    page.locator('#doc-text mark.ent[data-t="PER"]').wait_for()
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.sug').length === 2")

    assert page.evaluate("() => window.notReloaded === true")
    marks = page.locator("#doc-text mark.sug")
    assert marks.all_inner_texts() == ["أسامة الكردي", "اسامة الكردي"]  # the «و» left outside
    message = page.locator("#editor-messages").inner_text()
    assert "اقتُرح في موضعين آخرين" in message or "2 other occurrences" in message  # the page's language
    offered = Suggestion.objects.filter(document=live_document, tagger="string_match", user=annotator)
    assert offered.count() == 2

    # Accepting the first offer (click, then Enter) marks it as PER.
    marks.first.click()
    with page.expect_response(lambda r: r.request.method == "POST" and "/accept/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.sug').length === 1")
    spans = Span.objects.filter(set__owner=annotator).order_by("start")
    assert [TEXT[s.start:s.end] for s in spans] == ["أسامة الكردي", "أسامة الكردي"]
