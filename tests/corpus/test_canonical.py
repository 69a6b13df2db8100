"""corpus.formats.canonical: the one definition of an export's order and ids."""
from __future__ import annotations

import copy

from corpus.formats.base import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord
from corpus.formats.canonical import canonical

TEXT = "التقى الوزير سمير داود نظيره في القاهرة يوم الأحد"


def record() -> DocumentRecord:
    """Items in no particular order, with ids that sort otherwise as strings ("10" < "9")."""
    return DocumentRecord(
        text=TEXT,
        entities=[
            SpanRecord("GPE", 32, 39, "9"),   # القاهرة
            SpanRecord("PER", 13, 22, "10"),  # سمير داود, nested in the next one
            SpanRecord("PER", 6, 22, "11"),   # الوزير سمير داود
            SpanRecord("ORG", 13, 22, "12"),  # same offsets as "10": types in code-point order
        ],
        events=[
            EventRecord("MEET", 0, 5, [ArgumentRecord("Participant", "10"), ArgumentRecord("Participant", "11"),
                                       ArgumentRecord("Place", "9")], {"factuality": "ASSERTED"}, "e-late"),
            EventRecord("MEET", 0, 5, [], {}, "e-tie"),  # ties with the first: keeps its place after it
            EventRecord("ASK", 0, 5, [], {}, "e-ask"),
        ],
        relations=[RelationRecord("LOCATED_IN", "10", "9", "r1"), RelationRecord("AFFILIATION", "12", "11", "r2"),
                   RelationRecord("LOCATED_IN", "11", "9", "r3")],
    )


def test_entities_run_by_start_then_outer_first_then_type_and_are_numbered():
    out = canonical(record())
    assert [(s.id, s.type, s.start, s.end) for s in out.entities] == [
        ("T1", "PER", 6, 22), ("T2", "ORG", 13, 22), ("T3", "PER", 13, 22), ("T4", "GPE", 32, 39)]


def test_events_run_by_trigger_and_type_ties_keep_their_order_and_arguments_follow_entity_numbers():
    out = canonical(record())
    assert [(e.id, e.type, e.attributes) for e in out.events] == [
        ("E1", "ASK", {}), ("E2", "MEET", {"factuality": "ASSERTED"}), ("E3", "MEET", {})]
    assert [(a.role, a.entity_id) for a in out.events[1].arguments] == [
        ("Participant", "T1"), ("Participant", "T3"), ("Place", "T4")]


def test_relations_run_by_type_then_their_ends_and_point_at_the_new_ids():
    out = canonical(record())
    assert [(r.id, r.type, r.source, r.target) for r in out.relations] == [
        ("R1", "AFFILIATION", "T2", "T1"), ("R2", "LOCATED_IN", "T1", "T4"), ("R3", "LOCATED_IN", "T3", "T4")]


def test_the_given_record_is_left_as_it_was_and_canonical_is_idempotent():
    given = record()
    before = copy.deepcopy(given)
    once = canonical(given)
    assert given == before
    assert canonical(once) == once


def test_a_reference_to_an_unknown_entity_is_kept_as_it_is():
    given = record()
    given.relations.append(RelationRecord("AFFILIATION", "missing", "9", "r4"))
    out = canonical(given)
    assert ("AFFILIATION", "missing", "T4") in [(r.type, r.source, r.target) for r in out.relations]
