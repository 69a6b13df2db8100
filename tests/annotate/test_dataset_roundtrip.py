"""Export -> import -> export through the database gives identical output, per format:
generated Arabic documents with nested spans, events (with attributes) and relations."""
from __future__ import annotations

import io
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate import dataset
from annotate.models import AnnotationSet, Argument, Event, Relation, SetKind, Span
from annotate.services import bulk
from corpus import importing
from corpus.formats import WRITERS
from corpus.formats.base import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord
from corpus.presets import create_project_from_preset

SLUGS = itertools.count()
READABLE = [name for name, module in WRITERS.items() if not getattr(module, "WRITE_ONLY", False)]
WORDS = ["التقى", "سمير", "داود", "وحلب", "في", "القاهرة", "دمشق", "يوم", "١٢", "وزير", "😀", "بحث"]


def sample_record(n: int = 0) -> DocumentRecord:
    text = f"التقى وزير الخارجية سمير داود نظيره في القاهرة وحلب يوم {n}.\nوقال إن دمشق ستستضيف الجولة المقبلة 😀."
    def at(word: str, kind: str, ident: str) -> SpanRecord:
        start = text.index(word)
        return SpanRecord(kind, start, start + len(word), ident)

    entities = [
        at("وزير الخارجية سمير داود", "PER", "a"),  # the outer span
        at("سمير داود", "PER", "b"),  # nested inside it
        at("القاهرة", "GPE", "c"),
        SpanRecord("GPE", text.index("وحلب") + 1, text.index("وحلب") + 4, "d"),  # «حلب» after a glued «و»
        at("دمشق", "GPE", "e"),
    ]
    events = [EventRecord("MEET", 0, 5, [ArgumentRecord("Participant", "b"), ArgumentRecord("Place", "c")],
                          {"factuality": "REPORTED"}, "x")]
    relations = [RelationRecord("LOCATED_IN", "d", "e", "r")]
    return DocumentRecord(text=text, external_id=f"doc-{n}", title="لقاء", meta={"source": "wire"},
                          entities=entities, events=events, relations=relations, status="submitted")


def store(project, records, into="gold", fmt="tawsim", **kwargs) -> importing.FileReport:
    data = b"".join(WRITERS["tawsim"].write(records)) if fmt == "tawsim" else records
    target = dataset.parse_target(project, into)
    return importing.import_stream(project, io.BytesIO(data), f"input{WRITERS[fmt].EXTENSION}", fmt,
                                   sink=dataset.sinks(project, target, **kwargs)("input"))


def exported(project, fmt: str, **options) -> bytes:
    return b"".join(dataset.export(project, dataset.ExportOptions(fmt=fmt, **options)))


@pytest.fixture
def filled(project):
    report = store(project, [sample_record(1), sample_record(2)])
    assert report.errors == [] and report.imported == 2, report
    return project


def test_import_stores_spans_events_arguments_relations_in_gold(filled):
    assert AnnotationSet.objects.filter(document__project=filled, kind=SetKind.GOLD, status="submitted").count() == 2
    assert Span.objects.filter(set__document__project=filled).count() == 10
    assert Event.objects.filter(set__document__project=filled).count() == 2
    assert Argument.objects.filter(event__set__document__project=filled).count() == 4
    assert Relation.objects.filter(set__document__project=filled).count() == 2
    event = Event.objects.filter(set__document__project=filled).first()
    assert event.attributes == {"factuality": "REPORTED"}
    assert event.history.last().pgh_context.metadata["action"] == "import"
    created = AnnotationSet.objects.filter(document__project=filled).first().history.get()  # written with COPY
    assert created.pgh_context.metadata["action"] == "import" and created.pgh_label == "insert"


def test_tawsim_export_has_the_documented_shape(filled):
    first = json.loads(exported(filled, "tawsim").decode().splitlines()[0])
    assert set(first) == {"id", "external_id", "title", "text", "meta", "entities", "events", "relations", "status"}
    entity = first["entities"][0]
    assert entity == {"id": "T1", "type": "PER", "start": 6, "end": 29, "text": "وزير الخارجية سمير داود"}
    assert first["events"][0]["trigger"] == {"start": 0, "end": 5, "text": "التقى"}
    assert first["events"][0]["arguments"] == [
        {"role": "Participant", "entity_id": "T2"}, {"role": "Place", "entity_id": "T3"},
    ]
    assert first["relations"] == [{"id": "R1", "type": "LOCATED_IN", "source": "T4", "target": "T5"}]


def _without_ids(fmt: str, data: bytes) -> bytes:
    """Database ids differ between projects; everything else must not."""
    if fmt == "tawsim":
        lines = [json.loads(line) for line in data.decode().splitlines()]
        return "\n".join(
            json.dumps({k: v for k, v in x.items() if k != "id"}, ensure_ascii=False) for x in lines
        ).encode()
    if fmt == "labelstudio":
        tasks = json.loads(data)
        return json.dumps([{k: v for k, v in t.items() if k != "id"} for t in tasks], ensure_ascii=False).encode()
    return data


def test_meta_numbers_beyond_64_bits_survive_import_and_export(project):
    record = sample_record(3)
    record.meta = {"wire_id": 123456789012345678901234567890, "source": "wire"}
    assert store(project, [record]).errors == []
    [line] = exported(project, "tawsim").splitlines()
    assert json.loads(line)["meta"] == {"wire_id": 123456789012345678901234567890, "source": "wire"}


@pytest.mark.parametrize("fmt", READABLE)
def test_export_import_export_is_identical(filled, fmt):
    first = exported(filled, fmt)
    other = create_project_from_preset(filled.name, slug=f"copy-{fmt}", preset="news-ar")
    target = dataset.parse_target(other, "gold")
    report = importing.import_stream(other, io.BytesIO(first), f"export{WRITERS[fmt].EXTENSION}", fmt,
                                     sink=dataset.sinks(other, target)("export"))
    assert report.errors == [], report.errors
    assert _without_ids(fmt, exported(other, fmt)) == _without_ids(fmt, first)


@st.composite
def documents(draw, number: int):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=12))
    text = f"{number} " + " ".join(words)
    bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(
        lambda p: p[0] < p[1] and text[p[0]:p[1]].strip())
    spans = draw(st.lists(st.tuples(st.sampled_from(["PER", "GPE"]), bounds), max_size=5, unique=True))
    entities = [SpanRecord(kind, s, e, f"t{i}") for i, (kind, (s, e)) in enumerate(spans)]
    events = []
    for i in range(draw(st.integers(0, 2))):
        start, end = draw(bounds)
        args = [ArgumentRecord("Participant", x.id) for x in entities if x.type == "PER"][:2]
        events.append(EventRecord("MEET", start, end, args, {"factuality": "ASSERTED"}, f"e{i}"))
    return DocumentRecord(text=text, external_id=f"g{number}", entities=entities, events=events, status="in_progress")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_documents_survive_the_database_round_trip(project, data):
    records = [data.draw(documents(n)) for n in range(data.draw(st.integers(1, 3)))]
    slug = f"gen-{next(SLUGS)}"
    source = create_project_from_preset("أ", slug=slug, preset="news-ar")
    assert store(source, records).errors == []
    first = exported(source, "tawsim")
    copy = create_project_from_preset("ب", slug=slug + "-b", preset="news-ar")
    report = importing.import_stream(copy, io.BytesIO(first), "x.jsonl", "tawsim",
                                     sink=dataset.sinks(copy, bulk.Target("gold"))("x"))
    assert report.errors == []
    assert _without_ids("tawsim", exported(copy, "tawsim")) == _without_ids("tawsim", first)
