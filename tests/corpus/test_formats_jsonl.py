"""The JSONL reader: one object per line, errors located to the line and field."""
from __future__ import annotations

import io
import json

import pytest

from corpus.formats import ReadOptions, jsonl
from corpus.formats.base import FormatError


def read(data: bytes | str, **options):
    raw = data.encode() if isinstance(data, str) else data
    return list(jsonl.read(io.BytesIO(raw), "batch.jsonl", ReadOptions(**options)))


def error_of(data: bytes | str, **options) -> str:
    with pytest.raises(FormatError) as caught:
        read(data, **options)
    return str(caught.value)


def line(**item) -> str:
    return json.dumps(item, ensure_ascii=False) + "\n"


def test_reads_text_id_title_and_meta():
    data = line(text="زار الوفد دمشق.", id="d1", title="زيارة", meta={"source": "wire"}) + line(text="خبر ثان", id=7)
    first, second = read(data)
    assert (first.text, first.external_id, first.title, first.meta) == ("زار الوفد دمشق.", "d1", "زيارة", {"source": "wire"})
    assert (second.external_id, second.title, second.meta, second.line) == ("7", "", {}, 2)


def test_other_keys_go_to_meta_without_overriding_it():
    [record] = read(line(text="نص", meta={"lang": "ar"}, lang="en", date="2021-03-12"))
    assert record.meta == {"lang": "ar", "date": "2021-03-12"}


def test_blank_lines_bom_and_crlf():
    data = b"\xef\xbb\xbf" + line(text="سطر\r\nثان").replace("\n", "\r\n").encode() + b"\r\n\r\n" + line(text="ب").encode()
    records = read(data)
    assert [r.text for r in records] == ["سطر\nثان", "ب"]
    assert [r.line for r in records] == [1, 4]


def test_malformed_json_names_the_line_and_the_json_error():
    data = line(text="أ") + '{"text": "ب",}\n'
    assert error_of(data) == "batch.jsonl, line 2: malformed JSON: a property name in double quotes was expected at column 14"


def test_a_line_that_is_not_an_object():
    assert error_of('["نص"]\n') == "batch.jsonl, line 1: expected a JSON object, found array"


def test_missing_text():
    assert error_of(line(text="أ") + line(title="بلا نص")) == (
        'batch.jsonl, line 2, field «text»: missing: every line needs a "text" string'
    )


@pytest.mark.parametrize("value, kind", [(5, "number"), (None, "null"), (["أ"], "array"), (True, "boolean")])
def test_text_that_is_not_a_string(value, kind):
    assert error_of(line(text=value)) == f"batch.jsonl, line 1, field «text»: must be a string, found {kind}"


def test_empty_text():
    assert error_of(line(text=" \n ")) == "batch.jsonl, line 1, field «text»: empty document"


def test_text_over_the_size_limit():
    assert error_of(line(text="ج" * 6), max_document_chars=5) == (
        "batch.jsonl, line 1, field «text»: document of 6 characters is over the limit of 5 characters"
    )


def test_bad_id_title_and_meta_types():
    assert error_of(line(text="أ", id=1.5)).endswith("field «id»: must be a string or a whole number, found number")
    assert error_of(line(text="أ", title=3)).endswith("field «title»: must be a string, found number")
    assert error_of(line(text="أ", meta=[1])).endswith("field «meta»: must be an object, found array")


def test_invalid_utf8_names_line_and_byte_offset():
    data = line(text="أ").encode() + b'{"text": "\xd8"}\n'
    # Line 1 is 15 bytes ({"text": "أ"} and LF, the letter taking two); the bad byte is
    # the 11th of line 2.
    assert error_of(data) == "batch.jsonl, line 2: invalid UTF-8 at byte offset 25 (bytes d8)"


def test_nul_byte_means_a_binary_file():
    assert error_of(b'{"text": "a"}\n\x00\x01') == "batch.jsonl, line 2: binary file: NUL byte at byte offset 14"


def test_escaped_nul_and_lone_surrogate_are_refused():
    assert error_of('{"text": "ab\\u0000"}\n').endswith("field «text»: NUL character (\\u0000) at character 2")
    assert error_of('{"text": "a\\ud800"}\n').endswith("field «text»: unpaired surrogate \\ud800 at character 1")
    assert error_of('{"text": "a", "meta": {"k": "\\u0000"}}\n').endswith("field «meta»: contains a NUL character (\\u0000)")


def test_an_overlong_line_is_refused_without_reading_it_all():
    # The line limit is 6 bytes per allowed character (\uXXXX escapes) plus 1 MiB for meta.
    big = line(text="a" * (6 * 2 + 1024 * 1024 + 10))
    assert error_of(big, max_document_chars=2).startswith(
        "batch.jsonl, line 1: line longer than the limit of 1048588 bytes (6 bytes per character")


def test_reading_is_lazy():
    """A broken line far down the file does not stop the first records being produced."""
    records = jsonl.read(io.BytesIO((line(text="أ") + "not json\n").encode()), "batch.jsonl")
    assert next(records).text == "أ"
    with pytest.raises(FormatError, match="line 2: malformed JSON"):
        next(records)
