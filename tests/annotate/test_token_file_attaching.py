"""A CoNLL file's annotations attach to the document imported earlier as text: by its
external id, else by its words ignoring white space; the words' digest agrees between
Python and PostgreSQL; what cannot be attached is said."""
from __future__ import annotations

import io

import pytest
from django.db import connection

from annotate import dataset
from annotate.models import AnnotationSet, SetKind
from corpus import importing
from corpus.formats.base import DocumentRecord
from corpus.models import Document
from corpus.text.skeleton import SKIPPED, WHITE_SPACE, OffsetMap, words_md5

# Made up for these tests: a proclitic glued to a name («وحلب»), a line break, two spaces.
TEXT = "التقى سمير داود  نظيره في القاهرة\nوحلب تستعد للقاء."


def conll(rows: list[tuple[str, str]], doc_id: str = "") -> bytes:
    head = f"-DOCSTART-\t{doc_id}\n\n" if doc_id else ""
    return (head + "".join(f"{token}\t{tag}\n" for token, tag in rows) + "\n").encode("utf-8")


# The words of TEXT as a tool that splits the proclitic off «حلب» writes them.
ROWS = [("التقى", "O"), ("سمير", "B-PER"), ("داود", "I-PER"), ("نظيره", "O"), ("في", "O"),
        ("القاهرة", "B-GPE"), ("و", "O"), ("حلب", "B-GPE"), ("تستعد", "O"), ("للقاء", "O"), (".", "O")]


def run(project, data: bytes, name: str = "gold.conll") -> importing.FileReport:
    sink = dataset.sinks(project, dataset.parse_target(project, "gold"))(name)
    return importing.import_stream(project, io.BytesIO(data), name, "conll", sink=sink)


@pytest.fixture
def stored(project):
    importing.add_documents(project, [DocumentRecord(text=TEXT, external_id="news-7")])
    return Document.objects.get(external_id="news-7")


def gold_spans(document) -> list[tuple[str, str]]:
    gold = AnnotationSet.objects.get(kind=SetKind.GOLD, document=document)
    return sorted((s.entity_type.key, document.text[s.start:s.end]) for s in gold.spans.select_related("entity_type"))


@pytest.mark.parametrize("doc_id", ["news-7", "another-name", ""])
def test_a_token_file_attaches_to_the_document_with_the_same_words(project, stored, doc_id):
    report = run(project, conll(ROWS, doc_id))
    assert report.errors == [] and report.imported == 0 and report.duplicates == 0 and report.duplicate_of == []
    assert Document.objects.count() == 1
    assert gold_spans(stored) == sorted([("PER", "سمير داود"), ("GPE", "القاهرة"), ("GPE", "حلب")])
    assert any("attached" in warning for warning in report.warnings)


def test_a_known_id_with_other_words_is_imported_as_new_and_said(project, stored):
    rows = [("لقاء", "O"), ("آخر", "O"), ("في", "O"), ("دمشق", "B-GPE")]
    report = run(project, conll(rows, "news-7"))
    assert report.errors == [] and report.imported == 1
    assert any("news-7" in warning and "other words" in warning for warning in report.warnings)
    assert Document.objects.count() == 2


def test_a_token_file_for_new_text_imports_as_before(project):
    report = run(project, conll(ROWS, "fresh"))
    assert (report.imported, report.errors) == (1, [])
    assert not any("attached" in warning for warning in report.warnings)
    assert Document.objects.get().text.startswith("التقى سمير داود نظيره")


def test_attached_annotations_never_mix_into_a_set_that_has_some(project, stored):
    assert run(project, conll(ROWS, "news-7")).errors == []
    again = run(project, conll(ROWS, "news-7"), "again.conll")
    assert any("already has annotations" in error for error in again.errors)


def test_python_and_postgresql_agree_on_the_words_digest(project):
    text = "كلمة" + SKIPPED + "أخرى ١٢ abc"
    importing.add_documents(project, [DocumentRecord(text=text, external_id="ws")])
    assert Document.objects.get(external_id="ws").words_md5 == words_md5(text) == words_md5("كلمةأخرى١٢abc")


def test_the_white_space_list_is_pythons():
    assert set(WHITE_SPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_the_words_lookup_uses_its_index(project, stored):
    importing.add_documents(project, [DocumentRecord(text=f"نص رقم {n} للتجربة.") for n in range(400)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE corpus_document")
        cursor.execute("EXPLAIN SELECT text FROM corpus_document WHERE project_id = %s AND words_md5 = %s",
                       [project.pk, words_md5(TEXT)])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_words" in plan, plan


def test_offsets_move_to_the_same_words():
    source, target = "و حلب  تستعد", "وحلب\u200f تستعد"
    offsets = OffsetMap(source, target)
    assert offsets.span(2, 5) == (1, 4)  # «حلب» without its proclitic
    assert offsets.span(0, 5) == (0, 4)
    assert offsets.span(5, 7) is None  # only white space
    with pytest.raises(ValueError):
        OffsetMap("حلب", "دمشق")
