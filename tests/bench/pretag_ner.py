"""camel-tools NER throughput on the CPU: documents of ~2,000 characters per second
with a tiny BERT built here (the real loading and inference path, no download), and
with the installed CAMeLBERT model when there is one."""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from tests.bench.common import arabic_text, peak_rss_mb, report, setup_django

DOCUMENTS = 20


def _rate(tagger, docs: list[str]) -> tuple[float, float]:
    from corpus.text.arabic import tokenize

    tagger.tag(docs[0], tokenize(docs[0]))  # load the model once, as a worker would
    started = time.perf_counter()
    found = sum(len(tagger.tag(d, tokenize(d))) for d in docs)
    elapsed = time.perf_counter() - started
    return len(docs) / elapsed, found / elapsed


def main() -> None:
    setup_django()
    from corpus.pretag import CamelNER
    from tests.corpus.test_pretag_camel_ner import build_tiny_model

    rng = random.Random(9)
    # Sentences of ~25 words, as in news text (one BERT sequence each).
    docs = [". ".join(arabic_text(rng, 150) for _ in range(13))[:2000] for _ in range(DOCUMENTS)]
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        model = build_tiny_model(Path(folder) / "tiny", "B-PERS")
        docs_per_s, sugg_per_s = _rate(CamelNER({"PERS": "PER"}, model_path=model), docs)
    figures["pretag_ner_tiny_docs_per_s"] = {"value": docs_per_s, "unit": "docs/s", "goal": ""}
    figures["pretag_ner_tiny_suggestions_per_s"] = {"value": sugg_per_s, "unit": "sugg/s", "goal": ""}
    real = CamelNER()
    if real.status() is None:
        docs_per_s, sugg_per_s = _rate(real, docs[:10])
        figures["pretag_ner_camelbert_docs_per_s"] = {"value": docs_per_s, "unit": "docs/s", "goal": ""}
        figures["pretag_ner_camelbert_suggestions_per_s"] = {"value": sugg_per_s, "unit": "sugg/s", "goal": ""}
    else:
        figures["pretag_ner_camelbert_docs_per_s"] = {"value": "not installed", "unit": "",
                                                      "goal": "camel_data -i ner-arabert"}
    figures["pretag_ner_peak_mb"] = {"value": peak_rss_mb(), "unit": "MB", "goal": ""}
    report(figures)


if __name__ == "__main__":
    main()
