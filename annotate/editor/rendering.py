"""Document text and spans → HTML for the editor.

Pure functions: text and plain tuples in, safe HTML out. The text is cut at every
span boundary into runs; each run is wrapped in `<span data-o="N">` where N is the
run's start as a code-point offset, so the browser turns a selection into offsets by
counting only inside one run. Spans become nested `<mark>` elements; a span that
crosses another (overlaps without nesting) is split into parts that share its id.

The editor shows the text as blocks (render_blocks): sentences and lines, each in its
own element named by where it starts. Blocks depend on the text alone, so a write
re-renders only the blocks its span touches and htmx swaps them in by id.

Strings are built in one pass (no template loop per segment): a 20,000-character
document with 1,500 spans renders in a few milliseconds.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

from corpus.text.offsets import valid_span

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FALLBACK_COLOUR = "#6b6b6b"  # corpus.models.DEFAULT_COLOUR
SNIPPET_CHARS = 60


class SpanView(NamedTuple):
    """Anything marked in the text. `kind` picks the element's class and id attribute
    (see MARK_KINDS); `flags` adds classes (e.g. "incomplete" on an event trigger);
    `title` becomes the mark's tooltip (a suggestion's tagger and score)."""

    id: int
    type_key: str
    colour: str
    label: str
    start: int
    end: int
    kind: str = "ent"
    flags: str = ""
    title: str = ""


# kind → the attribute naming the object, read by editor.js: entity spans (data-id),
# event triggers (data-ev), and machine suggestions (data-sug, drawn with a dashed outline).
MARK_KINDS = {"ent": "data-id", "trg": "data-ev", "sug": "data-sug"}


class _Open:
    """A mark element being written: where its opening tag goes, where this part of the
    span begins, and how many levels of marks it holds (its height), known only when it
    closes."""

    __slots__ = ("span", "slot", "height", "first", "start")

    def __init__(self, span: SpanView, slot: int, first: bool, start: int):
        self.span, self.slot, self.height, self.first, self.start = span, slot, 0, first, start


# The type label is drawn above the mark and no wider than it (editor.css). Where the
# label would clearly not fit, the mark carries its type key as a short label too: a
# guess from character counts (widths in the text's em: a character of the text, one of
# the label at .55 of its size, and the label's padding), so the stylesheet's ellipsis
# stays the guarantee and this only picks the more readable of the two.
_TEXT_CHAR_EM, _LABEL_CHAR_EM, _LABEL_PAD_EM = 0.38, 0.3, 0.5


def short_label(span: SpanView, part_chars: int) -> str:
    """The type key, when it is shorter than the label and the label would not fit over
    `part_chars` characters of text; otherwise nothing."""
    key, label = span.type_key, span.label
    if not key or len(key) >= len(label):
        return ""
    fits = len(label) * _LABEL_CHAR_EM + _LABEL_PAD_EM <= part_chars * _TEXT_CHAR_EM
    return "" if fits else key


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def css_colour(value: str) -> str:
    # The model validates colours; checking again keeps CSS injection impossible here.
    return value if _COLOUR.match(value or "") else _FALLBACK_COLOUR


def _opening_tag(element: _Open, at: int) -> str:
    span = element.span
    last = span.end == at
    classes = span.kind if span.kind in MARK_KINDS else "ent"
    if span.flags:
        classes += " " + _attr(span.flags)
    if not element.first:
        classes += " cont"
    if last:
        classes += " last"
    # The tooltip: a suggestion's tagger and score; for a mark or a trigger, its type's
    # whole name (its label may be cut short or stand as the key over a short mark).
    title = span.title or span.label
    extra = f' title="{_attr(title)}"' if title else ""
    short = short_label(span, at - element.start) if element.first else ""
    if short:
        extra += f' data-short="{_attr(short)}"'
    return (
        f'<mark class="{classes}" {MARK_KINDS.get(span.kind, "data-id")}="{span.id}" data-t="{_attr(span.type_key)}" '
        f'data-label="{_attr(span.label)}" data-colour="{css_colour(span.colour)}" '
        f'data-height="{element.height}"{extra}>'
    )


def render_text(text: str, spans: Iterable[SpanView], *layers: Iterable[SpanView]) -> SafeString:
    """The document text as HTML runs and (nested, possibly split) marks. Further
    `layers` (event triggers, suggestions) are marked the same way, each item with its kind."""
    return mark_safe(_render_range(text, 0, len(text), _marks_in(text, spans, layers)))


def _marks_in(text: str, spans: Iterable[SpanView], layers) -> list[SpanView]:
    return [s for layer in (spans, *layers) for s in layer if valid_span(text, s.start, s.end)]


def _render_range(text: str, lo: int, hi: int, marks: list[SpanView]) -> str:
    """text[lo:hi] as runs and marks. A mark reaching past either end is cut there: the
    part is a continuation ("cont") when it began earlier, and is not the "last" part
    when it goes on later. The type label is drawn over the first part only."""
    starts: dict[int, list[SpanView]] = {}
    ends: dict[int, list[SpanView]] = {}
    for span in marks:
        starts.setdefault(max(span.start, lo), []).append(span)
        ends.setdefault(min(span.end, hi), []).append(span)
    # Outer spans open first: longer first, then by id for a stable order. A suggestion
    # with the same extent as a human mark goes inside it, so a click can still reach it.
    for group in starts.values():
        group.sort(key=lambda s: (-s.end, s.kind == "sug", s.id))
    cuts = sorted({lo, hi, *starts, *ends})

    out: list[str] = []
    stack: list[_Open] = []

    def close_top(at: int) -> _Open:
        element = stack.pop()
        out[element.slot] = _opening_tag(element, at)
        out.append("</mark>")
        if stack:
            stack[-1].height = max(stack[-1].height, element.height + 1)
        return element

    def open_part(span: SpanView, first: bool, at: int) -> None:
        out.append("")  # the opening tag, filled in on close (height is not known yet)
        stack.append(_Open(span, len(out) - 1, first, at))

    for index, at in enumerate(cuts):
        if at in ends:
            _close_ending_at(at, {id(span) for span in ends[at]}, stack, close_top, open_part)
        for span in starts.get(at, ()):
            open_part(span, span.start == at, at)
        if index + 1 < len(cuts):
            following = cuts[index + 1]
            out.append(f'<span data-o="{at}">{escape(text[at:following], quote=False)}</span>')
    while stack:  # only spans ending at `hi` remain, and they were closed above
        close_top(hi)
    return "".join(out)


def _close_ending_at(at: int, ending: set[int], stack: list[_Open], close_top, open_part) -> None:
    """Close every open span that ends at `at`. Marks above the outermost of them that
    go on past `at` are closed too and reopened as continuation parts: this is how
    crossing spans are split (all at once, so no part is reopened only to end empty)."""
    lowest = next(i for i, element in enumerate(stack) if id(element.span) in ending)
    closed = [close_top(at).span for _ in range(len(stack) - lowest)]
    for span in reversed(closed):
        if id(span) not in ending:
            open_part(span, False, at)


# --- blocks: the editor's text in pieces that can be redrawn one by one ------------------

# A block ends after a line break, or after the space that follows a sentence end (with
# any closing quotes or brackets): names rarely reach over either. (The lookahead lets
# the regex engine skip ahead to candidate characters: several times faster.)
_BLOCK_END = re.compile(r"(?=[\n.!?؟…])(?:\n+|[.!?؟…]+[\"'»”’)\]]*\s+)")
# A long sentence also ends, past BLOCK_CHARS, after the space following a comma or
# semicolon; failing one before BLOCK_MAX_CHARS, after the first space past that.
_PAUSE = re.compile(r"(?=[،,؛;])[،,؛;]+\s+")
_GAP = re.compile(r"\s+")
BLOCK_CHARS = 300
BLOCK_MAX_CHARS = 900


@lru_cache(maxsize=2)  # a span write asks twice for the same text (blocks_around, render_blocks)
def block_starts(text: str) -> tuple[int, ...]:
    """Where the text's blocks begin, in order (0 first). A function of the text alone:
    a block keeps its start, hence its id, whatever is marked in it."""
    ends = [match.end() for match in _BLOCK_END.finditer(text)]
    starts = []
    for lo, hi in zip([0, *ends], [*ends, len(text)], strict=True):
        starts += _long_sentence_starts(text, lo, hi)
    return tuple(start for start in starts if start < len(text))


def _long_sentence_starts(text: str, lo: int, hi: int) -> list[int]:
    """`lo`, and the starts of the further blocks text[lo:hi] is cut into when long."""
    starts = [lo]
    while hi - starts[-1] > BLOCK_CHARS:
        at = starts[-1]
        pause = _PAUSE.search(text, at + BLOCK_CHARS, hi)
        if pause and pause.end() - at <= BLOCK_MAX_CHARS:
            cut = pause.end()
        else:
            gap = _GAP.search(text, at + BLOCK_MAX_CHARS, hi)
            cut = gap.end() if gap else hi
        if cut >= hi:
            break
        starts.append(cut)
    return starts


def block_id(start: int) -> str:
    return f"blk-{start}"


def blocks_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The range of the blocks that text[start:end] touches (end > start)."""
    starts = block_starts(text)
    first = bisect_right(starts, start) - 1
    after = bisect_right(starts, end - 1)
    return starts[first], starts[after] if after < len(starts) else len(text)


