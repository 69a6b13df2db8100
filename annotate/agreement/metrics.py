"""Agreement metrics over plain data: no ORM, no Django.

Input: :class:`DocumentSets` per document (its text and every annotator's spans and
events, keyed by annotator name); :func:`report` returns one JSON-ready dict that the
page, the CSV, the API and the CLI all show.

* Spans: pairwise precision / recall / F1, exact (same type and offsets) and overlap
  (same type, overlapping offsets), per pair, per type and overall. For a pair (a, b),
  a is the reference: recall = a's spans matched by b, precision = b's spans matched by a.
  Only documents both submitted count for a pair. Totals are micro-averages.
* Tokens: BIO labels over camel-tools tokens (corpus.text.arabic.tokenize); Cohen's
  kappa per pair (scikit-learn), Fleiss' kappa and Krippendorff's alpha, nominal (both
  here, vectorised; see their docstrings).
* Krippendorff's unitizing alpha per type over character offsets (:mod:`.unitizing`).
* Events: trigger F1 (same type and trigger offsets) and argument F1 (same event, role
  and argument offsets) per event type; attribute agreement on matched events.
* A confusion matrix of entity types for spans with identical offsets.
"""
from __future__ import annotations

import math
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from annotate.agreement.unitizing import Units, group_pairs, overall_alpha, unitizing_alpha

if TYPE_CHECKING:
    from annotate.jobs import Progress  # only a type: the metrics stay free of Django

Span = tuple[str, int, int]  # (entity type key, start, end)


@dataclass(frozen=True)
class ComparedEvent:
    """One annotator's event as agreement compares it: offsets, not database ids."""

    type: str
    trigger: tuple[int, int]
    attributes: tuple[tuple[str, str], ...] = ()
    arguments: frozenset[tuple[str, int, int]] = frozenset()  # (role, start, end)


@dataclass
class DocumentSets:
    """One document and the submitted sets of its annotators (two or more)."""

    id: int
    text: str
    spans: dict[str, list[Span]] = field(default_factory=dict)
    events: dict[str, list[ComparedEvent]] = field(default_factory=dict)
    title: str = ""

    @property
    def annotators(self) -> list[str]:
        return sorted(set(self.spans) | set(self.events))


def _number(value) -> float | None:
    """JSON-safe: NaN (undefined, e.g. kappa when nobody varied) becomes None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 6)


def prf(a: int, b: int, matched_a: int, matched_b: int) -> dict:
    """Precision, recall and F1 with a as the reference: `matched_a` of a's `a` items
    were found in b; `matched_b` of b's `b` items were found in a."""
    precision = matched_b / b if b else None
    recall = matched_a / a if a else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": _number(precision), "recall": _number(recall), "f1": _number(f1),
            "n_a": a, "n_b": b, "matched_a": matched_a, "matched_b": matched_b}


# --- span arrays ---------------------------------------------------------------------

@dataclass
class _SpanArrays:
    """Every span of every document as parallel arrays, plus who coded which document."""

    doc: np.ndarray
    annotator: np.ndarray
    type: np.ndarray
    start: np.ndarray
    end: np.ndarray
    present: np.ndarray  # [document, annotator] → submitted
    lengths: np.ndarray
    annotators: list[str]
    types: list[str]


def _arrays(documents: list[DocumentSets], types: list[str]) -> _SpanArrays:
    annotators = sorted({name for d in documents for name in d.annotators})
    who = {name: i for i, name in enumerate(annotators)}
    type_index = {key: i for i, key in enumerate(types)}
    for d in documents:  # types found in the data but not named by the caller go last
        for spans in d.spans.values():
            for key, _s, _e in spans:
                if key not in type_index:
                    type_index[key] = len(type_index)
                    types.append(key)
    rows = [
        (di, who[name], type_index[key], start, end)
        for di, d in enumerate(documents) for name, spans in d.spans.items() for key, start, end in spans
    ]
    array = np.array(rows, dtype=np.int64).reshape(-1, 5)
    present = np.zeros((len(documents), len(annotators)), dtype=bool)
    for di, d in enumerate(documents):
        present[di, [who[name] for name in d.annotators]] = True
    lengths = np.array([len(d.text) for d in documents], dtype=np.int64)
    return _SpanArrays(*array.T, present, lengths, annotators, types)


