"""Fast JSON that loses nothing. orjson reads and writes several times faster than the
json module, but reads integers beyond 64 bits as floats (dropping digits) and refuses
to write them, and it refuses what the json module reads (a lone surrogate escape, NaN,
which the readers then report precisely). Those rare inputs go through the json module.
"""
from __future__ import annotations

import json
import re
from typing import Any

import orjson
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# 19 digits in a row may be an integer orjson cannot hold; a false alarm (digits in a
# string) only costs the slower parser.
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def loads(text: str | bytes) -> Any:
    if _LONG_NUMBER.search(text if isinstance(text, str) else text.decode("utf-8", "replace")) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def dumps_line(value: Any) -> bytes:
    """One JSON Lines line, UTF-8, ending in a newline."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")


# The json module's reasons, in the reader's language. Its messages end in "at" (the
# position follows in its own str()), so they read badly inside a sentence of ours.
_REASONS = {
    "Expecting value": gettext_noop("a value was expected"),
    "Expecting property name enclosed in double quotes": gettext_noop("a property name in double quotes was expected"),
    "Expecting ',' delimiter": gettext_noop("a comma was expected"),
    "Expecting ':' delimiter": gettext_noop("a colon was expected"),
    "Unterminated string starting": gettext_noop("a string is not closed"),
    "Invalid control character": gettext_noop("a control character (such as a tab or line break) inside a string"),
    "Invalid \\escape": gettext_noop("an invalid backslash escape"),
    "Invalid \\uXXXX escape": gettext_noop("an invalid \\uXXXX escape"),
    "Extra data": gettext_noop("more data after the JSON value"),
}


def reason(error: json.JSONDecodeError) -> str:
    """Why the json module refused a text, as a phrase in the current language."""
    message = error.msg
    for prefix, phrase in _REASONS.items():
        if message.startswith(prefix):
            return _(phrase)
    return message.removesuffix(" at").strip()