def render_blocks(
    text: str, spans: Iterable[SpanView], *layers: Iterable[SpanView], within: tuple[int, int] | None = None,
    oob: bool = False,
) -> SafeString:
    """The text as block elements (`<span class="blk" id="blk-START">`), each rendered on
    its own: a mark reaching over a block's end is cut there, like crossing marks. With
    `within` (start, end), only the blocks touching that range; with `oob`, each block
    carries hx-swap-oob, so htmx puts it in place of the block with its id."""
    starts = block_starts(text)
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    marks = _marks_in(text, spans, layers)
    if within is not None:
        bounds = [(lo, hi) for lo, hi in bounds if lo < within[1] and hi > within[0]]
        lo, hi = (bounds[0][0], bounds[-1][1]) if bounds else (0, 0)
        marks = [mark for mark in marks if mark.start < hi and mark.end > lo]
    by_block = _marks_by_block(starts, [lo for lo, _hi in bounds], marks)
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe("".join(
        f'<span class="blk" id="{block_id(lo)}"{swap}>{_render_range(text, lo, hi, by_block.get(lo, []))}</span>'
        for lo, hi in bounds
    ))


def _marks_by_block(starts: tuple[int, ...], wanted: list[int], marks: list[SpanView]) -> dict[int, list[SpanView]]:
    """Each wanted block's marks (by the block's start): a mark goes to every block it touches."""
    wanted_set = set(wanted)
    out: dict[int, list[SpanView]] = {}
    for mark in marks:
        index = bisect_right(starts, mark.start) - 1
        while index < len(starts) and starts[index] < mark.end:
            if starts[index] in wanted_set:
                out.setdefault(starts[index], []).append(mark)
            index += 1
    return out


