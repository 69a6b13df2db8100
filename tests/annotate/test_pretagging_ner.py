"""camel-tools NER inside a project's pre-tagging: a tiny BERT built here (no download),
its labels mapped to the project's types through `ner_label_map`."""
from __future__ import annotations

import pytest

from annotate import pretagging
from annotate.models import Suggestion
from tests.corpus.test_pretag_camel_ner import build_tiny_model


@pytest.fixture(autouse=True)
def models_from_tmp(settings, tmp_path):
    """The tiny models these tests build live in tmp_path: allow loading from there."""
    settings.TAWSIM_MODEL_DIRS = [str(tmp_path)]


def configure(project, model, label_map):
    options = pretagging.PretagSettings.of(project)
    options.ner_model_path, options.ner_label_map = str(model), label_map
    pretagging.save_settings(project, options)


def stored(document):
    return [(s.entity_type.key, document.text[s.start:s.end], s.tagger)
            for s in Suggestion.objects.filter(document=document).select_related("entity_type")]


def test_ner_suggestions_are_mapped_to_project_types(document, tmp_path, no_download):
    model = build_tiny_model(tmp_path / "tiny", "B-LOC")
    configure(document.project, model, {"LOC": "GPE", "PERS": "PER", "MISC": None})
    assert next(s for s in pretagging.tagger_states(document.project) if s["name"] == "camel_ner")["problem"] == ""
    report = pretagging.pretag_documents(document.project, taggers=["camel_ner"])
    assert report.errors == [] and report.skipped == {}
    found = stored(document)
    words = [t for t in document.text.replace("،", " ").replace(".", " ").split()]
    assert found and all(kind == "GPE" and tagger == "camel_ner" for kind, _t, tagger in found)
    assert {"القاهرة", "سمير", "داود"} <= {text for _k, text, _t in found} <= set(words) | {"،", "."}


def test_a_label_mapped_to_nothing_is_not_suggested(document, tmp_path, no_download):
    model = build_tiny_model(tmp_path / "tiny", "B-MISC")
    configure(document.project, model, {"LOC": "GPE", "MISC": None})
    report = pretagging.pretag_documents(document.project, taggers=["camel_ner"])
    assert report.errors == [] and stored(document) == []


def test_without_a_model_the_state_says_how_to_install_it(document, tmp_path, no_download):
    configure(document.project, tmp_path / "missing", {"LOC": "GPE"})
    state = next(s for s in pretagging.tagger_states(document.project) if s["name"] == "camel_ner")
    assert not state["installed"] and not state["enabled"]
    assert "camel_data -i ner-arabert" in state["detail"]
