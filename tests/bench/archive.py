"""Project archives at the dataset benchmark's size (TAWSIM_BENCH_DOCUMENTS, default
10,000 documents with 30 spans and 3 events each): export_project and import_project, each
in a child process so that its peak memory is its own.

Usage: python -m tests.bench.archive   (or via python -m tests.bench archive)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import report, setup_django
from tests.bench.dataset import DOCUMENTS, generate, import_file, own_peak_mb

SLUG = "bench-archive"


def child(action: str, slug: str, path: str) -> None:
    setup_django()
    from annotate.archive.writing import export_project
    from annotate.services.archive import import_project
    from corpus.models import Project

    started = time.perf_counter()
    if action == "--export":
        export_project(Project.objects.get(slug=slug), Path(path))
    else:
        import_project(path, slug=slug)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": own_peak_mb()}))


def in_child(action: str, slug: str, path: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "tests.bench.archive", action, slug, str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 3:
        child(*sys.argv[1:4])
        return
    setup_django()  # a fresh benchmark database (python -m tests.bench archive)
    with tempfile.TemporaryDirectory() as folder:
        source, archive = Path(folder) / "annotated.jsonl", Path(folder) / "project.zip"
        generate(source)
        import_file(SLUG, source)
        exported = in_child("--export", SLUG, archive)
        size = archive.stat().st_size
        imported = in_child("--import", SLUG + "-copy", archive)
    report({
        "archive_export_docs_per_s": {"value": DOCUMENTS / exported["seconds"], "unit": "docs/s", "goal": ""},
        "archive_export_peak_mb": {"value": exported["peak_mb"], "unit": "MB", "goal": "flat"},
        "archive_import_docs_per_s": {"value": DOCUMENTS / imported["seconds"], "unit": "docs/s", "goal": ""},
        "archive_import_peak_mb": {"value": imported["peak_mb"], "unit": "MB", "goal": "flat"},
        "archive_size_mb": {"value": size / 1e6, "unit": "MB", "goal": ""},
    })


if __name__ == "__main__":
    main()
