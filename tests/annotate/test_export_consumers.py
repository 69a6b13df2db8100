"""Exports read by the tools that consume them: seqeval (CoNLL), spaCy (DocBin), Hugging
Face datasets (JSONL + dataset_info), and brat's standoff lines."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from annotate import dataset
from corpus import importing
from corpus.formats import WRITERS
from corpus.formats.base import DocumentRecord, SpanRecord, WriteOptions
from tests.annotate.test_dataset_roundtrip import sample_record

OUTERMOST = ["وزير الخارجية سمير داود", "القاهرة", "حلب", "دمشق"]
ALL_SPANS = ["وزير الخارجية سمير داود", "سمير داود", "القاهرة", "حلب", "دمشق"]


@pytest.fixture
def filled(project):
    data = b"".join(WRITERS["tawsim"].write([sample_record(1), sample_record(2)]))
    sink = dataset.sinks(project, dataset.parse_target(project, "gold"))("in")
    assert importing.import_stream(project, io.BytesIO(data), "in.jsonl", "tawsim", sink=sink).errors == []
    return project


def exported(project, fmt: str, **options) -> bytes:
    return b"".join(dataset.export(project, dataset.ExportOptions(fmt=fmt, **options)))


def conll_sentences(data: bytes) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in data.decode().splitlines():
        if line.startswith("-DOCSTART-") or not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, tag = line.split("\t")
        current.append((token, tag))
    return sentences + ([current] if current else [])


def test_seqeval_reads_the_conll_export(filled):
    from seqeval.metrics import f1_score
    from seqeval.metrics.sequence_labeling import get_entities

    sentences = conll_sentences(exported(filled, "conll"))
    tags = [[tag for _token, tag in sentence] for sentence in sentences]
    assert f1_score(tags, tags) == 1.0
    found = []
    for sentence, sentence_tags in zip(sentences, tags, strict=True):
        for _kind, first, last in get_entities(sentence_tags):
            found.append(" ".join(token for token, _tag in sentence[first:last + 1]))
    # The glued «و» of «وحلب» is its own token, so «حلب» is an entity of its own.
    assert found == OUTERMOST * 2
    assert ("و", "O") in sentences[0] and ("حلب", "B-GPE") in sentences[0]


def test_spacy_loads_the_docbin_and_every_entity_aligns(filled):
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_bytes(exported(filled, "spacy")).get_docs(spacy.blank("xx").vocab))
    assert len(docs) == 2
    doc = docs[0]
    assert doc.text == sample_record(1).text
    assert [e.text for e in doc.ents] == OUTERMOST
    assert [s.text for s in doc.spans["sc"]] == ALL_SPANS
    assert list(doc.user_data["misaligned"]) == [] and doc.user_data["external_id"] == "doc-1"


def test_a_span_spaCy_cannot_align_is_reported_not_dropped():
    from corpus.formats import spacy_format

    options = WriteOptions()
    record = DocumentRecord(text="زار  الوفد دمشق", external_id="x", entities=[SpanRecord("GPE", 3, 10, "T1")])
    data = b"".join(spacy_format.write([record], options))
    assert any("does not align" in w and "GPE 3–10" in w for w in options.warnings)
    (again,) = spacy_format.read(io.BytesIO(data), "x.spacy")
    assert [(s.type, s.start, s.end) for s in again.entities] == [("GPE", 3, 10)]


def test_hugging_face_datasets_loads_the_export_with_its_features(filled, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with zipfile.ZipFile(io.BytesIO(exported(filled, "hf", split=(50, 0, 50), seed=3))) as archive:
        archive.extractall(tmp_path)
    info = json.loads((tmp_path / "dataset_info.json").read_text())
    assert "code-point" in info["description"] and "code-point" in (tmp_path / "README.md").read_text()
    features = datasets.Features.from_dict(info["features"])
    loaded = datasets.load_dataset("json", data_files={k: str(tmp_path / v) for k, v in info["data_files"].items()},
                                   features=features, cache_dir=str(tmp_path / "cache"))
    assert sorted(loaded) == ["test", "train"] and loaded["train"].num_rows + loaded["test"].num_rows == 2
    row = (loaded["train"] if loaded["train"].num_rows else loaded["test"])[0]
    names = features["ner_tags"].feature.names
    assert [e["text"] for e in row["entities"]] == ALL_SPANS
    tagged = [(token, names[tag]) for token, tag in zip(row["tokens"], row["ner_tags"], strict=True)]
    assert ("حلب", "B-GPE") in tagged and ("سمير", "I-PER") in tagged
    assert row["events"][0]["arguments"] == [{"role": "Participant", "entity": 1}, {"role": "Place", "entity": 2}]


def test_hugging_face_parquet_export_loads_with_the_same_rows_as_the_jsonl_one(filled, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    loaded = {}
    for fmt, builder in (("hf", "json"), ("hf-parquet", "parquet")):
        folder = tmp_path / fmt
        with zipfile.ZipFile(io.BytesIO(exported(filled, fmt, split=(50, 0, 50), seed=3))) as archive:
            archive.extractall(folder)
        info = json.loads((folder / "dataset_info.json").read_text())
        files = {k: str(folder / v) for k, v in info["data_files"].items()}
        assert all(path.endswith(".jsonl" if fmt == "hf" else ".parquet") for path in files.values())
        assert ".parquet" in (folder / "README.md").read_text() or fmt == "hf"
        loaded[fmt] = datasets.load_dataset(builder, data_files=files,
                                            features=datasets.Features.from_dict(info["features"]),
                                            cache_dir=str(tmp_path / "cache" / fmt))
    for split in ("train", "test"):
        assert loaded["hf-parquet"][split].to_list() == loaded["hf"][split].to_list()
    assert sum(loaded["hf-parquet"][split].num_rows for split in ("train", "test")) == 2


def test_parquet_export_writes_one_row_group_per_thousand_documents(monkeypatch):
    import pyarrow.parquet as pq

    from corpus.formats import hf_parquet

    monkeypatch.setattr(hf_parquet, "ROWS_PER_GROUP", 2)
    records = [DocumentRecord(text=f"زار الوفد دمشق يوم {n}", external_id=f"d{n}",
                              entities=[SpanRecord("GPE", 10, 14, "T1")]) for n in range(5)]
    written = b"".join(hf_parquet.write(records, WriteOptions(entity_types=["GPE"])))
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        table = pq.ParquetFile(io.BytesIO(archive.read("data/train.parquet")))
    assert table.metadata.num_row_groups == 3 and table.metadata.num_rows == 5
    assert table.read().column("entities").to_pylist()[4] == [{"start": 10, "end": 14, "label": "GPE", "text": "دمشق"}]


def test_the_brat_export_parses_back_to_the_same_spans_and_events(filled):
    with zipfile.ZipFile(io.BytesIO(exported(filled, "brat"))) as archive:
        conf = archive.read("annotation.conf").decode()
        text = archive.read("doc-1.txt").decode()
        ann = archive.read("doc-1.ann").decode()
    assert "[entities]\nPER\n" in conf and "MEET\tParticipant+:GPE|ORG|PER, Place?:FAC|GPE|LOC" in conf
    bounds = {}
    for line in ann.splitlines():
        ident, _tab, rest = line.partition("\t")
        if ident.startswith("T"):
            label_offsets, _tab, shown = rest.partition("\t")
            label, start, end = label_offsets.split(" ")
            assert text[int(start):int(end)] == shown
            bounds[ident] = (label, text[int(start):int(end)])
    assert [bounds[f"T{i}"][1] for i in range(1, 6)] == ALL_SPANS
    event = next(line for line in ann.splitlines() if line.startswith("E1\t"))
    kind_trigger, *arguments = event.split("\t")[1].split(" ")
    assert bounds[kind_trigger.split(":")[1]] == ("MEET", "التقى")
    assert [(role, bounds[t][1]) for role, t in (a.split(":") for a in arguments)] == [
        ("Participant", "سمير داود"), ("Place", "القاهرة")]
    assert "A1\tfactuality E1 REPORTED" in ann and "R1\tLOCATED_IN Arg1:T4 Arg2:T5" in ann


def test_spans_csv_lists_every_span_with_its_text(filled):
    from corpus.formats.spans_csv import read_rows

    rows = list(read_rows(exported(filled, "csv").decode("utf-8")))
    assert len(rows) == 10
    assert [sample_record(1).text[s.start:s.end] for _ext, s in rows[:5]] == ALL_SPANS
