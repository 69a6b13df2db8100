"""annotate.editor.rendering: text + spans → HTML runs with code-point offsets and nested marks,
whole or in blocks (the editor's unit of redrawing)."""
import re
from html import unescape

from annotate.editor.rendering import (
    BLOCK_CHARS,
    BLOCK_MAX_CHARS,
    SpanView,
    block_starts,
    blocks_around,
    render_blocks,
    render_span_item,
    render_span_list,
    render_text,
)

RUN = re.compile(r'<span data-o="(\d+)">([^<]*)</span>')


def view(id, start, end, key="PER", label="شخص", colour="#e4572e"):
    return SpanView(id, key, colour, label, start, end)


def runs(html: str) -> list[tuple[int, str]]:
    return [(int(o), unescape(text)) for o, text in RUN.findall(html)]


def marks(html: str, span_id: int) -> list[str]:
    """The opening tags of every part of a span."""
    return re.findall(rf'<mark [^>]*data-id="{span_id}"[^>]*>', html)


def text_of_mark(html: str, span_id: int) -> str:
    """Concatenated run text inside every part of `span_id` (walks the tag nesting)."""
    out, stack = [], []
    for token in re.finditer(r'<mark [^>]*data-id="(\d+)"[^>]*>|</mark>|<span data-o="\d+">([^<]*)</span>', html):
        if token.group(0).startswith("<mark"):
            stack.append(int(token.group(1)))
        elif token.group(0) == "</mark>":
            stack.pop()
        elif span_id in stack:
            out.append(unescape(token.group(2)))
    return "".join(out)


def test_runs_cover_the_text_with_code_point_offsets_despite_emoji_and_latin():
    text = "😀 قال سمير داود لوكالة Reuters 🌍 إن الوفد زار حلب."
    start = text.index("حلب")
    html = render_text(text, [view(1, start, start + 3, "GPE")])
    pieces = runs(html)
    assert "".join(piece for _o, piece in pieces) == text
    for offset, piece in pieces:  # each run's data-o is its Python (code-point) index
        assert text[offset:offset + len(piece)] == piece
    assert (start, "حلب") in pieces
    assert text_of_mark(html, 1) == "حلب"


def test_text_is_escaped():
    text = 'قال <script>alert("x")</script> & مضى'
    html = render_text(text, [view(1, 0, 3)])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "".join(piece for _o, piece in runs(html)) == text


def test_labels_and_colours_are_escaped_in_attributes():
    html = render_text("سمير داود", [view(1, 0, 4, label='"><img src=x>', colour="red;background:url(x)")])
    assert "<img" not in html
    assert "url(x)" not in html  # an invalid colour falls back to grey
    assert 'data-label="&quot;&gt;&lt;img src=x&gt;"' in html


def test_nested_spans_are_nested_elements_and_the_outer_one_is_taller():
    text = "وزارة خارجية دمشق"
    html = render_text(text, [view(1, 0, len(text), "ORG"), view(2, 13, 17, "GPE")])
    assert re.search(r'<mark [^>]*data-id="1"[^>]*>.*<mark [^>]*data-id="2".*</mark></mark>$', html)
    assert 'data-height="1"' in marks(html, 1)[0] and 'data-height="0"' in marks(html, 2)[0]
    assert text_of_mark(html, 1) == text and text_of_mark(html, 2) == "دمشق"


def test_crossing_spans_are_split_into_parts_with_one_label():
    text = "abcdefghij"
    html = render_text(text, [view(1, 0, 5), view(2, 3, 8)])
    parts = marks(html, 2)
    assert len(parts) == 2
    assert "cont" not in parts[0] and "cont" in parts[1]
    assert ["last" in p for p in parts] == [False, True]
    assert text_of_mark(html, 1) == "abcde" and text_of_mark(html, 2) == "defgh"
    assert html.count("<mark") == html.count("</mark>")


def test_a_label_too_long_for_its_mark_comes_with_the_type_key_as_a_short_label():
    text = "زار صور ثم مدينة الإسكندرية الكبرى"
    short, long = text.index("صور"), text.index("مدينة")
    label = "كيان جغرافي سياسي"
    html = render_text(text, [view(1, short, short + 3, "GPE", label), view(2, long, len(text), "GPE", label),
                              view(3, short, short + 3, "STATEMENT", "تصريح")])
    assert 'data-short="GPE"' in marks(html, 1)[0]
    assert "data-short" not in marks(html, 2)[0]  # 23 characters of text hold the name
    assert "data-short" not in marks(html, 3)[0]  # the key is no shorter than the name


