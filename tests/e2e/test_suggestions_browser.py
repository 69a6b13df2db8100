"""Suggestions in a real browser: dashed marks, stepping with . , accepting with Enter,
rejecting with Delete, accepting every suggestion of a type with the button; then the
page (marks, list, count, focus) and the database (span origins, decisions)."""
from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotate import services
from annotate.models import AnnotationSet, Span, Suggestion, SuggestionDecision
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for this test. The emoji first: UTF-16 offsets would be off by one code unit.
TEXT = (
    "😀 التقى سمير داود مع نبيل حداد في دمشق يوم ١٢ آذار 2021، "
    "ثم زار الوفد حلب قبل أن يعود إلى القاهرة لمتابعة المحادثات."
)


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="e2e-sug", title="اقتراحات", text=TEXT)])
    return project.documents.get(external_id="e2e-sug")


def at(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


@pytest.fixture
def suggestions(live_document):
    """What the taggers would have stored: three places, two people, a date, a meeting."""
    project = live_document.project
    types = {t.key: t for t in project.entity_types.all()}

    def entity(kind, text, tagger, score, value=""):
        start, end = at(text)
        return Suggestion.objects.create(document=live_document, tagger=tagger, score=score, start=start, end=end,
                                         entity_type=types[kind], value=value)

    start, end = at("التقى")
    meeting = Suggestion.objects.create(
        document=live_document, tagger="triggers", kind=Suggestion.Kind.EVENT, score=0.7, start=start, end=end,
        event_type=project.event_types.get(key="MEET"),
        arguments=[{"role": "Participant", "type": "PER", "start": at("سمير داود")[0], "end": at("سمير داود")[1]},
                   {"role": "Place", "type": "GPE", "start": at("دمشق")[0], "end": at("دمشق")[1]}],
    )
    return {
        "meeting": meeting,
        "samir": entity("PER", "سمير داود", "gazetteer", 0.91),
        "nabil": entity("PER", "نبيل حداد", "crf", 0.74),
        "damascus": entity("GPE", "دمشق", "gazetteer", 0.95),
        "date": entity("DATE", "١٢ آذار 2021", "dates", 1.0, "2021-03-12"),
        "aleppo": entity("GPE", "حلب", "gazetteer", 0.95),
        "cairo": entity("GPE", "القاهرة", "camel_ner", 0.83),
    }


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def focused(page) -> str:
    page.wait_for_selector("#doc-text mark.sug.sug-sel")
    return page.locator("#doc-text mark.sug.sug-sel").first.get_attribute("data-sug")


def decide_with(page, action, gone: list[int]) -> None:
    """Run `action` (a key press or a click) and wait until the decision is stored, the
    editor has fetched its partials again and the decided suggestions have left the text."""
    with page.expect_response(lambda r: r.request.method == "POST"):
        action()
    selector = ", ".join(f'#doc-text mark[data-sug="{pk}"]' for pk in gone)
    page.wait_for_function(f"() => !document.querySelector('{selector}')")
    settled(page)


def test_annotator_goes_through_suggestions_with_keys_and_the_accept_all_button(
    page, live_server, live_document, annotator, suggestions, log_in
):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    marks = page.locator("#doc-text mark.sug")
    assert marks.count() == 7
    assert page.locator("#sug-count").inner_text() == "7"
    # Dashed, in the type's colour, with the tagger and score as tooltip.
    samir = page.locator(f'#doc-text mark[data-sug="{suggestions["samir"].pk}"]')
    assert samir.evaluate("m => getComputedStyle(m).outlineStyle") == "dashed"
    assert samir.evaluate("m => getComputedStyle(m).outlineColor") == "rgb(194, 65, 12)"  # PER's #c2410c
    assert "0.91" in samir.get_attribute("title")

    # "." focuses the first suggestion in reading order: the meeting, with its proposed arguments.
    page.keyboard.press(".")
    assert focused(page) == str(suggestions["meeting"].pk)
    info = page.locator("#selection-info")
    assert "سمير داود" in info.locator(".sug-args").inner_text() and "دمشق" in info.locator(".sug-args").inner_text()
    page.screenshot(path="/tmp/suggestions_event.png", full_page=True)

    # "." again: «سمير داود»; Enter accepts it, and the focus moves on to «نبيل حداد».
    page.keyboard.press(".")
    assert focused(page) == str(suggestions["samir"].pk)
    assert "0.91" in info.inner_text()
    decide_with(page, lambda: page.keyboard.press("Enter"), [suggestions["samir"].pk])
    assert focused(page) == str(suggestions["nabil"].pk)
    assert page.locator("#span-list li").count() == 1

    # Delete rejects it; the focus moves on to «دمشق».
    decide_with(page, lambda: page.keyboard.press("Delete"), [suggestions["nabil"].pk])
    assert focused(page) == str(suggestions["damascus"].pk)
    assert page.locator(f'#doc-text mark[data-sug="{suggestions["nabil"].pk}"]').count() == 0
    assert "نبيل" not in page.locator("#span-list").inner_text()
    page.screenshot(path="/tmp/suggestions_focus.png", full_page=True)

    # Accept all «GPE» in this document: the three places at once.
    accept_all = page.locator("#selection-info .sug-accept-all")
    assert "(3)" in accept_all.inner_text()
    places = [suggestions[k].pk for k in ("damascus", "aleppo", "cairo")]
    decide_with(page, accept_all.click, places)
    assert page.locator("#sug-count").inner_text() == "2"  # the meeting and the date are left
    assert page.locator("#span-list li").count() == 4
    assert "3" in page.locator("#editor-messages").inner_text()

    # The database: spans with their origin, one decision per suggestion, the version moved on.
    annotation_set = AnnotationSet.objects.get(document=live_document, owner=annotator)
    origins = {span.origin["suggestion"]: (span.start, span.end) for span in Span.objects.filter(set=annotation_set)}
    expected = {suggestions[k].pk: (suggestions[k].start, suggestions[k].end)
                for k in ("samir", "damascus", "aleppo", "cairo")}
    assert origins == expected
    decisions = dict(SuggestionDecision.objects.filter(user=annotator).values_list("suggestion_id", "decision"))
    assert decisions == {
        suggestions["samir"].pk: "accepted", suggestions["nabil"].pk: "rejected",
        **{pk: "accepted" for pk in places},
    }
    assert page.locator("#set-state").get_attribute("data-set-version") == str(annotation_set.version)

    # Hiding them leaves plain text; "." then says why nothing is focused.
    page.locator("#sug-toggle").uncheck()
    date = page.locator(f'#doc-text mark[data-sug="{suggestions["date"].pk}"]')
    assert date.evaluate("m => getComputedStyle(m).outlineStyle") == "none"
    page.keyboard.press(".")
    assert page.locator("#doc-text mark.sug-sel").count() == 0
    page.locator("#sug-toggle").check()
    page.keyboard.press(",")
    assert focused(page) == str(suggestions["date"].pk)  # "," from nothing: the last one
    page.screenshot(path="/tmp/suggestions_page.png", full_page=True)


def test_a_version_announced_by_a_side_panel_is_used_for_the_next_decision(
    page, live_server, live_document, annotator, suggestions, log_in
):
    """The knowledge-base and cluster panels send `tawsim:version`: the next accept carries it."""
    annotation_set = services.own_set(live_document, annotator)  # opening the editor creates none
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    # Another tab moved the set on by one version (as a KB link would).
    AnnotationSet.objects.filter(pk=annotation_set.pk).update(version=annotation_set.version + 1)
    page.evaluate("v => htmx.trigger(document.body, 'tawsim:version', {version: v})", annotation_set.version + 1)
    assert page.locator("[data-set-version]").first.get_attribute("data-set-version") == str(annotation_set.version + 1)
    page.locator(f'#doc-text mark[data-sug="{suggestions["cairo"].pk}"]').click()
    decide_with(page, lambda: page.keyboard.press("Enter"), [suggestions["cairo"].pk])
    assert Span.objects.get(set=annotation_set).origin["suggestion"] == suggestions["cairo"].pk


def test_a_stale_decision_shows_the_reason_and_changes_nothing(
    page, live_server, live_document, annotator, suggestions, log_in
):
    annotation_set = services.own_set(live_document, annotator)  # opening the editor creates none
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    AnnotationSet.objects.filter(pk=annotation_set.pk).update(version=annotation_set.version + 5)
    page.locator(f'#doc-text mark[data-sug="{suggestions["cairo"].pk}"]').click()
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 409):
        page.keyboard.press("Enter")
    page.wait_for_selector("#editor-messages.error .reload")
    assert not SuggestionDecision.objects.exists()
    # The suggestion is still there: re-applying loads the current version and sends the
    # accept again, and it goes through.
    decide_with(page, page.locator("#editor-messages button.reapply").click, [suggestions["cairo"].pk])
    page.wait_for_function(
        f"() => document.getElementById('set-state').dataset.version === '{annotation_set.version + 6}'")
    assert SuggestionDecision.objects.get().decision == "accepted"