def _matched(arrays: _SpanArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """[span, annotator] → the span is matched by one of that annotator's spans in pairs (i, j)."""
    found = np.zeros((len(arrays.start), len(arrays.annotators)), dtype=bool)
    found[i, arrays.annotator[j]] = True
    return found


def _pair_counts(arrays: _SpanArrays, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """totals[a, b, t]: a's spans of type t in documents b also submitted;
    matched[a, b, t]: those of them matched by b."""
    shape = (len(arrays.annotators), len(arrays.annotators), max(len(arrays.types), 1))
    totals, matched = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    for b in range(len(arrays.annotators)):
        weights = arrays.present[arrays.doc, b] & (arrays.annotator != b)
        np.add.at(totals[:, b, :], (arrays.annotator, arrays.type), weights)
        np.add.at(matched[:, b, :], (arrays.annotator, arrays.type), weights & found[:, b])
    return totals, matched


def _pair_table(arrays, totals, matched) -> tuple[list[dict], dict, dict]:
    pairs, by_type, overall = [], {}, None
    for a, b in combinations(range(len(arrays.annotators)), 2):
        shared = int(np.sum(arrays.present[:, a] & arrays.present[:, b]))
        if shared:
            pairs.append({
                "a": arrays.annotators[a], "b": arrays.annotators[b], "documents": shared,
                **prf(int(totals[a, b].sum()), int(totals[b, a].sum()),
                      int(matched[a, b].sum()), int(matched[b, a].sum())),
            })
    upper = np.triu(np.ones((len(arrays.annotators),) * 2, dtype=bool), 1)
    a_side = lambda counts: counts[upper]  # noqa: E731 (a < b)
    b_side = lambda counts: counts.transpose(1, 0, 2)[upper]  # noqa: E731
    for t, key in enumerate(arrays.types):
        by_type[key] = prf(int(a_side(totals)[:, t].sum()), int(b_side(totals)[:, t].sum()),
                           int(a_side(matched)[:, t].sum()), int(b_side(matched)[:, t].sum()))
    overall = prf(int(a_side(totals).sum()), int(b_side(totals).sum()),
                  int(a_side(matched).sum()), int(b_side(matched).sum()))
    return pairs, by_type, overall


def span_agreement(arrays: _SpanArrays) -> dict:
    """Pairwise P/R/F1, exact and overlap, per pair, per type and overall."""
    key = arrays.doc * (len(arrays.types) + 1) + arrays.type
    i, j = group_pairs(key)
    other = arrays.annotator[i] != arrays.annotator[j]
    i, j = i[other], j[other]
    exact = (arrays.start[i] == arrays.start[j]) & (arrays.end[i] == arrays.end[j])
    overlap = (arrays.start[i] < arrays.end[j]) & (arrays.start[j] < arrays.end[i])
    result = {}
    for name, keep in (("exact", exact), ("overlap", overlap)):
        totals, matched = _pair_counts(arrays, _matched(arrays, i[keep], j[keep]))
        pairs, by_type, overall = _pair_table(arrays, totals, matched)
        result[name] = {"pairs": pairs, "by_type": by_type, "overall": overall}
    return result


def document_scores(arrays: _SpanArrays, documents: list[DocumentSets]) -> list[dict]:
    """Per document: exact span F1 over all its pairs of annotators (micro), lowest first.
    Summed over ordered pairs, matched spans / spans is 2m / (|A| + |B|) per pair."""
    key = arrays.doc * (len(arrays.types) + 1) + arrays.type
    i, j = group_pairs(key)
    keep = ((arrays.annotator[i] != arrays.annotator[j])
            & (arrays.start[i] == arrays.start[j]) & (arrays.end[i] == arrays.end[j]))
    found = _matched(arrays, i[keep], j[keep])
    others = arrays.present.sum(axis=1) - 1
    matched = np.bincount(arrays.doc, weights=found.sum(axis=1), minlength=len(documents))
    possible = np.bincount(arrays.doc, weights=others[arrays.doc], minlength=len(documents))
    spans = np.bincount(arrays.doc, minlength=len(documents))
    rows = [
        {"id": d.id, "title": d.title, "annotators": len(d.annotators),
         "spans": int(spans[n]),
         "exact_f1": _number(matched[n] / possible[n]) if possible[n] else None}
        for n, d in enumerate(documents)
    ]
    return sorted(rows, key=lambda r: (r["exact_f1"] is None, r["exact_f1"] or 0.0, r["id"]))


def type_confusion(arrays: _SpanArrays) -> dict:
    """Entity types chosen for spans with identical offsets by two annotators.
    Symmetric: a PER/ORG disagreement is counted in both the PER row and the ORG row;
    the diagonal counts agreements. Where one annotator marked the same offsets with the
    same type as the other, that span is not also counted as confused."""
    size = len(arrays.types)
    matrix = np.zeros((size, size), dtype=np.int64)
    key = (arrays.doc * (int(arrays.lengths.max(initial=0)) + 1) + arrays.start) * (
        int(arrays.lengths.max(initial=0)) + 1) + arrays.end
    i, j = group_pairs(key)
    keep = arrays.annotator[i] < arrays.annotator[j]
    i, j = i[keep], j[keep]
    same = arrays.type[i] == arrays.type[j]
    np.add.at(matrix, (arrays.type[i[same]], arrays.type[j[same]]), 1)
    agreed = _matched(arrays, i[same], j[same]) | _matched(arrays, j[same], i[same])
    loose = ~same & ~agreed[i, arrays.annotator[j]] & ~agreed[j, arrays.annotator[i]]
    np.add.at(matrix, (arrays.type[i[loose]], arrays.type[j[loose]]), 1)
    np.add.at(matrix, (arrays.type[j[loose]], arrays.type[i[loose]]), 1)
    return {"types": list(arrays.types), "matrix": matrix.tolist()}


# --- tokens --------------------------------------------------------------------------

def bio_labels(token_starts: np.ndarray, token_ends: np.ndarray, start: np.ndarray, end: np.ndarray,
               kind: np.ndarray, coder: np.ndarray, coders: int) -> np.ndarray:
    """Label codes per coder and token: 0 = O, 2t+1 = B-type t, 2t+2 = I-type t.

    Tokens and spans are in one coordinate (documents laid end to end), so one
    searchsorted finds every span's tokens. A token belongs to a span it overlaps (a span
    may start after a glued proclitic, inside a token). BIO cannot nest: where spans
    overlap, the longer one wins (spans are written shortest first; numpy keeps the last
    write)."""
    labels = np.zeros((coders, len(token_starts)), dtype=np.int64)
    first = np.searchsorted(token_ends, start, side="right")
    last = np.searchsorted(token_starts, end, side="left")
    keep = first < last
    first, last, kind, coder, width = first[keep], last[keep], kind[keep], coder[keep], (end - start)[keep]
    order = np.argsort(width, kind="stable")
    first, last, kind, coder = first[order], last[order], kind[order], coder[order]
    size = last - first
    covered = np.repeat(first, size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size))
    is_first = covered == np.repeat(first, size)
    values = np.repeat(2 * kind + 2, size) - is_first
    flat = labels.reshape(-1)
    flat[np.repeat(coder, size) * len(token_starts) + covered] = values
    return labels


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa from counts[item, category] (how many raters chose each category).

    Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
    Bulletin 76(5): 378-382. Per item, P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1));
    P̄ = mean P_i; p_j = Σ_i n_ij / Σ_i n_i; P̄e = Σ_j p_j²; κ = (P̄ − P̄e) / (1 − P̄e).
    Items may have different numbers of raters (n_i, as here where documents have 2 to
    5 annotators); items with fewer than two are left out. With the same n everywhere
    this is Fleiss' formula exactly."""
    counts = np.asarray(counts, dtype=np.float64)
    raters = counts.sum(axis=1)
    counts, raters = counts[raters >= 2], raters[raters >= 2]
    if len(counts) == 0:
        return None
    per_item = (np.sum(counts**2, axis=1) - raters) / (raters * (raters - 1))
    proportions = counts.sum(axis=0) / raters.sum()
    chance = float(np.sum(proportions**2))
    if chance >= 1.0:
        return None  # every rater used one category throughout: agreement is undefined
    return _number((per_item.mean() - chance) / (1 - chance))


