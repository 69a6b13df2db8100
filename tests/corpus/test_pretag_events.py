"""Trigger lexicon and argument proposals by role."""
from __future__ import annotations

import json
from pathlib import Path

from corpus.pretag import DateTagger, EntityProposal, Gazetteer, TriggerTagger, pretag_document
from corpus.pretag.events import specs_from_schema
from corpus.text.arabic import tokenize

PRESET = Path(__file__).resolve().parents[2] / "corpus" / "presets" / "news_ar.json"


def schema_tagger():
    event_types = json.loads(PRESET.read_text(encoding="utf-8"))["event_types"]
    return TriggerTagger(specs_from_schema(event_types))


def entity(text, phrase, kind, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return EntityProposal(kind, start, start + len(phrase), 0.8, "test")


def roles(text, event):
    return sorted((a.role, text[a.span.start:a.span.end]) for a in event.arguments)


def test_meeting_trigger_proposes_participants_place_time_and_mediator():
    text = "التقى سمير داود ونادر منصور في حلب يوم 3 آذار 2021 بوساطة قطر."
    entities = [
        entity(text, "سمير داود", "PER"), entity(text, "نادر منصور", "PER"),
        entity(text, "حلب", "GPE"), entity(text, "3 آذار 2021", "DATE"), entity(text, "قطر", "GPE"),
    ]
    [event] = schema_tagger().tag_events(text, tokenize(text), entities)
    assert (event.type, text[event.trigger_start:event.trigger_end]) == ("MEET", "التقى")
    assert roles(text, event) == sorted([
        ("Participant", "سمير داود"), ("Participant", "نادر منصور"), ("Place", "حلب"),
        ("Time", "3 آذار 2021"), ("Mediator", "قطر"),
    ])


def test_source_after_naql_an_and_place_glued_to_bi():
    text = "ونقلت الوكالة عن وزارة الصحة أن اجتماعا عقد وبدمشق."
    entities = [entity(text, "وزارة الصحة", "ORG"), entity(text, "دمشق", "GPE")]
    [event] = schema_tagger().tag_events(text, tokenize(text), entities)
    assert text[event.trigger_start:event.trigger_end] == "اجتماعا" or event.type == "MEET"
    assert roles(text, event) == [("Place", "دمشق"), ("Source", "وزارة الصحة")]


def test_roles_respect_allowed_types_max_counts_and_sentence_bounds():
    text = "قال سمير داود ونادر منصور إن الوضع هادئ. وصل رامي حداد."
    entities = [
        entity(text, "سمير داود", "PER"), entity(text, "نادر منصور", "PER"), entity(text, "رامي حداد", "PER"),
    ]
    [event] = schema_tagger().tag_events(text, tokenize(text), entities)
    assert event.type == "STATEMENT"
    assert roles(text, event) == [("Speaker", "سمير داود")]  # Speaker holds one; the other sentence is out


def test_triggers_match_with_clitics_and_events_build_on_merged_suggestions():
    text = "وقال نادر منصور في 5 أيار إن اللقاء في حمص كان مثمرا."
    result = pretag_document(
        text, [DateTagger(), Gazetteer([("نادر منصور", "PER")])], event_taggers=[schema_tagger()]
    )
    by_type = {e.type: e for e in result.events}
    assert set(by_type) == {"STATEMENT", "MEET"}
    assert text[by_type["STATEMENT"].trigger_start:by_type["STATEMENT"].trigger_end] == "قال"
    assert ("Speaker", "نادر منصور") in roles(text, by_type["STATEMENT"])
    assert ("Place", "حمص") in roles(text, by_type["MEET"])
    assert result.errors == []