# --- the side panel's list of marks ---------------------------------------------------------

def span_list_order(span: SpanView) -> tuple[int, int, int]:
    """Text order: by start, the longer first, then by id."""
    return span.start, -span.end, span.id


def span_list_id(span_id: int) -> str:
    return f"sl-{span_id}"


def render_span_list(text: str, spans: Iterable[SpanView]) -> SafeString:
    """The side panel's list items, in text order, each naming its type and text."""
    return mark_safe("".join(render_span_item(text, span) for span in sorted(spans, key=span_list_order)))


def render_span_item(text: str, span: SpanView, oob: bool = False) -> SafeString:
    """One list item; with `oob`, marked for htmx to put in place of the item with its id."""
    snippet = snip(text[span.start:span.end])
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(
        f'<li id="{span_list_id(span.id)}" data-id="{span.id}" data-colour="{css_colour(span.colour)}"{swap}>'
        f'<button type="button" class="span-item" data-id="{span.id}" title="{span.start}–{span.end}">'
        f'<span class="chip">{escape(span.label, quote=False)}</span> '
        f'<bdi dir="rtl" lang="ar">{escape(snippet, quote=False)}</bdi></button></li>'
    )


# --- events and relations, for the side panel -------------------------------------------

@dataclass
class Filler:
    argument_id: int
    span_id: int
    text: str
    type_key: str


