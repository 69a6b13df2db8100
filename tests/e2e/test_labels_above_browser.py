"""Type labels above the line, in a real browser: every word's box is recorded when the
editor opens, then marks are added by keyboard, retyped, nested, taken from a suggestion
and deleted, and after each step no word has moved (0.5 px) and every label lies above
its mark's start without touching another label or any word. The same holds for the role
labels of an open event, whose arcs still end at their marks."""
from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Suggestion
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

from .conftest import select_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Made up for this test: long enough to wrap over several lines, with a Latin name inside.
TEXT = (
    "افتتحت بلدية صيدا صباح الاثنين معرضا للكتاب في قاعة المدينة الكبرى بمشاركة دار Levant Books "
    "وعدد من المكتبات المحلية، وقالت مديرة المعرض هالة شمس الدين إن أبوابه تبقى مفتوحة أسبوعين "
    "قبل أن ينتقل إلى مدينة صور في الربيع المقبل.\n"
    "وأضافت أن الدعوة مفتوحة لطلاب المدارس والجامعات في الجنوب."
)

# Every word's boxes (a Range over each run of non-space characters), and every label's
# box: a mark's ::after, placed from its containing block (the mark) by its used insets.
LAYOUT_JS = """() => {
  const text = document.getElementById("doc-text");
  // Relative to the text column: scrolling the page or a panel above it moves nothing.
  const origin = text.getBoundingClientRect();
  const plain = (r) => ({ left: r.left - origin.left, right: r.right - origin.left,
                          top: r.top - origin.top, bottom: r.bottom - origin.top });
  const words = [];
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  let index = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      words.push({ word: m[0], index: index++, rects: [...range.getClientRects()].map(plain) });
    }
  }
  const labels = [];
  for (const mark of text.querySelectorAll("mark")) {
    const style = getComputedStyle(mark, "::after");
    if (["none", "normal"].includes(style.content) || style.display === "none") continue;
    const probe = document.createElement("i");
    probe.style.cssText = "position:absolute;inset:0;display:block;pointer-events:none";
    mark.appendChild(probe);
    const block = probe.getBoundingClientRect();
    probe.remove();
    const left = block.left - origin.left + parseFloat(style.left);
    const top = block.top - origin.top + parseFloat(style.top);
    labels.push({
      mark: mark.dataset.id || mark.dataset.ev || mark.dataset.sug, kind: mark.classList[0], type: mark.dataset.t,
      text: style.content, position: style.position,
      box: { left, top, right: left + parseFloat(style.width), bottom: top + parseFloat(style.height) },
      rects: [...mark.getClientRects()].map(plain),
    });
  }
  return { words, labels };
}"""


def layout(page) -> dict:
    return page.evaluate(LAYOUT_JS)


