"""The pretag and train_tagger commands."""
from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from annotate import pretagging
from annotate.models import Suggestion
from tests.annotate.test_pretagging import Broken


def test_pretag_command_prints_progress_and_failures_and_goes_on(document, capsys, monkeypatch):
    monkeypatch.setitem(pretagging.BUILDERS, "broken", lambda project, options: Broken())
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents

    add_documents(document.project, [DocumentRecord(external_id="h", text="وصل الوفد إلى حلب يوم 3 آذار 2021.")])
    call_command("pretag", document.project.slug, "--taggers", "dates", "broken")
    out, err = capsys.readouterr()
    assert "2/2 documents" in out and "2 documents: " in out and "1 tagger failure" in out
    assert "tagger broken failed" in err and "gave up" in err
    assert Suggestion.objects.filter(tagger="dates").count() == 2


def test_pretag_command_names_an_unknown_project(db):
    with pytest.raises(CommandError, match="nope"):
        call_command("pretag", "nope")


CONLL = ("\ufeff\u200eوصل\tO\r\n\u200eسمير\tB-Politician\r\n\u200eداود\tI-Politician\r\n\u200eإلى\tO\r\n"
         "\u200eحلب\tB-Population-Center\r\n\r\n")


def test_train_tagger_bootstraps_from_a_conll_corpus(project, tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CONLL * 20, encoding="utf-8", newline="")
    call_command("train_tagger", project.slug, "--bootstrap", str(corpus), "--format", "conll",
                 "--map", "Politician=PER", "--map", "Population-Center=GPE", "--iterations", "20")
    out = capsys.readouterr().out
    assert "20 segments, 40 entities of GPE, PER" in out and "CRF trained on 20 documents" in out
    model = pretagging.latest_model(project)
    assert model.metrics["bootstrap_documents"] == 20 and model.metrics["gold_documents"] == 0


def test_train_tagger_refuses_a_map_to_unknown_types(project, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CONLL, encoding="utf-8")
    with pytest.raises(CommandError, match="PERSON are not entity types"):
        call_command("train_tagger", project.slug, "--bootstrap", str(corpus), "--map", "Politician=PERSON")
    with pytest.raises(CommandError, match="no training data"):
        call_command("train_tagger", project.slug)
