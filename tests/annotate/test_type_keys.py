"""Type keys from files: --create-types validates them (every channel goes through the
same sink), the database refuses a bad key or colour from any path, and the line-based
writers refuse a key their format cannot carry."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from annotate.models import Span
from corpus.formats import brat, conll
from corpus.formats.base import DocumentRecord, FormatError, SpanRecord, WriteOptions
from corpus.models import Document, EntityType, EventType, RelationType

TEXT = "زار الوفد مدينة حمص صباح الأحد."
FORGED = "GPE\t0 3\tزار\nT99"


def doccano(label: str) -> str:
    start = TEXT.index("حمص")
    return json.dumps({"text": TEXT, "label": [[start, start + 3, label]]}, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("key", [FORGED, "CITY NAME", "مدينة", "9LIVES", "x" * 51])
def test_create_types_refuses_a_key_the_validator_refuses_and_imports_nothing(project, tmp_path, key):
    path = tmp_path / "bad.jsonl"
    path.write_text(doccano(key), encoding="utf-8")
    before = set(EntityType.objects.values_list("key", flat=True))
    out = io.StringIO()
    with pytest.raises(Exception):  # noqa: B017 - the command fails; what matters is the message and nothing written
        call_command("import_documents", project.slug, str(path), "--format", "doccano", "--into", "gold",
                     "--create-types", stdout=out, stderr=out)
    assert set(EntityType.objects.values_list("key", flat=True)) == before
    assert not Document.objects.exists() and not Span.objects.exists()


def test_create_types_names_the_bad_key_escaped(project):
    from annotate import dataset
    from corpus import importing

    sink = dataset.sinks(project, dataset.parse_target(project, "gold"), create_types=True)("bad.jsonl")
    report = importing.import_stream(project, io.BytesIO(doccano(FORGED).encode()), "bad.jsonl", "doccano", sink=sink)
    assert report.failed
    assert any("cannot create the entity type" in e and json.dumps(FORGED, ensure_ascii=False) in e
               for e in report.errors)


def test_a_good_key_is_still_created(project, tmp_path):
    path = tmp_path / "good.jsonl"
    path.write_text(doccano("CITY"), encoding="utf-8")
    call_command("import_documents", project.slug, str(path), "--format", "doccano", "--into", "gold",
                 "--create-types", stdout=io.StringIO())
    assert EntityType.objects.filter(project=project, key="CITY").exists()


@pytest.mark.parametrize("model, fields", [
    (EntityType, {"key": "A B"}), (EntityType, {"key": "OK", "colour": "red"}),
    (EventType, {"key": "E\tV"}), (RelationType, {"key": "R", "colour": "#12345"}),
])
def test_the_database_refuses_bad_keys_and_colours_from_any_path(project, model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([model(project=project, name_ar="س", name_en="x", **fields)])


def record(kind: str) -> DocumentRecord:
    return DocumentRecord(external_id="d1", text=TEXT, entities=[SpanRecord(id="T1", type=kind, start=4, end=9)])


@pytest.mark.parametrize("kind", [FORGED, "A B", "A\nB"])
def test_brat_and_conll_writers_refuse_keys_their_format_cannot_carry(kind):
    with pytest.raises(FormatError, match="cannot carry"):
        brat.ann(record(kind), [])
    with pytest.raises(FormatError, match="cannot carry"):
        b"".join(conll.write([record(kind)], WriteOptions()))
    with pytest.raises(FormatError, match="cannot carry"):
        brat.annotation_conf(WriteOptions(entity_types=[kind]))
    assert "T1\tPER 4 9" in brat.ann(record("PER"), [])