def test_only_the_first_part_of_a_split_span_gets_a_short_label():
    text = "abcdefghijklmnopqrstuvwxyz"
    html = render_text(text, [view(1, 0, 3, "X", "a long name"), view(2, 2, 26, "GPE", "geo-political entity")])
    parts = marks(html, 2)
    assert "cont" not in parts[0] and 'data-short="GPE"' in parts[0]  # its first part is one character
    assert "data-short" not in parts[1]


def test_spans_ending_together_leave_no_empty_parts():
    text = "abcdefghij"
    html = render_text(text, [view(1, 0, 5), view(4, 0, 5, "ORG"), view(2, 3, 8), view(3, 1, 2)])
    assert not re.search(r"<mark [^>]*></mark>", html)
    for span_id, expected in [(1, "abcde"), (4, "abcde"), (2, "defgh"), (3, "b")]:
        assert text_of_mark(html, span_id) == expected


def test_span_list_is_in_text_order_and_escaped():
    text = "<b>حلب</b> ودمشق"
    html = render_span_list(text, [view(2, 12, 16, "GPE"), view(1, 3, 6, "GPE", label="<i>")])
    assert html.index('data-id="1"') < html.index('data-id="2"')
    assert "<b>" not in html and "<i>" not in html and "&lt;i&gt;" in html


def test_a_long_document_with_many_crossing_spans_keeps_every_character():
    # Speed is measured by `make bench` (tests/bench/editor.py), not here.
    text = ("التقى سمير داود في القاهرة يوم ١٢ آذار 2021 مع وفد من دمشق. " * 400)[:20_000]
    spans = [view(i, i * 13, i * 13 + 5 + i % 7) for i in range(1500)]  # many cross their neighbours
    html = render_text(text, spans)
    listed = render_span_list(text, spans)
    assert "".join(piece for _o, piece in runs(html)) == text
    assert listed.count("data-id=") >= 1500


def test_triggers_and_suggestions_are_marked_as_their_own_kind():
    text = "التقى سمير داود في حلب"
    entity = view(1, 6, 15)
    trigger = SpanView(7, "MEET", "#1b998b", "لقاء", 0, 5, "trg", "incomplete")
    suggestion = SpanView(3, "GPE", "#3bb273", "مكان", 19, 22, "sug")
    html = render_text(text, [entity], [trigger], [suggestion])
    assert '<mark class="trg incomplete last" data-ev="7" data-t="MEET"' in html
    assert '<mark class="sug last" data-sug="3" data-t="GPE"' in html
    assert 'data-id="7"' not in html and 'data-id="3"' not in html  # clicks on them never select a span
    assert "".join(piece for _o, piece in runs(html)) == text


def test_event_summary_names_fillers_and_attribute_values():
    from annotate.editor.rendering import AttributeView, Choice, EventView, Filler, Slot

    slots = [
        Slot("Participant", "مشارك", ["PER"], 1, None,
             [Filler(1, 10, "سمير داود", "PER"), Filler(2, 11, "نبيل حداد", "PER")]),
        Slot("Place", "المكان", ["GPE"], 0, 1, [Filler(3, 12, "حلب", "GPE")]),
        Slot("Time", "الزمان", ["DATE"], 0, 1),
    ]
    factuality = AttributeView("factuality", "الواقعية", "enum", "DENIED",
                               [Choice("ASSERTED", "مؤكد", "a"), Choice("DENIED", "منفي", "d")])
    event = EventView(5, "MEET", "لقاء", "#1b998b", 0, 5, "التقى", slots, [factuality])
    assert event.summary == "سمير داود، نبيل حداد · حلب · منفي"
    assert event.missing == [] and event.as_mark().flags == ""
    slots[0].fillers.clear()
    assert [slot.key for slot in event.missing] == ["Participant"] and event.as_mark().flags == "incomplete"


# --- blocks --------------------------------------------------------------------------------

BLOCK_TAG = re.compile(r'<span class="blk" id="blk-(\d+)"[^>]*>')


