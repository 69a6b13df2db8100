"""Format detection and zip archives (read through corpus.formats.read_file)."""
from __future__ import annotations

import io
import zipfile

import pytest

from corpus.formats import ReadOptions, detect_format, read_file
from corpus.formats.base import FormatError


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def read_zip(members: dict[str, bytes], **options):
    return list(read_file(make_zip(members), "batch.zip", None, ReadOptions(**options)))


def error_of(members: dict[str, bytes], **options) -> str:
    with pytest.raises(FormatError) as caught:
        read_zip(members, **options)
    return str(caught.value)


def test_detection_by_extension_and_override():
    assert [detect_format(n) for n in ("a.TXT", "b.jsonl", "c.ndjson", "d.csv")] == ["txt", "jsonl", "jsonl", "csv"]
    assert detect_format("notes.md", "txt") == "txt"
    with pytest.raises(FormatError, match="notes.md: cannot tell the format from the extension «.md»"):
        detect_format("notes.md")
    with pytest.raises(FormatError, match="unknown format «xml»"):
        detect_format("a.txt", "xml")


def test_zip_of_text_files_in_folders():
    records = read_zip({
        "news/halab.txt": "خبر من حلب".encode(),
        "news/dimashq.txt": "\ufeffخبر من دمشق".encode(),
        "news/": b"",
        "__MACOSX/news/._halab.txt": b"\x00\x05",
        ".DS_Store": b"\x00\x00",
        "README.md": b"ignored: not a document format",
    })
    assert [(r.external_id, r.text) for r in records] == [("halab", "خبر من حلب"), ("dimashq", "خبر من دمشق")]
    assert records[0].source == "batch.zip/news/halab.txt"


def test_zip_may_hold_jsonl_and_csv():
    records = read_zip({"a.jsonl": '{"text": "أ"}\n'.encode(), "b.csv": "text\nب\n".encode()})
    assert [r.text for r in records] == ["أ", "ب"]


def test_stored_entries_are_read_too():
    records = list(read_file(make_zip({"a.txt": "نص".encode()}, zipfile.ZIP_STORED), "s.zip"))
    assert records[0].text == "نص"


def test_an_error_inside_a_member_names_the_member():
    assert error_of({"ok.txt": "نص".encode(), "bad.txt": b"\xff"}) == (
        "batch.zip/bad.txt, line 1: invalid UTF-8 at byte offset 0 (bytes ff)"
    )


@pytest.mark.parametrize("path", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt", "C:/evil.txt", "..\\evil.txt"])
def test_paths_escaping_the_folder(path):
    assert error_of({"fine.txt": b"ok", path: b"x"}) == (
        f"batch.zip: entry «{path}» has a path that escapes the archive folder (absolute or with ..)"
    )


def test_too_many_entries():
    members = {f"{i}.txt": b"x" for i in range(4)}
    assert error_of(members, max_zip_entries=3) == "batch.zip: the archive has 4 entries; the limit is 3"


def test_zip_bomb_is_refused_from_declared_sizes_before_decompressing():
    # 10 MB of zeros compress to about 10 KB; the declared size gives it away.
    members = {"bomb.txt": b"0" * 10_000_000}
    assert error_of(members, max_unzipped_bytes=1_000_000) == (
        "batch.zip: the archive would unpack to 10000000 bytes; the limit is 1000000 bytes"
    )


def test_unsupported_compression_method():
    buffer = make_zip({"a.txt": b"x"}, zipfile.ZIP_BZIP2)
    with pytest.raises(FormatError, match=r"batch.zip/a.txt: compression method 12 is not supported"):
        list(read_file(buffer, "batch.zip"))


def test_nested_archive():
    assert error_of({"inner.zip": make_zip({"a.txt": b"x"}).getvalue()}) == (
        "batch.zip/inner.zip: archives inside archives are not supported"
    )


def test_not_a_zip_and_an_empty_zip():
    with pytest.raises(FormatError, match="batch.zip: not a valid zip archive"):
        list(read_file(io.BytesIO(b"plain text"), "batch.zip"))
    assert error_of({"notes.md": b"x"}) == "batch.zip: the archive holds no files to import (.csv, .jsonl, .ndjson, .txt)"


def test_damaged_member_is_reported_as_such():
    buffer = make_zip({"a.txt": "نص سليم".encode() * 50}, zipfile.ZIP_STORED)
    data = bytearray(buffer.getvalue())
    data[data.index("نص".encode())] ^= 0xFF  # corrupt the stored bytes: the CRC no longer matches
    with pytest.raises(FormatError, match="batch.zip: damaged zip archive: Bad CRC-32"):
        list(read_file(io.BytesIO(bytes(data)), "batch.zip"))


def test_a_file_with_no_documents():
    with pytest.raises(FormatError) as caught:
        list(read_file(io.BytesIO(b"\n\n"), "blank.jsonl"))
    assert str(caught.value) == "blank.jsonl: the file holds no documents"


def zip_with_link(target: str = "/etc/passwd") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "نص عادي")
        link = zipfile.ZipInfo("secret.txt")
        link.external_attr = (0o120777 << 16)  # a symbolic link, as zip -y stores it
        archive.writestr(link, target)
    buffer.seek(0)
    return buffer


def test_a_symbolic_link_entry_is_refused_not_read_as_a_document():
    with pytest.raises(FormatError, match="secret.txt» is a symbolic link"):
        list(read_file(zip_with_link(), "links.zip"))


def test_a_symbolic_link_is_refused_in_a_brat_archive_too():
    with pytest.raises(FormatError, match="is a symbolic link"):
        list(read_file(zip_with_link(), "links.brat.zip"))


@pytest.mark.django_db
def test_entries_of_other_types_are_named_in_the_report(project):
    from corpus.importing import import_stream

    buffer = make_zip({"a.txt": "نص عادي".encode(), "photo.png": b"\x89PNG\r\n", "notes/b.txt": "نص آخر".encode()})
    report = import_stream(project, buffer, "mixed.zip")
    assert report.imported == 2 and not report.errors
    assert [w for w in report.warnings if "photo.png" in w and "skipped" in w]
