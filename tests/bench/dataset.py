"""Datasets in and out, at the issue's size: 10,000 generated documents with 30 spans
and 3 events each (TAWSIM_BENCH_DOCUMENTS to change it):

* import of a Tawsim JSONL file with its annotations into the gold sets (docs/s);
* JSONL export of the whole project, streamed, in a child process so that its peak
  memory is its own (docs/s, MB); the median of three runs.

Usage: python -m tests.bench.dataset   (or via python -m tests.bench dataset)
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import arabic_text, peak_rss_mb, report, setup_django

DOCUMENTS = int(os.environ.get("TAWSIM_BENCH_DOCUMENTS", 10_000))
SPANS = 30
EVENTS = 3
CHARS = 1500
EXPORT_RUNS = 3  # this machine's timings vary by ±25% from run to run: the median of three


def generate(path: Path, seed: int = 11) -> None:
    from corpus.text.arabic import tokenize

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for number in range(DOCUMENTS):
            text = f"{number} " + arabic_text(rng, CHARS)
            words = [t for t in tokenize(text) if t.text.isalpha()]
            chosen = sorted(rng.sample(range(len(words)), SPANS + EVENTS))
            entities = []
            for i, index in enumerate(chosen[:SPANS]):
                word = words[index]
                entities.append({"id": f"T{i + 1}", "type": "PER" if i % 2 else "GPE", "start": word.start,
                                 "end": word.end, "text": word.text})
            events = []
            for j, index in enumerate(chosen[SPANS:]):
                word = words[index]
                events.append({"id": f"E{j + 1}", "type": "MEET", "trigger": {"start": word.start, "end": word.end},
                               "arguments": [{"role": "Participant", "entity_id": f"T{2 * j + 2}"},
                                             {"role": "Place", "entity_id": f"T{2 * j + 1}"}],
                               "attributes": {"factuality": "ASSERTED"}})
            line = {"external_id": f"bench-{number}", "title": "", "text": text, "meta": {}, "entities": entities,
                    "events": events, "relations": [], "status": "submitted"}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def import_file(slug: str, path: Path) -> float:
    from annotate import dataset
    from corpus.importing import import_paths
    from corpus.presets import create_project_from_preset

    project = create_project_from_preset(f"bench {slug}", slug=slug)
    sinks = dataset.sinks(project, dataset.parse_target(project, "gold"))
    started = time.perf_counter()
    result = import_paths(project, [path], fmt="tawsim", sinks=sinks)
    elapsed = time.perf_counter() - started
    assert result.ok and result.imported == DOCUMENTS, [f.errors[:3] for f in result.files]
    return elapsed


def export_child(slug: str) -> None:
    """Run in its own process: stream the JSONL export to /dev/null, print figures."""
    setup_django()
    from annotate import dataset
    from corpus.models import Project

    project = Project.objects.get(slug=slug)
    started, count, size = time.perf_counter(), 0, 0

    def on_record() -> None:
        nonlocal count
        count += 1

    with open("/dev/null", "wb") as out:
        for chunk in dataset.export(project, dataset.ExportOptions(fmt="tawsim"), on_record=on_record):
            size += len(chunk)
            out.write(chunk)
    elapsed = time.perf_counter() - started
    print(json.dumps({"docs": count, "seconds": elapsed, "peak_mb": own_peak_mb(), "bytes": size}))


def export_in_child(slug: str) -> dict:
    child = subprocess.run([sys.executable, "-m", "tests.bench.dataset", "--export", slug],
                           capture_output=True, text=True, check=True)
    exported = json.loads(child.stdout.strip().splitlines()[-1])
    assert exported["docs"] == DOCUMENTS, exported
    return exported


def own_peak_mb() -> float:
    """This process's own peak (VmHWM): getrusage's maxrss carries the parent's over fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--export":
        export_child(sys.argv[2])
        return
    setup_django()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annotated.jsonl"
        generate(path)
        imported_in = import_file("bench-dataset", path)
    runs = [export_in_child("bench-dataset") for _ in range(EXPORT_RUNS)]
    exported = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]  # the median run
    report({
        "dataset_import_annotated_docs_per_s": {"value": DOCUMENTS / imported_in, "unit": "docs/s",
                                                "goal": f">= 1000 ({DOCUMENTS} docs)"},
        "dataset_import_peak_mb": {"value": peak_rss_mb(), "unit": "MB", "goal": ""},
        "dataset_export_jsonl_docs_per_s": {"value": DOCUMENTS / exported["seconds"], "unit": "docs/s",
                                            "goal": f">= 5000 ({DOCUMENTS} docs)"},
        "dataset_export_jsonl_peak_mb": {"value": exported["peak_mb"], "unit": "MB", "goal": "< 200"},
    })


if __name__ == "__main__":
    main()
