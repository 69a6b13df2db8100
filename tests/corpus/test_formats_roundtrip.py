"""Every annotated format: write -> read -> write gives the same bytes, over generated
Arabic documents with nested spans, clitic-internal boundaries, events and relations."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.formats import WRITERS
from corpus.formats.base import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord, WriteOptions
from corpus.formats.canonical import canonical

WORDS = ["التقى", "سمير", "داود", "وحلب", "في", "القاهرة", "دمشق", "يوم", "١٢", "2021", "Reuters", "وبالمدينة",
         "😀", "بحث"]
SEPARATORS = [" ", " ", " ", "\n", "، ", ". ", "  "]
READABLE = [name for name, module in WRITERS.items() if not getattr(module, "WRITE_ONLY", False)]


@st.composite
def documents(draw) -> DocumentRecord:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    text = words[0]
    for word in words[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + word
    offsets = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda p: p[0] < p[1])
    spans = draw(st.lists(st.tuples(st.sampled_from(["PER", "GPE", "ORG"]), offsets), max_size=6,
                          unique_by=lambda s: (s[0], s[1])))
    entities = [SpanRecord(kind, start, end, f"T{i}") for i, (kind, (start, end)) in enumerate(spans, 1)]
    events = []
    for i in range(draw(st.integers(0, 2))):
        start, end = draw(offsets)
        arguments = []
        if entities:
            chosen = draw(st.lists(st.sampled_from(entities), max_size=2, unique_by=lambda s: s.id))
            arguments = [ArgumentRecord(draw(st.sampled_from(["Participant", "Place"])), s.id) for s in chosen]
        events.append(EventRecord("MEET", start, end, arguments,
                                  {"factuality": draw(st.sampled_from(["ASSERTED", "DENIED"]))}, f"E{i + 1}"))
    relations = []
    if len(entities) >= 2:
        pairs = draw(st.lists(st.sampled_from([(x.id, y.id) for x in entities for y in entities if x.id != y.id]),
                              max_size=2, unique=True))
        relations = [RelationRecord("AFFILIATION", s, t, f"R{i}") for i, (s, t) in enumerate(pairs, 1)]
    return canonical(DocumentRecord(text=text, external_id=draw(st.sampled_from(["d1", "خبر-2", "x y"])),
                                    title="عنوان", meta={"source": "wire"}, entities=entities, events=events,
                                    relations=relations, status="submitted", document_id=3))


def written(fmt: str, records: list[DocumentRecord]) -> bytes:
    return b"".join(WRITERS[fmt].write([canonical(r) for r in records],
                                       WriteOptions(entity_types=["PER", "GPE", "ORG"])))


def read_back(fmt: str, data: bytes) -> list[DocumentRecord]:
    return list(WRITERS[fmt].read(io.BytesIO(data), f"export{WRITERS[fmt].EXTENSION}"))


@pytest.mark.parametrize("fmt", READABLE)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(documents(), min_size=1, max_size=3))
def test_write_read_write_gives_the_same_bytes(fmt, records):
    first = written(fmt, records)
    again = read_back(fmt, first)
    assert len(again) == len(records)
    assert written(fmt, again) == first


@settings(max_examples=30, deadline=None)
@given(record=documents())
def test_the_native_format_keeps_everything(record):
    (again,) = read_back("tawsim", written("tawsim", [record]))
    assert canonical(again).entities == record.entities
    assert canonical(again).events == record.events
    assert canonical(again).relations == record.relations
    assert (again.text, again.external_id, again.title, again.meta, again.status) == (
        record.text, record.external_id, record.title, record.meta, record.status)


def without_edge_newlines(text: str, start: int, end: int) -> tuple[int, int]:
    """brat cannot end a fragment on a line break: spans lose line breaks at their edges."""
    while start < end - 1 and text[start] == "\n":
        start += 1
    while end > start + 1 and text[end - 1] == "\n":
        end -= 1
    return start, end


@settings(max_examples=30, deadline=None)
@given(record=documents())
def test_brat_keeps_spans_events_and_relations(record):
    (again,) = read_back("brat", written("brat", [record]))
    again = canonical(again)
    text = record.text
    # brat trims a line break off a fragment's edge, which can reorder spans: compare as sets of lines.
    assert sorted((s.type, s.start, s.end) for s in again.entities) == sorted(
        (s.type, *without_edge_newlines(text, s.start, s.end)) for s in record.entities)
    assert [(e.type, e.trigger_start, e.trigger_end) for e in again.events] == [
        (e.type, *without_edge_newlines(text, e.trigger_start, e.trigger_end)) for e in record.events]
    assert [(e.arguments, e.attributes) for e in again.events] == [(e.arguments, e.attributes) for e in record.events]
    assert again.relations == record.relations
