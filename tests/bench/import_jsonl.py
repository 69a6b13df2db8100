"""Import of 10,000 generated Arabic documents (~2,000 characters) from JSONL."""
from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from tests.bench.common import arabic_text, peak_rss_mb, report, setup_django

DOCUMENTS = 10_000


def main() -> None:
    setup_django()
    from corpus.importing import import_paths
    from corpus.presets import create_project_from_preset

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "documents.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for number in range(DOCUMENTS):
                line = {"id": f"bench-{number}", "text": f"{number} " + arabic_text(rng, 2000)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        project = create_project_from_preset("bench import", slug="bench-import")
        started = time.perf_counter()
        result = import_paths(project, [path])
        elapsed = time.perf_counter() - started
    assert result.imported == DOCUMENTS, result
    report({
        "import_jsonl_docs_per_s": {"value": DOCUMENTS / elapsed, "unit": "docs/s", "goal": ">= 5000"},
        "import_jsonl_peak_mb": {"value": peak_rss_mb(), "unit": "MB", "goal": "< 300"},
    })


if __name__ == "__main__":
    main()
