"""Events in a real browser: a MEET event with two participants, a place, a time and a
factuality value, made with the mouse and the keyboard; then the page (event list
summary, role slots, arcs in the SVG), the database, undo and redo."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import Event, Relation, Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for this test; long enough that the place and time wrap onto the next line.
TEXT = (
    "التقى سمير داود مع نبيل حداد في دمشق يوم ١٢ آذار 2021 لبحث خطة إعادة فتح المعابر "
    "بين البلدين وتنظيم حركة الشاحنات والمسافرين خلال الأشهر المقبلة.\n"
    "وقال مصدر في الغرفة التجارية إن اللقاء تناول أيضا ملف الطاقة."
)
PLAN = ("التقى", "سمير داود", "نبيل حداد", "دمشق", "١٢ آذار 2021")


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="e2e-meet", title="لقاء دمشق", text=TEXT)])
    return project.documents.get(external_id="e2e-meet")


def drag_select(page, word: str) -> None:
    """Select `word` with a real mouse drag: press at its start (its right edge, the text
    reads right to left), move to its end (left edge), release. A panel that loads after
    the last write can still move the text; a person would see it and drag again, so a
    drag that did not take the word is made once more from fresh coordinates."""
    for _attempt in range(2):
        _drag_over(page, word)
        if page.evaluate("() => window.getSelection().toString().trim()") == word:
            return
        page.evaluate("() => window.getSelection().removeAllRanges()")
    raise AssertionError(f"a mouse drag did not select «{word}»")


def _drag_over(page, word: str) -> None:
    box = page.evaluate(
        """(word) => {
            const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return {x1: first.right - 1, y1: first.top + first.height / 2,
                        x2: last.left + 1, y2: last.top + last.height / 2};
            }
            throw new Error("word not found: " + word);
        }""",
        word,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def press(page, key: str) -> None:
    """Press a key that sends a change, and wait until its answer has been swapped in."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.keyboard.press(key)
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    refused = answer.value.status >= 400
    assert not refused, f"{key!r} was refused: {page.locator('#editor-messages').inner_text()}"


def slot_texts(page, role: str) -> list[str]:
    return page.locator(f'#event-panel .slot[data-role="{role}"] .filler bdi').all_inner_texts()


