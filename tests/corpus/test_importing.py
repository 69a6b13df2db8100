"""Storing documents: one transaction per file, duplicates skipped, order continued."""
from __future__ import annotations

import hashlib
import json
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from corpus import importing
from corpus.formats.base import DocumentRecord, FormatError
from corpus.importing import add_documents, import_paths, import_upload


def jsonl(*texts: str) -> str:
    return "".join(json.dumps({"text": t, "id": f"n{i}"}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))


def stored(project) -> list[tuple[str, int]]:
    return list(project.documents.order_by("order").values_list("text", "order"))


def test_add_documents_stores_normalised_text_and_its_hash(project):
    result = add_documents(project, [DocumentRecord(text="سطر\r\nثان", external_id="a", title="ع", meta={"k": 1})])
    document = project.documents.get()
    assert (result.imported, result.duplicates) == (1, 0)
    assert (document.text, document.external_id, document.title, document.meta) == ("سطر\nثان", "a", "ع", {"k": 1})
    assert document.sha256 == hashlib.sha256("سطر\nثان".encode()).hexdigest()


def test_duplicates_in_the_project_and_in_the_same_input_are_skipped(document):
    project = document.project
    records = [DocumentRecord(text=document.text), DocumentRecord(text="جديد"), DocumentRecord(text="جديد\r\n".strip())]
    result = add_documents(project, records)
    assert (result.imported, result.duplicates) == (1, 2)
    assert project.documents.count() == 2


def test_same_text_after_newline_normalisation_is_a_duplicate(project):
    result = add_documents(project, [DocumentRecord(text="أ\r\nب"), DocumentRecord(text="أ\nب")])
    assert (result.imported, result.duplicates) == (1, 1)


def test_order_continues_the_projects_import_order(document):
    project = document.project
    add_documents(project, [DocumentRecord(text="ثان"), DocumentRecord(text="ثالث")])
    assert stored(project)[1:] == [("ثان", 2), ("ثالث", 3)]


def test_missing_external_id_gets_one_from_the_order(project):
    add_documents(project, [DocumentRecord(text="أ")])
    assert project.documents.get().external_id == "doc-1"