def test_submit_with_undecided_suggestions_asks_then_offers_the_next_document(
    page, live_server, live_document, annotator, suggestions, log_in
):
    project = live_document.project
    add_documents(project, [DocumentRecord(external_id="e2e-sug-2", title="التالية", text="وصل الوفد إلى بيروت.")])
    following = project.documents.get(external_id="e2e-sug-2")
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[project.slug, live_document.pk]))
    dialog = page.locator("#undecided-dialog")

    # Submit asks first, saying how many in Arabic; Cancel leaves everything as it was.
    page.locator("#submit-button").click()
    expect(dialog).to_be_visible()
    assert dialog.locator("#undecided-text").inner_text() == "7 اقتراحات لم تُحسم بعد."
    dialog.locator("#undecided-cancel").click()
    expect(dialog).to_be_hidden()
    assert not AnnotationSet.objects.filter(document=live_document).exists()  # nothing written yet

    # "Reject them all and submit": the suggestions are rejected and the set submitted.
    page.locator("#submit-button").click()
    expect(dialog).to_be_visible()
    dialog.locator("#undecided-reject").click()
    page.locator("#reopen-button").wait_for()
    annotation_set = AnnotationSet.objects.get(document=live_document)
    assert annotation_set.status == "submitted"
    decisions = SuggestionDecision.objects.filter(suggestion__document=live_document)
    assert sorted(decisions.values_list("decision", flat=True)) == ["rejected"] * 7
    assert page.locator("#doc-text mark.sug").count() == 0

    # The next document from the queue is one press away.
    page.locator("#next-document-button").click()
    page.wait_for_url(live_server.url + reverse("editor", args=[project.slug, following.pk]))
