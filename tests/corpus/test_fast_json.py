"""corpus.formats._json: orjson's speed without its losses."""
from __future__ import annotations

import json
import math

from corpus.formats import _json

BIG = 123456789012345678901234567890


def test_integers_beyond_64_bits_keep_every_digit_both_ways():
    assert _json.loads(f'{{"n": {BIG}}}') == {"n": BIG}
    assert json.loads(_json.dumps_line({"n": BIG, "text": "حلب"})) == {"n": BIG, "text": "حلب"}


def test_what_orjson_refuses_is_read_as_the_json_module_reads_it():
    # the JSON readers then report a lone surrogate or a NaN precisely
    assert _json.loads('{"a": "\\ud800"}') == {"a": "\ud800"}
    assert math.isnan(_json.loads('{"a": NaN}')["a"])


def test_lines_are_utf8_with_arabic_unescaped_and_end_in_a_newline():
    line = _json.dumps_line({"text": "قال الوزير ١٢"})
    assert line.endswith(b"\n") and "قال الوزير ١٢".encode() in line
