"""Messages for bad files read as sentences: JSON's reasons without its dangling "at",
offsets past the end named as outside the text even when a `text` field is given, and
the line limit says where it comes from."""
from __future__ import annotations

import io
import json

import pytest

from corpus.formats import jsonl, labelstudio, tawsim_jsonl
from corpus.formats.base import FormatError


def error_of(module, data: str, name="f.jsonl") -> str:
    with pytest.raises(FormatError) as caught:
        list(module.read(io.BytesIO(data.encode()), name))
    return str(caught.value)


def test_a_control_character_in_a_string_is_named_plainly():
    message = error_of(jsonl, '{"text": "سطر\tثان"}\n')
    assert "malformed JSON: a control character (such as a tab or line break) inside a string at column" in message
    assert " at at " not in message and "Invalid control character" not in message


def test_label_studio_reasons_read_the_same():
    message = error_of(labelstudio, '[{"data": {"text": "x\ty"}}]', "ls.json")
    assert "a control character" in message and "Invalid control character at" not in message


def test_offsets_past_the_end_are_outside_the_text_even_with_a_text_field():
    text = "زار الوفد حمص"
    item = {"text": text, "external_id": "e1",
            "entities": [{"id": "T1", "type": "GPE", "start": 40, "end": 43, "text": "حمص"}]}
    message = error_of(tawsim_jsonl, json.dumps(item, ensure_ascii=False) + "\n")
    assert f"offsets 40–43 are outside the text (0–{len(text)})" in message
    assert "but the file says" not in message