def intersect(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and \
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5


def assert_words_still(page, before: dict, step: str) -> None:
    now = layout(page)["words"]
    assert [w["word"] for w in now] == [w["word"] for w in before["words"]], step
    for old, new in zip(before["words"], now, strict=True):
        for a, b in zip(old["rects"], new["rects"], strict=True):
            moved = max(abs(a[k] - b[k]) for k in ("left", "right", "top", "bottom"))
            assert moved <= 0.5, f"{step}: «{new['word']}» moved by {moved:.1f} px"


def assert_labels_clean(page, step: str) -> list[dict]:
    """Each label is out of the flow, above its mark's first part and at its start (the
    right edge: the text reads right to left); no label touches another or any word."""
    found = layout(page)
    labels, words = found["labels"], [r for w in found["words"] for r in w["rects"]]
    for label in labels:
        box, name = label["box"], f"{step}: label {label['text']} of mark {label['mark']}"
        assert label["position"] == "absolute", name
        # The mark's parts on its first line (a Latin word inside it is laid out apart).
        first_line = [r for r in label["rects"] if abs(r["top"] - label["rects"][0]["top"]) < 1]
        assert box["bottom"] <= first_line[0]["top"] + 0.5, f"{name} is not above its mark ({box} / {first_line})"
        assert any(abs(box["right"] - r["right"]) <= 1 for r in first_line), \
            f"{name} is not over the start of its mark ({box} / {first_line})"
        assert box["right"] - box["left"] > 4, f"{name} has no width"
        for word in words:
            assert not intersect(box, word), f"{name} covers a word at {word}"
    for i, one in enumerate(labels):
        for other in labels[i + 1:]:
            assert not intersect(one["box"], other["box"]), f"{step}: labels {one['text']} and {other['text']} meet"
    return labels


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def press(page, key: str, *, arabic_digit: str = "") -> None:
    """A shortcut that writes; with `arabic_digit`, the key as an Arabic layout sends it."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        if arabic_digit:
            page.evaluate(
                """([key, code]) => document.dispatchEvent(new KeyboardEvent("keydown",
                       {key, code, bubbles: true, cancelable: true}))""",
                [arabic_digit, "Digit" + key],
            )
        else:
            page.keyboard.press(key)
    settled(page)
    assert answer.value.status < 400, page.locator("#editor-messages").inner_text()


def at(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


@pytest.fixture
def live_document(project, annotator):
    add_documents(project, [DocumentRecord(external_id="e2e-labels", title="معرض الكتاب", text=TEXT)])
    document = project.documents.get(external_id="e2e-labels")
    types = {t.key: t for t in project.entity_types.all()}
    for key, words, score in [("GPE", "صيدا", 0.95), ("DATE", "صباح الاثنين", 1.0),
                              ("PER", "هالة شمس الدين", 0.9), ("GPE", "صور", 0.8)]:
        start, end = at(words)
        Suggestion.objects.create(document=document, tagger="gazetteer", score=score, start=start, end=end,
                                  entity_type=types[key])
    return document


def test_no_word_moves_while_marks_come_and_go(page, live_server, live_document, annotator, log_in):
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    page.evaluate("() => document.fonts.ready")
    before = layout(page)
    labels = assert_labels_clean(page, "open")
    assert sorted(label["kind"] for label in labels) == ["sug"] * 4

    # A mark by keyboard (FAC), then retyped (LOC, from an Arabic keyboard layout).
    select_in(page, "قاعة المدينة الكبرى", 0, len("قاعة المدينة الكبرى"))
    press(page, "5")
    page.locator('#doc-text mark.ent[data-t="FAC"]').wait_for()
    assert_words_still(page, before, "mark added")
    page.keyboard.press("Escape")
    assert_labels_clean(page, "mark added")
    page.locator('#doc-text mark.ent[data-t="FAC"]').first.click()
    press(page, "4", arabic_digit="٤")
    page.locator('#doc-text mark.ent[data-t="LOC"]').wait_for()
    assert_words_still(page, before, "mark retyped")
    page.keyboard.press("Escape")
    assert_labels_clean(page, "mark retyped")

    # A nested mark from the same start: its label stays down, the outer one rises.
    select_in(page, "قاعة المدينة الكبرى", 0, len("قاعة المدينة"))
    press(page, "5")
    page.locator('#doc-text mark.ent[data-t="FAC"]').wait_for()
    assert_words_still(page, before, "nested mark added")
    page.keyboard.press("Escape")
    labels = {label["type"]: label for label in assert_labels_clean(page, "nested mark added")
              if label["kind"] == "ent"}
    assert labels["LOC"]["box"]["bottom"] <= labels["FAC"]["box"]["top"]

    # A mark over a line break: one label, over its first part's start.
    words = layout(page)["words"]
    pair = next(
        w["word"] + " " + n["word"] for w, n in itertools.pairwise(words)
        if n["rects"][0]["top"] > w["rects"][0]["bottom"] and w["word"] + " " + n["word"] in TEXT
    )
    select_in(page, pair, 0, len(pair))
    press(page, "2")
    assert_words_still(page, before, "mark over a line break")
    page.keyboard.press("Escape")
    org = next(label for label in assert_labels_clean(page, "mark over a line break") if label["type"] == "ORG")
    assert len(page.locator(f'#doc-text mark[data-id="{org["mark"]}"]').evaluate("m => [...m.getClientRects()]")) >= 2

    # A suggestion accepted with the keyboard: its dashed label gives way to the mark's.
    page.keyboard.press(".")
    page.locator("#doc-text mark.sug.sug-sel").wait_for()
    press(page, "Enter")
    assert_words_still(page, before, "suggestion accepted")
    page.keyboard.press("Escape")
    kinds = sorted(label["kind"] for label in assert_labels_clean(page, "suggestion accepted"))
    assert kinds == ["ent"] * 4 + ["sug"] * 3

    # Hiding the suggestions hides their labels too.
    page.locator("#sug-toggle").uncheck()
    assert sorted(label["kind"] for label in assert_labels_clean(page, "suggestions hidden")) == ["ent"] * 4
    page.locator("#sug-toggle").check()

    # The outer mark deleted (a click on the word only it covers, then Delete).
    box = page.evaluate("""() => {
        const node = [...document.querySelectorAll('#doc-text mark.ent[data-t="LOC"] > span')].pop();
        const range = document.createRange(); range.selectNodeContents(node);
        node.scrollIntoView({block: "center"});
        const r = range.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    }""")
    page.mouse.click(box["x"], box["y"])
    page.locator('#doc-text mark.ent.sel[data-t="LOC"]').wait_for()
    press(page, "Delete")
    page.locator('#doc-text mark.ent[data-t="LOC"]').wait_for(state="detached")
    assert_words_still(page, before, "mark deleted")
    page.keyboard.press("Escape")
    assert_labels_clean(page, "mark deleted")


def test_role_labels_sit_above_their_marks_and_arcs_still_reach_them(
    page, live_server, live_document, annotator, log_in
):
    annotation_set = services.own_set(live_document, annotator)
    spans = {}
    for key, words in [("PER", "هالة شمس الدين"), ("FAC", "قاعة المدينة الكبرى"), ("DATE", "صباح الاثنين"),
                       ("GPE", "صيدا"), ("ORG", "بلدية صيدا")]:
        start, end = at(words)
        spans[key] = services.create_span(annotation_set, annotator, entity_type=key, start=start, end=end,
                                          version=ANY_VERSION)
    start, end = at("وقالت")
    event = services.create_event(annotation_set, annotator, event_type="STATEMENT", trigger_start=start,
                                  trigger_end=end, version=ANY_VERSION)
    for role, key in [("Speaker", "PER"), ("Place", "FAC"), ("Time", "DATE"), ("Source", "ORG")]:
        services.add_argument(event, annotator, role=role, span=spans[key], version=ANY_VERSION)

    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    page.evaluate("() => document.fonts.ready")
    before = layout(page)
    assert_labels_clean(page, "closed event")
    page.locator(f'#doc-text mark.trg[data-ev="{event.pk}"]').click()
    page.locator("#doc-text mark.ent.arg[data-role]").first.wait_for()
    assert_words_still(page, before, "event opened")
    labels = assert_labels_clean(page, "event opened")
    roles = {label["text"].strip('"') for label in labels if label["kind"] == "ent"}
    assert {"المتحدث", "المكان", "الزمان", "المصدر"} <= roles

    # Every arc ends at its argument's mark (its first part, top or bottom edge), and the
    # arcs are drawn over the labels.
    ends = page.evaluate("""() => [...document.querySelectorAll('#arcs g.arc')].map(g => {
        const path = g.querySelector('path'), svg = g.ownerSVGElement.getBoundingClientRect();
        const end = path.getPointAtLength(path.getTotalLength());
        const mark = document.querySelector('#doc-text mark[data-id="' + g.dataset.to + '"]').getClientRects()[0];
        return {x: svg.left + end.x, y: svg.top + end.y, mark: {left: mark.left, right: mark.right,
                top: mark.top, bottom: mark.bottom}};
    })""")
    assert len(ends) == 4
    for end in ends:
        mark = end["mark"]
        assert mark["left"] - 1 <= end["x"] <= mark["right"] + 1, end
        assert min(abs(end["y"] - mark["top"]), abs(end["y"] - mark["bottom"])) <= 1, end
    arcs_z = page.locator("#arcs").evaluate("svg => Number(getComputedStyle(svg).zIndex)")
    label_z = page.locator("#doc-text mark.ent.arg").first.evaluate(
        "m => Number(getComputedStyle(m, '::after').zIndex) || 0")
    assert arcs_z > label_z


def test_a_mark_drawn_before_the_server_answers_takes_its_label_row_at_once(
    page, live_server, live_document, annotator, log_in
):
    """Instant marks: a nested mark drawn while its write is on its way already lifts the
    label of the mark around it, so the two labels never sit on each other."""
    from .test_instant_marks_browser import CREATE, Held

    annotation_set = services.own_set(live_document, annotator)
    start, end = at("قاعة المدينة الكبرى")
    services.create_span(annotation_set, annotator, entity_type="LOC", start=start, end=end, version=ANY_VERSION)
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[live_document.project.slug, live_document.pk]))
    page.evaluate("() => document.fonts.ready")
    before = layout(page)
    held = Held(page, CREATE)
    select_in(page, "قاعة المدينة الكبرى", 0, len("قاعة المدينة"))
    page.keyboard.press("5")
    page.locator("#doc-text mark.ent.pending").wait_for()
    assert_words_still(page, before, "drawn, not stored yet")
    labels = {label["type"]: label for label in assert_labels_clean(page, "drawn, not stored yet")
              if label["kind"] == "ent"}
    assert labels["LOC"]["box"]["bottom"] <= labels["FAC"]["box"]["top"]
    held.release()
    page.locator("#doc-text mark.ent.pending").wait_for(state="detached")
    settled(page)
    assert_words_still(page, before, "stored")


def open_editor(page, live_server, document) -> dict:
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))
    page.evaluate("() => document.fonts.ready")
    return layout(page)


def line_tops(found: dict) -> list[float]:
    """The top of each line of words, from the first line down."""
    tops: list[float] = []
    for rect in sorted((r for w in found["words"] for r in w["rects"]), key=lambda r: r["top"]):
        if not tops or rect["top"] - tops[-1] > 5:
            tops.append(rect["top"])
    return tops


def select_offsets(page, start: int, end: int) -> None:
    """Select text[start:end] (the runs carry their start offset; this text is all in the BMP)."""
    page.evaluate("""([start, end]) => {
        const point = (at, last) => {
            for (const run of document.querySelectorAll("#doc-text span[data-o]")) {
                const lo = Number(run.dataset.o), hi = lo + run.textContent.length;
                if (last ? lo < at && at <= hi : lo <= at && at < hi) return [run.firstChild, at - lo];
            }
        };
        const range = document.createRange();
        range.setStart(...point(start, false));
        range.setEnd(...point(end, true));
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
    }""", [start, end])


# Four marks, each inside the next: «الدين» ⊂ «شمس الدين» ⊂ «هالة شمس الدين» ⊂ «مديرة المعرض هالة شمس الدين».
NESTED = [("PER", "الدين"), ("ORG", "شمس الدين"), ("GPE", "هالة شمس الدين"), ("LOC", "مديرة المعرض هالة شمس الدين")]


@pytest.mark.parametrize("depth", [3, 4])
def test_a_line_with_marks_nested_three_or_four_deep_has_room_for_every_label(
    page, live_server, live_document, annotator, log_in, depth
):
    """Two rows of labels fit in every line; a mark holding two or three levels of marks
    makes its line taller above the text, by one label row per level past the first, so
    its label never reaches into the line above. The lines above it do not move."""
    Suggestion.objects.filter(document=live_document).delete()  # only the marks nest here
    annotation_set = services.own_set(live_document, annotator)
    offset = TEXT.index("هالة شمس الدين")
    inner = [(key, TEXT.index(words, offset - len("مديرة المعرض ")), words) for key, words in NESTED[:depth]]
    for key, start, words in inner[:-1]:
        services.create_span(annotation_set, annotator, entity_type=key, start=start, end=start + len(words),
                             version=ANY_VERSION)
    log_in("ann1", "pass-ann1")
    before = open_editor(page, live_server, live_document)
    assert_labels_clean(page, f"{depth - 1} deep")
    mark_line = page.evaluate("""() => {
        const text = document.getElementById("doc-text").getBoundingClientRect();
        return document.querySelector('#doc-text mark.ent[data-t="PER"]').getClientRects()[0].top - text.top;
    }""")
    assert mark_line > line_tops(before)[0] + 5, "the nested marks must not be on the first line"

    # The outermost mark added by keyboard: drawn at once, then stored.
    key, start, words = inner[-1]
    select_offsets(page, start, start + len(words))
    press(page, {"PER": "1", "ORG": "2", "GPE": "3", "LOC": "4"}[key])
    page.keyboard.press("Escape")
    after = layout(page)
    labels = [label for label in assert_labels_clean(page, f"{depth} deep") if label["kind"] == "ent"]
    assert sorted(label["type"] for label in labels) == sorted(k for k, _ in NESTED[:depth])
    outer = next(label for label in labels if label["type"] == key)
    assert page.locator(f'#doc-text mark.ent[data-id="{outer["mark"]}"]').get_attribute("data-height") == str(depth - 1)

    # The lines above the marks' line stay where they were; the marks' line moved down to
    # make the room (by the rows it needs, not more), and no label meets a word.
    tops_before, tops_after = line_tops(before), line_tops(after)
    line = next(i for i, top in enumerate(tops_after) if abs(top - outer["rects"][0]["top"]) < 40)
    assert tops_after[:line] == pytest.approx(tops_before[:line], abs=0.5)
    size = page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('doc-text')).fontSize)")
    row, plain_line = size * .715 + 3, size * 3.6
    assert tops_after[line] - tops_before[line] == pytest.approx(row, abs=1.5)  # one level more: one row more
    assert tops_after[line] - tops_after[line - 1] == pytest.approx(plain_line + (depth - 2) * row, abs=1.5)


LONG_NAME = "مؤسسة تعليمية أو بحثية غير حكومية"


def test_a_long_type_name_on_a_short_mark_stands_as_its_key_and_is_whole_in_the_tooltip_and_panel(
    page, live_server, live_document, annotator, log_in
):
    """The schema has no short label besides the key: over a mark too short for the name,
    the label is the key (at once for a mark drawn before the server answers, as after),
    the mark's tooltip (title) and the side panel name the type in full, and no label
    meets another or a word."""
    from corpus.models import EntityType

    from .test_instant_marks_browser import CREATE, Held

    project = live_document.project
    EntityType.objects.create(project=project, key="EDU", name_ar=LONG_NAME, name_en="Educational or research body",
                              colour="#7c3aed", shortcut="7", order=99)
    Suggestion.objects.filter(document=live_document).delete()
    annotation_set = services.own_set(live_document, annotator)
    start, end = at("صيدا")
    stored = services.create_span(annotation_set, annotator, entity_type="EDU", start=start, end=end,
                                  version=ANY_VERSION)
    log_in("ann1", "pass-ann1")
    open_editor(page, live_server, live_document)
    mark = page.locator(f'#doc-text mark[data-id="{stored.pk}"]')
    assert mark.get_attribute("title") == LONG_NAME
    assert [label["text"] for label in assert_labels_clean(page, "stored")] == ['"EDU"']

    # Drawn at once with the same short label and tooltip.
    held = Held(page, CREATE)
    select_in(page, "صور", 0, len("صور"))
    page.keyboard.press("7")
    pending = page.locator("#doc-text mark.ent.pending")
    pending.wait_for(timeout=2000)
    assert pending.get_attribute("data-short") == "EDU" and pending.get_attribute("title") == LONG_NAME
    page.keyboard.press("Escape")
    assert [label["text"] for label in assert_labels_clean(page, "drawn")] == ['"EDU"'] * 2
    held.release()
    pending.wait_for(state="detached")
    settled(page)

    # Selected: the side panel names the type in full, and so does the list of marks.
    mark.click()
    page.locator(f'#doc-text mark.sel[data-id="{stored.pk}"]').wait_for()
    assert page.locator("#selection-info .chip").inner_text().strip() == LONG_NAME
    assert page.locator(f'#span-list li[data-id="{stored.pk}"] .chip').inner_text().strip() == LONG_NAME
