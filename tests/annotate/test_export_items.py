"""The native export builds its lines from the rows (annotate.dataset.native); they must be
the lines tawsim_jsonl.to_json writes from the records, whatever the options. to_json puts
a record in canonical order (corpus.formats.canonical), the native writer relies on the
database's order: the records are shuffled first, so that the two orders are compared."""
from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate import dataset
from annotate.models import AnnotationSet, Event, EventCluster, KBEntity, SetKind, Span
from corpus.formats import tawsim_jsonl
from corpus.formats.base import SpanRecord
from corpus.presets import create_project_from_preset
from tests.annotate.test_dataset_roundtrip import documents, sample_record, store

SLUGS = itertools.count()


def both(project, **options) -> tuple[bytes, bytes]:
    """(the export as served, the same written through the records, shuffled)."""
    chosen = dataset.ExportOptions(fmt="tawsim", **options)
    served = b"".join(dataset.export(project, chosen))
    reference = b"".join(tawsim_jsonl.write((shuffled(r) for r in dataset.records(project, chosen)),
                                            dataset.write_options(project, chosen)))
    return served, reference


def shuffled(record):
    """The record's items in another order, ids and references kept. Events that tie on
    (start, end, type) keep their order: it is the database's, which canonical() keeps."""
    rng = random.Random(len(record.entities))
    entities, relations = list(record.entities), list(record.relations)
    rng.shuffle(entities)
    rng.shuffle(relations)
    groups = {}
    for event in record.events:
        arguments = list(event.arguments)
        rng.shuffle(arguments)
        groups.setdefault((event.trigger_start, event.trigger_end, event.type), []).append(
            replace(event, arguments=arguments))
    order = list(groups.values())
    rng.shuffle(order)
    events = [event for group in order for event in group]
    return replace(record, entities=entities, events=events, relations=relations)


@pytest.fixture
def linked(project, annotator):
    """Gold with a knowledge-base link and an event cluster, plus an annotator's set."""
    assert store(project, [sample_record(1), sample_record(2)]).errors == []
    assert store(project, [sample_record(1)], into=f"annotator:{annotator.username}").errors == []
    cluster = EventCluster.objects.create(project=project, name="اللقاء")
    for kind in (SetKind.GOLD, SetKind.ANNOTATOR):
        span = Span.objects.filter(set__kind=kind, set__document__project=project).order_by("pk").first()
        span.kb_entity = KBEntity.objects.create(project=project, entity_type=span.entity_type,
                                                 name=f"سمير داود {kind}")
        span.save()
        Event.objects.filter(pk=Event.objects.filter(set=span.set).first().pk).update(cluster=cluster)
    return project


@pytest.mark.parametrize("options", [
    {},
    {"sets": "all"},
    {"sets": "all", "with_meta": False},
    {"include_empty": True, "sets": "annotator:{annotator}"},  # a document without the set: an empty line
    {"statuses": ("submitted",)},
])
def test_direct_lines_are_the_records_lines(linked, annotator, options):
    options = {k: v.format(annotator=annotator.username) if isinstance(v, str) else v for k, v in options.items()}
    served, reference = both(linked, **options)
    assert served == reference
    assert b'"kb_id":"' in served and b'"cluster":"' in served  # the optional fields were exercised
    assert b'"kb_name":"' in served and b'"kb_type":"PER"' in served and b'"cluster_name":"' in served


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_documents_give_the_same_lines(db, data):
    records = [data.draw(documents(n)) for n in range(data.draw(st.integers(1, 4)))]
    project = create_project_from_preset("أ", slug=f"items-{next(SLUGS)}", preset="news-ar")
    assert store(project, records).errors == []
    served, reference = both(project)
    assert served == reference
    assert served.count(b"\n") == AnnotationSet.objects.filter(document__project=project, kind=SetKind.GOLD).count()


