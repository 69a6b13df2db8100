"""The spans CSV is opened in spreadsheets: cells that would run as formulas are quoted,
and our own reader gets the original text back."""
from corpus.formats import spans_csv
from corpus.formats.base import DocumentRecord, SpanRecord, WriteOptions


def test_a_cell_starting_like_a_formula_is_quoted_and_read_back_unchanged():
    text = "=HYPERLINK(\"x\") قال سمير"
    record = DocumentRecord(text=text, external_id="+d1", entities=[SpanRecord("PER", 0, 16, "T1")])
    data = b"".join(spans_csv.write([record], WriteOptions())).decode("utf-8-sig")
    assert "'=HYPERLINK" in data and "'+d1" in data
    ((external_id, span),) = list(spans_csv.read_rows(data))
    assert external_id == "+d1" and (span.type, span.start, span.end) == ("PER", 0, 16)
