"""The CSV reader: a text column (configurable), optional id and title, the rest to meta."""
from __future__ import annotations

import io

import pytest

from corpus.formats import ReadOptions, csv
from corpus.formats.base import FormatError


def read(data: str | bytes, **options):
    raw = data.encode() if isinstance(data, str) else data
    return list(csv.read(io.BytesIO(raw), "sheet.csv", ReadOptions(**options)))


def error_of(data: str | bytes, **options) -> str:
    with pytest.raises(FormatError) as caught:
        read(data, **options)
    return str(caught.value)


def test_text_id_title_and_other_columns_to_meta():
    [record] = read("id,title,text,source\nd1,خبر,انفجار في حلب,وكالة\n")
    assert (record.external_id, record.title, record.text) == ("d1", "خبر", "انفجار في حلب")
    assert (record.meta, record.line) == ({"source": "وكالة"}, 2)


def test_configurable_text_column():
    [record] = read("body,lang\nنص الخبر,ar\n", text_column="body")
    assert (record.text, record.meta, record.external_id) == ("نص الخبر", {"lang": "ar"}, "")


def test_quoted_multiline_text_keeps_its_line_and_normalises_crlf():
    data = '\ufefftext,n\r\n"سطر أول\r\nسطر ثان",1\r\n\r\n"ثالث",2\r\n'
    first, second = read(data)
    assert (first.text, first.line) == ("سطر أول\nسطر ثان", 2)
    assert (second.text, second.line, second.meta) == ("ثالث", 5, {"n": "2"})


def test_missing_text_column_names_the_columns_found():
    assert error_of("id,body\n1,نص\n") == (
        "sheet.csv, line 1, field «text»: no text column «text»; the columns found are: «id», «body»"
    )


def test_empty_text_cell_is_located():
    assert error_of("text,id\nأ,1\n ,2\n") == "sheet.csv, line 3, field «text»: empty document"


def test_text_over_the_size_limit():
    assert error_of("text\nأبجد\n", max_document_chars=3) == (
        "sheet.csv, line 2, field «text»: document of 4 characters is over the limit of 3 characters"
    )


def test_row_with_the_wrong_number_of_fields():
    assert error_of("text,id\nأ,1,extra\n") == "sheet.csv, line 2: the row has 3 fields but the header has 2"


def test_duplicate_column():
    assert error_of("text,text\nأ,ب\n") == "sheet.csv, line 1: column «text» appears more than once"


def test_empty_file():
    assert error_of(b"") == "sheet.csv, line 1: empty file: a header row is needed"


def test_unterminated_quote_and_stray_quote():
    assert error_of('text\n"أ\n') == "sheet.csv, line 2: malformed CSV: unexpected end of data"
    assert error_of('text,id\nأ,1\n"ب"x,2\n') == "sheet.csv, line 3: malformed CSV: ',' expected after '\"'"


def test_invalid_utf8_and_nul_bytes():
    assert error_of(b"text\nab\xfe\n") == "sheet.csv, line 2: invalid UTF-8 at byte offset 7 (bytes fe)"
    assert error_of(b"text\na\x00\n") == "sheet.csv, line 2: binary file: NUL byte at byte offset 6"


def test_a_text_longer_than_the_csv_modules_default_field_limit():
    long_text = "ك" * 200_000
    [record] = read(f"text\n{long_text}\n")
    assert len(record.text) == 200_000