def test_duplicates_across_batches_of_one_file(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    path = tmp_path / "many.jsonl"
    path.write_text(jsonl("أ", "ب", "ج", "أ", "ب", "د"), encoding="utf-8")
    report = import_paths(project, [path])
    assert (report.imported, report.duplicates, report.failed) == (4, 2, 0)
    assert [order for _text, order in stored(project)] == [1, 2, 3, 4]


def test_a_failed_file_stores_nothing_even_after_earlier_batches(project, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(jsonl("أ", "ب", "ج", "د", "هـ") + "{not json\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("خبر سليم", encoding="utf-8")
    report = import_paths(project, [bad, good])
    failed, ok = report.files
    assert (failed.name, failed.imported, failed.failed) == (str(bad), 0, True)
    assert failed.errors == [f"{bad}, line 6: malformed JSON: a property name in double quotes was expected at column 2"]
    assert (ok.imported, ok.failed) == (1, False)
    assert stored(project) == [("خبر سليم", 1)]


def test_a_folder_imports_each_file_in_its_own_transaction(project, tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "cairo.txt").write_text("خبر من القاهرة", encoding="utf-8")
    (folder / "sub" / "aleppo.txt").write_text("خبر من حلب", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.md").write_text("not imported", encoding="utf-8")
    (folder / ".hidden.txt").write_text("not imported", encoding="utf-8")
    report = import_paths(project, [folder])
    assert [(f.name.removeprefix(str(folder)), f.imported, f.failed) for f in report.files] == [
        ("/cairo.txt", 1, False), ("/empty.txt", 0, True), ("/sub/aleppo.txt", 1, False),
    ]
    assert report.files[1].errors == [f"{folder}/empty.txt: empty document"]
    assert sorted(project.documents.values_list("external_id", flat=True)) == ["aleppo", "cairo"]


def test_a_zip_is_one_file_all_or_nothing(project, tmp_path):
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "خبر أول")
        archive.writestr("b.txt", "")
    report = import_paths(project, [path])
    assert report.files[0].errors == [f"{path}/b.txt: empty document"]
    assert project.documents.count() == 0


def test_missing_path_and_empty_folder(project, tmp_path):
    report = import_paths(project, [tmp_path / "nope.txt", tmp_path])
    assert [f.errors for f in report.files] == [
        [f"{tmp_path}/nope.txt: no such file or folder"],
        [f"{tmp_path}: the folder holds no files to import (.txt, .jsonl, .csv, .zip)"],
    ]


def test_format_override_and_text_column(project, tmp_path):
    path = tmp_path / "export.data"
    path.write_text("body,source\nخبر,وكالة\n", encoding="utf-8")
    report = import_paths(project, [path], fmt="csv", text_column="body")
    assert report.imported == 1
    assert project.documents.get().meta == {"source": "وكالة"}


def test_title_longer_than_the_column_is_a_located_error(project, tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"text": "أ", "title": "ع" * 501}) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.files[0].errors == [f"{path}, line 1, field «title»: 501 characters is over the limit of 500"]
    assert project.documents.count() == 0


def test_add_documents_raises_and_stores_nothing_on_a_bad_record(project):
    records = [DocumentRecord(text="أ"), DocumentRecord(text="ب", external_id="x" * 256, source="api", line=2)]
    with pytest.raises(FormatError, match="api, line 2"):
        add_documents(project, records)
    assert project.documents.count() == 0


def test_upload(project):
    upload = SimpleUploadedFile("wire.jsonl", jsonl("خبر عاجل من دمشق", "خبر عاجل من دمشق").encode())
    report = import_upload(project, upload)
    assert [(f.name, f.imported, f.duplicates) for f in report.files] == [("wire.jsonl", 1, 1)]


def test_upload_over_the_size_limit(project, settings):
    settings.TAWSIM_MAX_UPLOAD_BYTES = 10
    data = "نص طويل نوعا ما".encode()
    report = import_upload(project, SimpleUploadedFile("big.txt", data))
    assert report.files[0].errors == [f"big.txt: the file is {len(data)} bytes; the upload limit is 10 bytes"]
    assert project.documents.count() == 0


def test_document_size_limit_comes_from_settings(project, settings):
    settings.TAWSIM_MAX_DOCUMENT_CHARS = 3
    report = import_upload(project, SimpleUploadedFile("a.txt", "أبجد".encode()))
    assert report.files[0].errors == ["a.txt: document of 4 characters is over the limit of 3 characters"]


def test_errors_follow_the_interface_language(project):
    with translation.override("ar"):
        report = import_upload(project, SimpleUploadedFile("a.txt", b""))
    assert report.files[0].errors == ["a.txt: مستند فارغ"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_into_one_project_take_turns(project):
    started, release = threading.Event(), threading.Event()

    def slow_records():
        yield DocumentRecord(text="أول")
        started.set()
        release.wait(10)
        yield DocumentRecord(text="ثان")

    def run(records):
        try:
            add_documents(project, records)
        finally:
            connection.close()

    first = threading.Thread(target=run, args=(slow_records(),))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=run, args=([DocumentRecord(text="ثالث")],))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second import should wait for the project lock"
    release.set()
    first.join(10)
    second.join(10)
    assert stored(project) == [("أول", 1), ("ثان", 2), ("ثالث", 3)]


def test_a_large_import_refreshes_the_planner_statistics(project, django_capture_on_commit_callbacks):
    """Right after a bulk load the planner must know the table's size (a plan made for
    an empty table once made agreement take 137 s instead of 6)."""
    from django.db import connection

    from corpus.importing import ANALYZE_AFTER_ROWS, add_documents

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'corpus_document'")
            return cursor.fetchone()[0]

    records = [DocumentRecord(external_id=f"s{i}", text=f"نص قصير رقم {i}.") for i in range(ANALYZE_AFTER_ROWS)]
    with django_capture_on_commit_callbacks(execute=True):
        add_documents(project, records)
    assert estimated_rows() >= ANALYZE_AFTER_ROWS