def cohen_kappa(a, b) -> float | None:
    """scikit-learn's Cohen's kappa; None where undefined (both used a single label)."""
    if len(a) == 0:
        return None
    with warnings.catch_warnings():  # sklearn warns, then answers NaN, where undefined
        warnings.simplefilter("ignore")
        # Imported here: scikit-learn (and the pandas it loads) would add ~180 MB and
        # ~2 s to every web process that merely routes to the agreement pages.
        from sklearn.metrics import cohen_kappa_score

        return _number(cohen_kappa_score(a, b))


def krippendorff_nominal(counts: np.ndarray) -> float | None:
    """Krippendorff's alpha (nominal) from value counts[unit, value].

    The `krippendorff` package computes the same figure (the tests hold the two equal)
    but builds a units × values × values array to do it: 8 s and half a gigabyte for
    400,000 tokens. The coincidence matrix is one matrix product instead:
    o = Σ_u (n_u n_uᵀ − diag n_u) / (m_u − 1) over units with m_u ≥ 2 values, and
    α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k (Krippendorff 2011, "Computing
    Krippendorff's alpha-reliability")."""
    counts = np.asarray(counts, dtype=np.float64)
    values = counts.sum(axis=1)
    counts, values = counts[values >= 2], values[values >= 2]
    if len(counts) == 0:
        return None
    weighted = counts / (values - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidences.sum(axis=1)
    n = totals.sum()
    expected = n * n - np.sum(totals**2)
    if expected <= 0:
        return None  # one value throughout: no variation to agree on
    observed = coincidences.sum() - np.trace(coincidences)
    return _number(1 - (n - 1) * observed / expected)


def token_agreement(documents: list[DocumentSets], arrays: _SpanArrays, tokenize,
                    progress: Progress | None = None) -> dict:
    """Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha over BIO labels.
    `tokenize(text)` gives (start, end, ...) tuples, e.g. corpus.text.arabic tokens."""
    shift = np.r_[0, np.cumsum(arrays.lengths + 1)[:-1]] if len(documents) else np.zeros(0, np.int64)
    starts, ends, token_doc = [], [], []
    for number, document in enumerate(documents):
        offsets = np.array([(t[0], t[1]) for t in tokenize(document.text)], dtype=np.int64).reshape(-1, 2)
        starts.append(offsets[:, 0] + shift[number])
        ends.append(offsets[:, 1] + shift[number])
        token_doc.append(np.full(len(offsets), number, dtype=np.int64))
        if progress and number % 200 == 0:
            progress(number, len(documents))
    token_starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    token_ends = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    token_doc = np.concatenate(token_doc) if token_doc else np.zeros(0, np.int64)
    span_shift = shift[arrays.doc] if len(shift) else 0
    labels = bio_labels(token_starts, token_ends, arrays.start + span_shift, arrays.end + span_shift,
                        arrays.type, arrays.annotator, len(arrays.annotators))
    present = arrays.present[token_doc].T  # [coder, token]: did this coder submit the token's document?
    columns = 2 * len(arrays.types) + 1
    counts = np.zeros((len(token_starts), columns), dtype=np.int64)
    for coder in range(len(arrays.annotators)):
        np.add.at(counts, (np.flatnonzero(present[coder]), labels[coder][present[coder]]), 1)
    pairs = []
    for a, b in combinations(range(len(arrays.annotators)), 2):
        both = present[a] & present[b]
        if both.any():
            pairs.append({"a": arrays.annotators[a], "b": arrays.annotators[b], "tokens": int(both.sum()),
                          "kappa": cohen_kappa(labels[a][both], labels[b][both])})
    return {
        "tokens": int(len(token_starts)),
        "pairs": pairs,
        "fleiss_kappa": fleiss_kappa(counts),
        "krippendorff_alpha": krippendorff_nominal(counts),
    }


# --- αu per type ---------------------------------------------------------------------

def unitizing(arrays: _SpanArrays) -> dict:
    """Krippendorff's αu per entity type over character offsets, and over all types."""
    if len(arrays.lengths) == 0:
        return {"by_type": {}, "overall": None}
    coders = [np.flatnonzero(row) for row in arrays.present]
    results, by_type = [], {}
    for t, key in enumerate(arrays.types):
        keep = arrays.type == t
        units = Units(arrays.doc[keep], arrays.annotator[keep], arrays.start[keep], arrays.end[keep])
        result = unitizing_alpha(units, arrays.lengths, coders)
        results.append(result)
        by_type[key] = {"alpha": _number(result.alpha), "observed": _number(result.observed),
                        "expected": _number(result.expected), "units": result.units}
    return {"by_type": by_type, "overall": _number(overall_alpha(results))}


# --- events --------------------------------------------------------------------------

def _event_keys(events: list[ComparedEvent]):
    triggers = {(e.type, *e.trigger) for e in events}
    arguments = {(e.type, *e.trigger, *argument) for e in events for argument in e.arguments}
    attributes = {(e.type, *e.trigger): dict(e.attributes) for e in events}
    return triggers, arguments, attributes


def event_agreement(documents: list[DocumentSets]) -> dict:
    """Trigger and argument F1 per event type (micro over pairs and documents), and
    attribute agreement (percent and Cohen's kappa) on events both annotators marked
    with the same type and trigger."""
    counts = defaultdict(lambda: np.zeros(4, dtype=np.int64))  # (kind, type) → a, b, matched, matched
    attribute_pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for document in documents:
        keyed = {name: _event_keys(document.events.get(name, [])) for name in document.annotators}
        for a, b in combinations(document.annotators, 2):
            (ta, aa, attrs_a), (tb, ab, attrs_b) = keyed[a], keyed[b]
            for kind, left, right in (("trigger", ta, tb), ("arguments", aa, ab)):
                for event_type in {k[0] for k in left | right}:
                    mine = {k for k in left if k[0] == event_type}
                    theirs = {k for k in right if k[0] == event_type}
                    common = len(mine & theirs)
                    counts[kind, event_type] += (len(mine), len(theirs), common, common)
            for key in ta & tb:
                for attribute in sorted(set(attrs_a[key]) | set(attrs_b[key])):
                    attribute_pairs[attribute].append(
                        (str(attrs_a[key].get(attribute, "")), str(attrs_b[key].get(attribute, "")))
                    )
    by_type: dict[str, dict] = defaultdict(dict)
    totals = {"trigger": np.zeros(4, dtype=np.int64), "arguments": np.zeros(4, dtype=np.int64)}
    for (kind, event_type), row in sorted(counts.items()):
        by_type[event_type][kind] = prf(*map(int, row))
        totals[kind] += row
    attributes = {
        key: {
            "pairs": len(values),
            "agreement": _number(sum(x == y for x, y in values) / len(values)),
            "kappa": cohen_kappa([x for x, _ in values], [y for _, y in values]),
        }
        for key, values in sorted(attribute_pairs.items())
    }
    return {
        "by_type": dict(by_type),
        "overall": {kind: prf(*map(int, row)) for kind, row in totals.items()},
        "attributes": attributes,
    }


# --- the report ----------------------------------------------------------------------

def report(documents: list[DocumentSets], entity_types: list[str], tokenize, progress: Progress | None = None) -> dict:
    """Every figure for these documents, JSON-ready. `entity_types` orders the types
    (the project schema's order); `tokenize(text)` gives tokens with .start and .end."""
    documents = [d for d in documents if len(d.annotators) >= 2]
    arrays = _arrays(documents, list(entity_types))
    spans = span_agreement(arrays)
    if progress:
        progress(0, len(documents))
    tokens = token_agreement(documents, arrays, tokenize, progress)
    return {
        "documents": len(documents),
        "annotators": arrays.annotators,
        "entity_types": arrays.types,
        "spans": spans,
        "tokens": tokens,
        "unitizing": unitizing(arrays),
        "events": event_agreement(documents),
        "confusion": type_confusion(arrays),
        "per_document": document_scores(arrays, documents),
    }