def test_annotator_builds_a_meeting_with_mouse_and_keys(
    page, live_server, live_document, annotator, log_in, select_in_text
):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))

    # «نبيل حداد» is marked first, so it can fill its slot with a click.
    drag_select(page, "نبيل حداد")
    press(page, "1")

    # The trigger: select «التقى», press m (MEET). Its panel opens with every role slot.
    drag_select(page, "التقى")
    press(page, "m")
    panel = page.locator("#event-panel")
    assert panel.get_attribute("data-ev")
    assert page.locator("#event-panel .slot").count() == 5
    assert page.locator('#event-panel .slot.active').get_attribute("data-role") == "Participant"
    assert "missing" in page.locator('#event-panel .slot[data-role="Participant"]').get_attribute("class")

    # Participant 1: select text and press the PER key: the span and the argument in one step.
    drag_select(page, "سمير داود")
    press(page, "1")
    # Participant 2: click the existing mark.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator('#doc-text mark[data-t="PER"]', has_text="نبيل").first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#event-panel .slot[data-role=\"Participant\"] .filler').length === 2"
    )
    assert slot_texts(page, "Participant") == ["سمير داود", "نبيل حداد"]

    # Place ('), then Time ('), each from a selection and an entity key.
    page.keyboard.press("'")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == "Place"
    drag_select(page, "دمشق")
    press(page, "3")
    page.keyboard.press("'")
    assert page.locator("#event-panel .slot.active").get_attribute("data-role") == "Time"
    # A date mixes directions (Latin digits): a mouse drag's visual ends are not its
    # logical ends, so select it as the keyboard or a double drag would: a DOM range.
    select_in_text("١٢ آذار 2021", 0, len("١٢ آذار 2021"))
    press(page, "6")
    # Factuality: r = REPORTED.
    press(page, "r")

    # The page: the panel, the list's one-line summary, the marks and the arcs.
    assert slot_texts(page, "Place") == ["دمشق"] and slot_texts(page, "Time") == ["١٢ آذار 2021"]
    assert page.locator('#event-panel .attr-btn.on').get_attribute("data-value") == "REPORTED"
    summary = page.locator("#event-list li").first.inner_text()
    assert "سمير داود، نبيل حداد · دمشق · ١٢ آذار 2021 · منقول" in summary
    assert page.locator("#doc-text mark.trg.trg-sel").count() >= 1
    assert page.locator("#doc-text mark.arg").count() >= 4
    arcs = page.locator("#arcs g.arc-argument")
    assert arcs.count() == 4
    labels = arcs.evaluate_all("gs => gs.map(g => g.dataset.label)")
    # Each role's arcs look their own (colour and dash), and each arc ends on its argument's mark.
    looks = arcs.evaluate_all("""gs => gs.map(g => [g.dataset.role, getComputedStyle(g.querySelector('path')).stroke,
                                                 g.querySelector('path').getAttribute('stroke-dasharray') || ''])""")
    by_role = {role: (stroke, dash) for role, stroke, dash in looks}
    assert set(by_role) == {"Participant", "Place", "Time"} and len(set(by_role.values())) == 3
    assert len({stroke for stroke, _dash in by_role.values()}) == 3
    ends = arcs.evaluate_all("""gs => gs.map(g => {
        const path = g.querySelector('path'), svg = path.ownerSVGElement.getBoundingClientRect();
        const end = path.getPointAtLength(path.getTotalLength());
        const x = svg.left + end.x, y = svg.top + end.y;
        const marks = [...document.querySelectorAll('#doc-text mark[data-id="' + g.dataset.to + '"]')];
        return marks.some(m => [...m.getClientRects()].some(r =>
            x >= r.left - 2 && x <= r.right + 2 && y >= r.top - 2 && y <= r.bottom + 2));
    })""")
    assert ends == [True] * 4
    assert sorted(labels) == sorted(["مشارك", "مشارك", "المكان", "الزمان"])
    for d in arcs.evaluate_all("gs => gs.map(g => g.querySelector('path').getAttribute('d'))"):
        assert d.startswith("M") and "NaN" not in d
    page.locator(".editor-body").screenshot(path="/tmp/event_panel.png")
    page.screenshot(path="/tmp/event_page.png", full_page=True)

    # The database.
    event = Event.objects.get(set__owner=annotator)
    assert event.event_type.key == "MEET" and event.attributes == {"factuality": "REPORTED"}
    assert TEXT[event.trigger_start:event.trigger_end] == "التقى"
    roles = sorted((a.role.key, TEXT[a.span.start:a.span.end]) for a in event.arguments.select_related("role", "span"))
    assert roles == [
        ("Participant", "سمير داود"), ("Participant", "نبيل حداد"), ("Place", "دمشق"), ("Time", "١٢ آذار 2021"),
    ]

    # Arcs follow the layout: a narrower window re-wraps the text and they are redrawn.
    page.set_viewport_size({"width": 900, "height": 800})
    page.wait_for_timeout(200)
    assert page.locator("#arcs g.arc-argument").count() == 4

    # Undo (Ctrl+Z) takes the factuality back; redo (Ctrl+Shift+Z) re-applies it.
    press(page, "Control+z")
    event.refresh_from_db()
    assert event.attributes == {"factuality": "ASSERTED"}
    press(page, "Control+Shift+z")
    event.refresh_from_db()
    assert event.attributes == {"factuality": "REPORTED"}

    # Clear the Time slot (' to it, Delete), then close the event with Esc.
    while page.locator("#event-panel .slot.active").get_attribute("data-role") != "Time":
        page.keyboard.press("'")
    press(page, "Delete")
    assert slot_texts(page, "Time") == [] and event.arguments.count() == 3
    page.keyboard.press("Escape")
    page.locator("#event-panel").wait_for(state="hidden")
    assert page.locator("#arcs g").count() == 0


def test_annotator_links_a_person_to_an_organisation(page, live_server, live_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    drag_select(page, "الغرفة التجارية")
    press(page, "2")
    drag_select(page, "سمير داود")
    press(page, "1")
    # The new PER mark is selected: l, click the target, then the relation's number key.
    page.locator("#doc-text mark.sel").wait_for()
    page.keyboard.press("l")
    page.locator('#doc-text mark[data-t="ORG"]').click()
    page.locator("#selection-info .relation-btn").first.wait_for()
    assert page.locator("#selection-info .relation-btn").all_inner_texts()[0].startswith("انتماء")
    # Source, arrow, target read right to left: the arrow is mirrored to point at the target.
    arrow = page.locator("#selection-info .picked .dir")
    assert arrow.evaluate("el => getComputedStyle(el).transform") == "matrix(-1, 0, 0, 1, 0, 0)"
    chips = page.locator("#selection-info .picked .chip")
    source_x, target_x = (chips.nth(i).bounding_box()["x"] for i in (0, 1))
    assert target_x < arrow.bounding_box()["x"] < source_x
    press(page, "1")
    relation = Relation.objects.get(set__owner=annotator)
    assert (relation.relation_type.key, TEXT[relation.source.start:relation.source.end]) == ("AFFILIATION", "سمير داود")
    # Shown like arguments: selecting the person draws the labelled arc and lists the link.
    page.locator("#span-detail .relation-list li").wait_for()
    assert page.locator("#arcs g.arc-relation").count() == 1
    assert page.locator("#span-detail .relation-list .dir").inner_text() == "←"  # to the organisation, leftwards
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator("#span-detail .rel-delete").click()
    page.wait_for_function("() => !document.querySelector('#span-detail .relation-list')")
    assert not Relation.objects.exists() and Span.objects.filter(set__owner=annotator).count() == 2