def split_blocks(html: str) -> list[tuple[int, str, str]]:
    """(start, opening tag, inner HTML) of each block element: a block closes where the
    depth of <span> elements opened inside it comes back to zero."""
    out = []
    for opening in BLOCK_TAG.finditer(html):
        depth, at = 1, opening.end()
        for tag in re.finditer(r"<(/?)span\b[^>]*>", html[at:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                out.append((int(opening.group(1)), opening.group(0), html[at:at + tag.start()]))
                break
    return out


NEWS = "قال سمير: الوفد وصل. ثم زار حلب؟ نعم!\nالرقم 3.5 «صحيح.» وانتهى اللقاء"


def test_blocks_begin_after_sentence_ends_and_line_breaks_only():
    starts = block_starts(NEWS)
    assert starts == (0, NEWS.index("ثم"), NEWS.index("نعم"), NEWS.index("الرقم"), NEWS.index("وانتهى"))
    # No cut after a colon, nor inside a number.
    assert NEWS.index("الوفد") not in starts and NEWS.index("5") not in starts


def test_a_long_sentence_is_cut_after_a_comma_past_block_chars_then_at_any_space():
    words = "كلمة " * (BLOCK_CHARS // 5 + 10)
    text = words + "، " + "كلمة " * 600
    starts = block_starts(text)
    assert starts[1] == len(words) + 2  # right after the comma and its space
    lengths = [b - a for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert max(lengths) <= BLOCK_MAX_CHARS + len("كلمة ")
    assert all(text[start - 1] == " " for start in starts[1:])  # never inside a word
    assert block_starts("كلمة" * 500) == (0,)  # no space at all: one block


def test_blocks_cover_the_text_and_are_named_by_their_start():
    spans = [view(1, NEWS.index("سمير"), NEWS.index("سمير") + 4),
             view(2, NEWS.index("حلب"), NEWS.index("حلب") + 3, "GPE")]
    html = render_blocks(NEWS, spans)
    assert "".join(piece for _o, piece in runs(html)) == NEWS
    blocks = split_blocks(html)
    assert [start for start, _tag, _inner in blocks] == list(block_starts(NEWS))
    for start, _tag, inner in blocks:
        assert runs(inner)[0][0] == start
    assert text_of_mark(html, 1) == "سمير" and text_of_mark(html, 2) == "حلب"


def test_a_mark_over_a_block_end_is_cut_there_with_one_label():
    start, end = NEWS.index("الوفد"), NEWS.index("زار") + 3  # «الوفد وصل. ثم زار»
    html = render_blocks(NEWS, [view(1, start, end)])
    parts = marks(html, 1)
    assert len(parts) == 2
    assert "cont" not in parts[0] and "last" not in parts[0]
    assert "cont" in parts[1] and "last" in parts[1]
    assert text_of_mark(html, 1) == NEWS[start:end]


def test_within_gives_only_the_blocks_a_range_touches_as_the_whole_text_has_them():
    spans = [view(1, NEWS.index("حلب"), NEWS.index("حلب") + 3, "GPE"),
             view(2, NEWS.index("سمير"), NEWS.index("سمير") + 4)]
    suggestion = SpanView(9, "GPE", "#3bb273", "مكان", NEWS.index("زار"), NEWS.index("زار") + 3, "sug")
    whole = {start: (tag, inner) for start, tag, inner in split_blocks(render_blocks(NEWS, spans, [suggestion]))}
    lo, hi = blocks_around(NEWS, NEWS.index("حلب"), NEWS.index("حلب") + 3)
    assert (lo, hi) == (NEWS.index("ثم"), NEWS.index("نعم"))
    part = split_blocks(render_blocks(NEWS, spans, [suggestion], within=(lo, hi), oob=True))
    assert [start for start, _tag, _inner in part] == [lo]
    [(start, tag, inner)] = part
    assert 'hx-swap-oob="true"' in tag and inner == whole[start][1]
    assert 'data-sug="9"' in inner and 'data-id="1"' in inner and 'data-id="2"' not in inner
    assert blocks_around(NEWS, NEWS.index("وصل"), NEWS.index("زار") + 3) == (0, NEWS.index("نعم"))


def test_a_span_list_item_is_named_for_out_of_band_swaps():
    item = render_span_item("قال سمير", view(7, 4, 8))
    assert item.startswith('<li id="sl-7" data-id="7"') and "hx-swap-oob" not in item
    assert 'hx-swap-oob="true"' in render_span_item("قال سمير", view(7, 4, 8), oob=True)
    assert render_span_list("قال سمير", [view(7, 4, 8)]) == item


def test_every_part_of_a_mark_or_trigger_names_its_whole_type_in_its_tooltip():
    text = "وصل الوفد إلى صور مساء أمس."
    label = "كيان جغرافي سياسي طويل الاسم"
    at = text.index("صور")
    html = render_text(text, [view(1, at, at + 3, "GPE", label), view(2, at - 4, at + 3, "LOC", "مكان")],
                       [SpanView(3, "MOVE", "#123456", "انتقال", 0, 3, "trg")])
    assert f'title="{label}"' in marks(html, 1)[0] and 'data-short="GPE"' in marks(html, 1)[0]
    assert 'title="مكان"' in marks(html, 2)[0]
    assert re.search(r'<mark [^>]*data-ev="3"[^>]*title="انتقال"', html)
