"""Tawsim JSONL carries a linked mention's knowledge-base entry (name and type) and its
event cluster's name, so the links survive an import into another project: found there by
name, or created with --create-kb; without it they are left out with a warning that says so."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from annotate import dataset
from annotate.models import Event, EventCluster, KBEntity, Span
from corpus import importing
from corpus.presets import create_project_from_preset
from tests.annotate.test_dataset_roundtrip import exported, sample_record, store


def load(project, data: bytes, **options):
    """Import a Tawsim JSONL file's bytes into the project's gold sets."""
    sink = dataset.sinks(project, dataset.parse_target(project, "gold"), **options)("in")
    return importing.import_stream(project, io.BytesIO(data), "in.jsonl", "tawsim", sink=sink)


@pytest.fixture
def linked(project):
    assert store(project, [sample_record(1)]).errors == []
    span = Span.objects.get(set__document__project=project, start__gt=0, entity_type__key="PER",
                            end=sample_record(1).text.index("سمير داود") + len("سمير داود"),
                            start=sample_record(1).text.index("سمير داود"))
    span.kb_entity = KBEntity.objects.create(project=project, entity_type=span.entity_type, name="سمير داود")
    span.save()
    cluster = EventCluster.objects.create(project=project, name="جولة المحادثات")
    Event.objects.filter(set=span.set).update(cluster=cluster)
    return exported(project, "tawsim")


@pytest.fixture
def other(db):
    return create_project_from_preset("مشروع آخر", slug="other-news", preset="news-ar")


def test_the_export_names_the_entry_and_the_cluster(linked):
    item = json.loads(linked.splitlines()[0])
    entity = next(e for e in item["entities"] if "kb_id" in e)
    assert (entity["kb_name"], entity["kb_type"]) == ("سمير داود", "PER")
    assert {e["cluster_name"] for e in item["events"]} == {"جولة المحادثات"}


def _links(project):
    spans = Span.objects.filter(set__document__project=project, kb_entity__isnull=False)
    events = Event.objects.filter(set__document__project=project, cluster__isnull=False)
    return ([(s.kb_entity.name, s.kb_entity.entity_type.key, s.kb_entity.project_id) for s in spans],
            {(e.cluster.name, e.cluster.project_id) for e in events})


def test_create_kb_keeps_the_links_in_another_project(linked, other):
    report = load(other, linked, create_kb=True)
    assert report.errors == [] and not any("left out" in w for w in report.warnings)
    spans, clusters = _links(other)
    assert spans == [("سمير داود", "PER", other.pk)] and clusters == {("جولة المحادثات", other.pk)}
    assert exported(other, "tawsim").count(b'"kb_name":"') == linked.count(b'"kb_name":"')


def test_an_entry_of_the_same_name_and_type_is_reused(linked, other):
    existing = KBEntity.objects.create(project=other, entity_type=other.entity_types.get(key="PER"), name="سمير داود")
    assert load(other, linked).errors == []
    assert Span.objects.get(set__document__project=other, kb_entity__isnull=False).kb_entity == existing
    assert KBEntity.objects.filter(project=other).count() == 1


def test_without_create_kb_the_links_are_left_out_with_a_hint(linked, other):
    report = load(other, linked)
    assert report.errors == []
    assert any("«سمير داود»" in w and "--create-kb" in w for w in report.warnings)
    assert _links(other) == ([], set())
    assert not KBEntity.objects.filter(project=other).exists()


def test_import_documents_command_creates_them(linked, other, tmp_path):
    path = tmp_path / "gold.tawsim.jsonl"
    path.write_bytes(linked)
    call_command("import_documents", other.slug, str(path), "--create-kb")
    assert _links(other)[0] == [("سمير داود", "PER", other.pk)]
