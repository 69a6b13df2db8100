"""Run every benchmark, print a table and write var/bench.json.

Usage: python -m tests.bench [NAME ...] [--full] [--long] [--seconds=N]
(--full: the scale benchmark goes on to 1,000,000 documents; --long: 300 s of load,
--seconds=N: N seconds of it, e.g. `python -m tests.bench load --seconds=30`)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = [
    "import_jsonl", "editor", "pretag", "pretag_ner", "adjudication", "agreement", "dataset", "scale", "load",
    "kb_search", "quality", "retrain", "browser",
]
BENCH_DB = os.environ.get("TAWSIM_BENCH_DB", "tawsim_bench")  # another name lets two runs coexist
ROOT = Path(__file__).resolve().parents[2]


def main(names: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawsim.settings")
    os.environ["TAWSIM_TEST_DB"] = BENCH_DB
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    state = setup_databases(verbosity=0, interactive=False, keepdb=False)
    figures: dict = {}
    try:
        for name in names or BENCHMARKS:
            figures.update(_run_child(name))
    finally:
        teardown_databases(state, verbosity=0)
    _print_table(figures)
    out = ROOT / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    # A run of some benchmarks updates their figures and keeps the others'.
    previous = json.loads(out.read_text()) if out.exists() else {}
    out.write_text(json.dumps({**previous, **figures}, indent=2, ensure_ascii=False))
    print(f"\nwritten: {out.relative_to(ROOT)}")
    return 0


def _run_child(name: str) -> dict:
    env = dict(os.environ, TAWSIM_BENCH_DB=BENCH_DB)
    # The child's stderr (progress, warnings) goes straight through; stdout ends with its figures.
    done = subprocess.run(
        [sys.executable, "-m", f"tests.bench.{name}", *ARGS], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout)
        return {f"{name} (failed)": {"value": "error", "unit": "", "goal": ""}}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_table(figures: dict) -> None:
    width = max(len(name) for name in figures) if figures else 10
    print(f"{'benchmark'.ljust(width)}  {'value':>12}  unit        goal")
    for name, figure in figures.items():
        value = figure["value"]
        shown = f"{value:,.1f}" if isinstance(value, (int, float)) else str(value)
        print(f"{name.ljust(width)}  {shown:>12}  {figure['unit']:<10}  {figure.get('goal', '')}")


# Flags (e.g. --full for scale, --long for load) go to every benchmark run.
ARGS = [a for a in sys.argv[1:] if a.startswith("--")]

if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if not a.startswith("--")]))
