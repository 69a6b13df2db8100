"""The report as flat rows, for CSV download and the CLI: one figure per row,
`section, item, metric, value, n` (n: how many items the figure rests on)."""
from __future__ import annotations

from collections.abc import Iterator

HEADER = ("section", "item", "metric", "value", "n")


def _prf_rows(section: str, item: str, figures: dict) -> Iterator[tuple]:
    n = figures.get("n_a", 0) + figures.get("n_b", 0)
    for metric in ("precision", "recall", "f1"):
        yield section, item, metric, figures.get(metric), n


def rows(report: dict) -> Iterator[tuple]:
    yield "documents", "", "count", report["documents"], report["documents"]
    for match in ("exact", "overlap"):
        spans = report["spans"][match]
        yield from _prf_rows(f"spans_{match}", "overall", spans["overall"])
        for key, figures in spans["by_type"].items():
            yield from _prf_rows(f"spans_{match}", f"type:{key}", figures)
        for pair in spans["pairs"]:
            yield from _prf_rows(f"spans_{match}", f"pair:{pair['a']}|{pair['b']}", pair)
    tokens = report["tokens"]
    yield "tokens", "all", "fleiss_kappa", tokens["fleiss_kappa"], tokens["tokens"]
    yield "tokens", "all", "krippendorff_alpha", tokens["krippendorff_alpha"], tokens["tokens"]
    for pair in tokens["pairs"]:
        yield "tokens", f"pair:{pair['a']}|{pair['b']}", "cohen_kappa", pair["kappa"], pair["tokens"]
    unitizing = report["unitizing"]
    units = sum(t["units"] for t in unitizing["by_type"].values())
    yield "unitizing", "overall", "alpha_u", unitizing["overall"], units
    for key, figures in unitizing["by_type"].items():
        yield "unitizing", f"type:{key}", "alpha_u", figures["alpha"], figures["units"]
    events = report["events"]
    for kind, figures in events["overall"].items():
        yield from _prf_rows(f"events_{kind}", "overall", figures)
    for event_type, kinds in events["by_type"].items():
        for kind, figures in kinds.items():
            yield from _prf_rows(f"events_{kind}", f"type:{event_type}", figures)
    for key, figures in events["attributes"].items():
        yield "event_attributes", key, "agreement", figures["agreement"], figures["pairs"]
        yield "event_attributes", key, "cohen_kappa", figures["kappa"], figures["pairs"]
    confusion = report["confusion"]
    for row, first in enumerate(confusion["types"]):
        for column, second in enumerate(confusion["types"]):
            count = confusion["matrix"][row][column]
            if count and row <= column:
                yield "type_confusion", f"{first}|{second}", "count", count, count
