"""camel-tools NER end to end on a tiny BERT built here: real loading and inference, no download."""
from __future__ import annotations

import torch

from corpus.pretag import CamelNER, DateTagger, pretag_document
from corpus.pretag.camel_ner import model_labels
from corpus.text.arabic import tokenize

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
WORDS = ["وصل", "سمير", "داود", "إلى", "حلب", "أمس", "في", "و", "قال"]


def build_tiny_model(folder, winner: str):
    """A random 2-layer BERT whose classifier always prefers `winner` (so outputs are known)."""
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    folder.mkdir()
    letters = sorted({c for w in WORDS for c in w})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *letters, *("##" + c for c in letters), "."]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=260,
        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-5.0)
        model.classifier.bias[LABELS.index(winner)] = 5.0
    model.save_pretrained(folder)
    BertTokenizer(str(folder / "vocab.txt"), do_lower_case=False).save_pretrained(folder)
    return folder


def spans(text, suggestions):
    return [(s.type, text[s.start:s.end]) for s in suggestions]


def test_tiny_model_runs_end_to_end_and_labels_are_mapped(tmp_path, no_download):
    model = build_tiny_model(tmp_path / "model_b", "B-PERS")
    assert model_labels(model) == LABELS  # read from the model's config, not a fixed list
    text = "وصل سمير داود إلى حلب."
    tagger = CamelNER({"PERS": "PER"}, model_path=model)
    got = spans(text, tagger.tag(text, tokenize(text)))
    assert got == [("PER", w) for w in ["وصل", "سمير", "داود", "إلى", "حلب", "."]]
    assert CamelNER({"LOC": "GPE"}, model_path=model).tag(text, tokenize(text)) == []


def test_inside_labels_join_words_into_one_span_per_sentence(tmp_path, no_download):
    model = build_tiny_model(tmp_path / "model_i", "I-LOC")
    text = "وصل سمير. قال داود"
    tagger = CamelNER({"LOC": "GPE"}, model_path=model)
    assert spans(text, tagger.tag(text, tokenize(text))) == [("GPE", "وصل سمير."), ("GPE", "قال داود")]


def test_missing_model_says_how_to_install_and_other_taggers_still_run(tmp_path, no_download):
    tagger = CamelNER(model_path=tmp_path / "nowhere")
    assert "camel_data -i ner-arabert" in tagger.status()
    text = "وصل في 3 آذار 2021"
    result = pretag_document(text, [tagger, DateTagger()])
    assert spans(text, result.suggestions) == [("DATE", "3 آذار 2021")]
    [error] = result.errors
    assert error.tagger == "camel_ner" and "camel_data -i ner-arabert" in error.message


def test_default_model_location_is_camel_tools_data_folder(no_download):
    message = CamelNER().status()
    assert message is not None and "ner/arabert" in message
