"""Offsets into a document's text: code points, the end excluded."""
from __future__ import annotations


def whole_numbers(*values) -> bool:
    """Whether every value is an int (True and False are not offsets)."""
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def valid_span(text: str, start, end) -> bool:
    """Whether [start, end) is a non-empty span of whole-number offsets inside the text."""
    return whole_numbers(start, end) and 0 <= start < end <= len(text)