@dataclass
class Slot:
    """One role of an event's type, with what fills it: shown even when empty."""

    key: str
    label: str
    allowed: list[str]
    min_count: int
    max_count: int | None
    fillers: list[Filler] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return len(self.fillers) < self.min_count


@dataclass
class Choice:
    key: str
    label: str
    shortcut: str = ""


@dataclass
class AttributeView:
    key: str
    label: str
    kind: str  # enum, bool, text
    value: object
    choices: list[Choice] = field(default_factory=list)

    @property
    def value_label(self) -> str:
        if self.kind == "enum":
            return next((c.label for c in self.choices if c.key == self.value), str(self.value or ""))
        return "" if self.value in (None, "") else str(self.value)


@dataclass
class EventView:
    id: int
    type_key: str
    label: str
    colour: str
    start: int
    end: int
    trigger: str
    slots: list[Slot]
    attributes: list[AttributeView]

    @property
    def missing(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.missing]

    @property
    def summary(self) -> str:
        """One line: who, where, when, and the attribute values (e.g. factuality)."""
        parts = ["، ".join(f.text for f in slot.fillers) for slot in self.slots if slot.fillers]
        parts += [a.value_label for a in self.attributes if a.value_label]
        return " · ".join(snip(part) for part in parts)

    def as_mark(self) -> SpanView:
        return SpanView(self.id, self.type_key, self.colour, self.label, self.start, self.end, "trg",
                        "incomplete" if self.missing else "")

    def as_data(self) -> dict:
        """What editor.js needs to draw arcs and check the roles of the selected event."""
        return {
            "id": self.id, "type": self.type_key, "colour": css_colour(self.colour),
            "args": [
                {"id": f.argument_id, "span": f.span_id, "role": slot.key, "label": slot.label, "order": order}
                for order, slot in enumerate(self.slots) for f in slot.fillers
            ],
        }


@dataclass
class RelationView:
    id: int
    type_key: str
    label: str
    colour: str
    source_id: int
    target_id: int
    source_text: str
    target_text: str

    def as_data(self) -> dict:
        return {"id": self.id, "type": self.type_key, "label": self.label, "colour": css_colour(self.colour),
                "source": self.source_id, "target": self.target_id}


def snip(text: str, limit: int = SNIPPET_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- machine suggestions ----------------------------------------------------------------

@dataclass
class ProposedArgument:
    """A role filler an event suggestion proposes (offsets into the text)."""

    role: str
    role_label: str
    type_key: str
    type_label: str
    text: str


@dataclass
class SuggestionView:
    """A pending suggestion as the editor shows it: a dashed mark in the text, and the
    data editor.js builds its panel from."""

    id: int
    kind: str  # "entity" or "event" (a proposed trigger)
    type_key: str
    label: str
    colour: str
    start: int
    end: int
    text: str
    tagger: str
    tagger_label: str
    score: float
    value: str = ""
    arguments: list[ProposedArgument] = field(default_factory=list)

    @property
    def tooltip(self) -> str:
        parts = [self.label, self.tagger_label, f"{self.score:.2f}"]
        return " · ".join(parts + ([self.value] if self.value else []))

    def as_mark(self) -> SpanView:
        flags = "ev" if self.kind == "event" else ""
        return SpanView(
            self.id, self.type_key, self.colour, self.label, self.start, self.end, "sug", flags, self.tooltip
        )

    def as_data(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "type": self.type_key, "label": self.label,
            "colour": css_colour(self.colour), "start": self.start, "end": self.end, "text": snip(self.text),
            "tagger": self.tagger, "taggerLabel": self.tagger_label, "score": round(self.score, 2),
            "value": self.value,
            "args": [
                {"role": a.role, "roleLabel": a.role_label, "type": a.type_key, "typeLabel": a.type_label,
                 "text": snip(a.text)}
                for a in self.arguments
            ],
        }
