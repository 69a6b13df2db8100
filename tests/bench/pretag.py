"""Pre-tagging throughput: gazetteer + dates + CRF over ~2,000-character documents, one core."""
from __future__ import annotations

import random
import time

from tests.bench.common import peak_rss_mb, report, setup_django

DOCUMENTS = 200


def main() -> None:
    setup_django()
    from corpus.pretag import DEFAULT_PRIORITY, CRFTagger, DateTagger, Gazetteer, pretag_document
    from corpus.pretag.crf import train
    from tests.corpus.test_pretag_crf import make_document

    rng = random.Random(5)
    model = train([make_document(rng, sentences=30) for _ in range(40)], max_iterations=40)
    taggers = [Gazetteer([("سمير داود", "PER")]), DateTagger(), CRFTagger(model)]
    tail = " وصل الوفد يوم الخميس، ١٥ حزيران/يونيو ٢٠٢٣."
    docs = [make_document(rng, sentences=45)[0][:1950] + tail for _ in range(DOCUMENTS)]
    pretag_document(docs[0], taggers)  # warm caches once, as a worker would be
    started = time.perf_counter()
    found = sum(len(pretag_document(d, taggers, priority=DEFAULT_PRIORITY).suggestions) for d in docs)
    elapsed = time.perf_counter() - started
    report({
        "pretag_gazetteer_dates_crf_docs_per_s": {"value": DOCUMENTS / elapsed, "unit": "docs/s", "goal": ">= 100"},
        "pretag_suggestions_per_s": {"value": found / elapsed, "unit": "sugg/s", "goal": ""},
        "pretag_peak_mb": {"value": peak_rss_mb(), "unit": "MB", "goal": ""},
    })


if __name__ == "__main__":
    main()
