"""The .txt reader: one document per file, its name the external id."""
from __future__ import annotations

import io

import pytest

from corpus.formats import ReadOptions, text
from corpus.formats.base import FormatError

SENTENCE = "وصل سمير داود إلى حلب صباح الأحد."


def read(data: bytes, name: str = "news/halab.txt", **options):
    return list(text.read(io.BytesIO(data), name, ReadOptions(**options)))


def test_file_name_without_extension_is_the_external_id():
    [record] = read(SENTENCE.encode())
    assert (record.external_id, record.text, record.source) == ("halab", SENTENCE, "news/halab.txt")


def test_bom_is_dropped_and_line_ends_become_lf():
    [record] = read(b"\xef\xbb\xbf" + "سطر أول\r\nسطر ثان\rسطر ثالث".encode())
    assert record.text == "سطر أول\nسطر ثان\nسطر ثالث"


def test_invalid_utf8_names_the_byte_offset_and_line():
    data = "سطر\n".encode() + b"ab\xffcd"
    with pytest.raises(FormatError) as caught:
        read(data)
    assert str(caught.value) == "news/halab.txt, line 2: invalid UTF-8 at byte offset 9 (bytes ff)"


def test_invalid_utf8_offset_counts_the_bom():
    with pytest.raises(FormatError, match="byte offset 4 "):
        read(b"\xef\xbb\xbfa\xc3")


def test_binary_file_is_refused_at_its_first_nul_byte():
    with pytest.raises(FormatError) as caught:
        read(b"PK\x03\x04\x00\x00")
    assert str(caught.value) == "news/halab.txt, line 1: binary file: NUL byte at byte offset 4"


def test_utf16_file_is_named_as_such():
    with pytest.raises(FormatError, match="encoded as UTF-16, not UTF-8"):
        read(SENTENCE.encode("utf-16"))


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", b"\xef\xbb\xbf"])
def test_empty_document_is_an_error(data):
    with pytest.raises(FormatError) as caught:
        read(data)
    assert str(caught.value) == "news/halab.txt: empty document"


def test_document_over_the_character_limit():
    with pytest.raises(FormatError) as caught:
        read(("ب" * 11).encode(), max_document_chars=10)
    assert str(caught.value) == "news/halab.txt: document of 11 characters is over the limit of 10 characters"


def test_a_huge_file_is_refused_before_it_is_read_whole():
    # 4 bytes per character plus a BOM is the most a 10-character document can take.
    stream = io.BytesIO(b"a" * 1000)
    with pytest.raises(FormatError) as caught:
        list(text.read(stream, "big.txt", ReadOptions(max_document_chars=10)))
    assert str(caught.value) == (
        "big.txt: document over the size limit: more than 43 bytes (the limit is 10 characters)"
    )
    assert stream.tell() == 44


def test_a_document_at_the_limit_is_accepted():
    [record] = read(("د" * 10).encode(), max_document_chars=10)
    assert len(record.text) == 10