def test_spans_at_the_same_offsets_follow_their_types_key_order(project):
    """Stored in the opposite order (PER before GPE by id), exported GPE first, T1."""
    record = sample_record(7)
    start = record.text.index("القاهرة")
    record.entities = [SpanRecord("PER", start, start + 7, "p"), SpanRecord("GPE", start, start + 7, "g"),
                       SpanRecord("ORG", 0, 5, "o")]
    record.events, record.relations = [], []
    assert store(project, [record]).errors == []
    for served in both(project):
        [line] = served.splitlines()
        entities = json.loads(line)["entities"]
        assert [(e["id"], e["type"]) for e in entities] == [("T1", "ORG"), ("T2", "GPE"), ("T3", "PER")]


def test_a_suggestions_export_is_in_canonical_order_and_its_arguments_point_at_their_entities(project):
    """Suggestions are written through the records (they carry taggers and scores): the
    same canonical order and ids, and an event's arguments name the entities it had."""
    report = store(project, [sample_record(3)], into="suggestions")
    assert report.errors == []
    chosen = dataset.ExportOptions(fmt="tawsim", sets="suggestions")
    [line] = b"".join(dataset.export(project, chosen)).splitlines()
    item = json.loads(line)
    entities = item["entities"]
    assert [e["id"] for e in entities] == [f"T{n}" for n in range(1, len(entities) + 1)]
    assert [(e["start"], -e["end"], e["type"]) for e in entities] == sorted((e["start"], -e["end"], e["type"])
                                                                            for e in entities)
    text_of = {e["id"]: e["text"] for e in entities}
    [event] = item["events"]
    assert event["id"] == "E1" and event["tagger"] == "import"
    assert [(a["role"], text_of[a["entity_id"]]) for a in event["arguments"]] == [
        ("Participant", "سمير داود"), ("Place", "القاهرة")]


def test_a_suggestions_export_keeps_every_taggers_proposal_for_one_span(project):
    """Two taggers proposing the same name are two entities (each tagger can be scored);
    an event's argument at that place still points at one of them."""
    from annotate.models import Suggestion
    from corpus.models import Document

    text = "استقبل وزير الزراعة وفدا من مدينة طنطا صباح الخميس."
    document = Document.objects.create(project=project, text=text, order=1)
    city = project.entity_types.get(key="GPE")
    at = text.index("طنطا")
    for tagger, score in (("gazetteer", 0.85), ("crf", 0.61), ("string_match", 0.95)):
        Suggestion.objects.create(document=document, tagger=tagger, entity_type=city, start=at, end=at + 4,
                                  score=score)
    chosen = dataset.ExportOptions(fmt="tawsim", sets="suggestions")
    [line] = b"".join(dataset.export(project, chosen)).splitlines()
    entities = json.loads(line)["entities"]
    assert sorted((e["text"], e["tagger"], e["score"]) for e in entities) == [
        ("طنطا", "crf", 0.61), ("طنطا", "gazetteer", 0.85), ("طنطا", "string_match", 0.95)]


def test_a_suggestions_export_leaves_out_suggestions_meant_for_one_user(project, django_user_model):
    """A suggestion offered to one annotator alone mirrors a name in their own set: the
    export of the pre-taggers' suggestions neither includes it nor counts it as one."""
    from annotate.models import Suggestion
    from corpus.models import Document

    text = "زار وفد من مدينة طنطا معرض الكتاب."
    document = Document.objects.create(project=project, text=text, order=1)
    city = project.entity_types.get(key="GPE")
    at = text.index("طنطا")
    annotator = django_user_model.objects.create_user("private_one")
    Suggestion.objects.create(document=document, tagger="string_match", entity_type=city, start=at, end=at + 4,
                              user=annotator)
    chosen = dataset.ExportOptions(fmt="tawsim", sets="suggestions")
    assert b"".join(dataset.export(project, chosen)) == b""
    assert dataset.nothing_to_export(project, chosen) is not None

    Suggestion.objects.create(document=document, tagger="gazetteer", entity_type=city, start=at, end=at + 4)
    [line] = b"".join(dataset.export(project, chosen)).splitlines()
    assert [e["tagger"] for e in json.loads(line)["entities"]] == ["gazetteer"]
    assert dataset.nothing_to_export(project, chosen) is None
