"""Krippendorff's unitizing alpha (αu) over character offsets, one category at a time.

Why implemented here: no maintained Python library computes αu reliably (the
`krippendorff` package covers coded data only; the few unitizing scripts around are
unmaintained and disagree with the published examples), so this module follows the
definition in Krippendorff, K. (2004), *Content Analysis: An Introduction to Its
Methodology*, 2nd ed., Sage, section 11.6 (first given in Krippendorff 1995, "On the
reliability of unitizing continuous data", Sociological Methodology 25: 47-76), and its
tests reproduce the book's worked example.

The model, for one category k. Each coder i cuts the continuum (a document, L
characters) into segments: their units of k and the gaps between them. For two coders'
segments g and h (begin b, length l):

* both units and overlapping:            δ² = (b_g − b_h)² + (b_g + l_g − b_h − l_h)²
  (so partial boundary agreement costs only the squared boundary shifts);
* a unit lying wholly inside a gap:      δ² = l²   (the unit was missed altogether);
* anything else:                         δ² = 0.

    uDo_k = Σ_{i≠j} Σ_g Σ_h δ²(g_i, h_j) / (m (m − 1) L²)

    uDe_k = (2 / L) · Σ_units [ (N_k − 1)(2l³ − 3l² + l) / 3  +  l² Σ_{gaps γ, l_γ ≥ l} (l_γ − l + 1) ]
            / ( mL (mL − 1) − Σ_units l (l − 1) )

with m coders, N_k units of k over all coders, and αu_k = 1 − uDo_k / uDe_k. Over all
categories αu = 1 − Σ_k uDo_k / Σ_k uDe_k.

Two extensions, both reducing exactly to the formulas above for one document coded by
the same m coders:

* Several documents form one continuum laid end to end (L = their total length), but a
  gap never runs across a document boundary (no unit could be placed across it).
* Documents may have different numbers of coders m_d, as Krippendorff's α for coded
  data allows: positions of document d weigh 1/(m_d − 1) in the observed disagreement,
  and mL becomes n = Σ_d m_d L_d (the number of pairable values).

Overlapping units of one coder in one category (a nested span of the same type) are
merged into their union first: αu requires one coder's units of a category not to
overlap. Everything is vectorised with numpy, for tens of thousands of documents.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Units:
    """Units of one category as parallel arrays: the document (index), the coder
    (index), and [start, end) character offsets."""

    doc: np.ndarray
    coder: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @classmethod
    def from_rows(cls, rows) -> Units:
        """From (doc, coder, start, end) tuples."""
        array = np.array(list(rows), dtype=np.int64).reshape(-1, 4)
        return cls(array[:, 0], array[:, 1], array[:, 2], array[:, 3])


@dataclass(frozen=True)
class Result:
    alpha: float | None
    observed: float
    expected: float
    units: int


def group_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (i, j), i ≠ j, of indices with equal keys, without a Python loop."""
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[first, len(keys)])
    group = np.repeat(np.arange(len(first)), sizes)
    per = sizes[group]  # how many partners (itself included) each sorted position has
    i = np.repeat(np.arange(len(keys)), per)
    within = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    j = np.repeat(first[group], per) + within
    keep = i != j
    return order[i[keep]], order[j[keep]]


def merge_overlaps(units: Units) -> Units:
    """One coder's overlapping units become their union; touching units stay apart."""
    if len(units.start) == 0:
        return units
    order = np.lexsort((units.start, units.coder, units.doc))
    doc, coder, start, end = units.doc[order], units.coder[order], units.start[order], units.end[order]
    new_group = np.r_[True, (doc[1:] != doc[:-1]) | (coder[1:] != coder[:-1])]
    group = np.cumsum(new_group) - 1
    # Running maximum of `end` within each group: offset every group above the last.
    span = int(end.max()) + 1
    reach = np.maximum.accumulate(end + group * span) - group * span
    opens = new_group | (start >= np.r_[0, reach[:-1]])
    last = np.r_[np.flatnonzero(opens)[1:] - 1, len(start) - 1]
    firsts = np.flatnonzero(opens)
    return Units(doc[firsts], coder[firsts], start[firsts], reach[last])


def _gaps(units: Units, lengths: np.ndarray, coders: list[np.ndarray]) -> np.ndarray:
    """Lengths of every coder's gaps (between, before and after their units), per document."""
    order = np.lexsort((units.start, units.coder, units.doc))
    doc, coder, start, end = units.doc[order], units.coder[order], units.start[order], units.end[order]
    first = np.r_[True, (doc[1:] != doc[:-1]) | (coder[1:] != coder[:-1])] if len(doc) else np.zeros(0, bool)
    last = np.r_[first[1:], True] if len(doc) else np.zeros(0, bool)
    before = start - np.where(first, 0, np.r_[0, end[:-1]])
    after = lengths[doc[last]] - end[last]
    coded = set(zip(doc[first].tolist(), coder[first].tolist(), strict=True))
    empty = [lengths[d] for d, present in enumerate(coders) for c in present.tolist() if (d, c) not in coded]
    gaps = np.concatenate([before, after, np.array(empty, dtype=np.int64)])
    return gaps[gaps > 0]


def _observed(units: Units, weights: np.ndarray, others: np.ndarray) -> float:
    """Σ over ordered coder pairs of δ², each document weighted by 1/(m_d − 1)."""
    i, j = group_pairs(units.doc)
    i, j = i[units.coder[i] != units.coder[j]], j[units.coder[i] != units.coder[j]]
    overlap = (units.start[i] < units.end[j]) & (units.start[j] < units.end[i])
    i, j = i[overlap], j[overlap]
    shifts = (units.start[i] - units.start[j]) ** 2 + (units.end[i] - units.end[j]) ** 2
    total = float(np.sum(shifts * weights[units.doc[i]]))  # each overlapping pair, both orders
    # Units no unit of another coder touches lie inside that coder's gap: l² each, and
    # the pair (unit, gap) is met from both coders' side, hence twice.
    touched = np.unique(i * (int(units.coder.max()) + 1) + units.coder[j]) // (int(units.coder.max()) + 1)
    touched_by = np.bincount(touched, minlength=len(units.start))
    missed = others[units.doc] - touched_by
    length = units.end - units.start
    total += 2.0 * float(np.sum(missed * length**2 * weights[units.doc]))
    return total


def _expected_numerator(units: Units, gaps: np.ndarray, total_length: int) -> float:
    length = (units.end - units.start).astype(np.float64)
    count = len(length)
    ordered = np.sort(gaps).astype(np.float64)
    suffix = np.r_[np.cumsum(ordered[::-1])[::-1], 0.0]
    at = np.searchsorted(ordered, length, side="left")  # gaps at least as long as the unit
    fits = suffix[at] - (length - 1) * (len(ordered) - at)  # Σ (l_γ − l + 1) over those gaps
    within = (count - 1) * (2 * length**3 - 3 * length**2 + length) / 3
    return 2.0 / total_length * float(np.sum(within + length**2 * fits))


def unitizing_alpha(units: Units, lengths, coders) -> Result:
    """αu for one category.

    `units`: the category's units; `lengths[d]`: document d's length in characters;
    `coders[d]`: the coder indices of document d (at least two, including those who
    marked nothing of this category)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    coders = [np.asarray(c, dtype=np.int64) for c in coders]
    m = np.array([len(c) for c in coders], dtype=np.float64)
    if len(lengths) == 0 or (m < 2).any():
        raise ValueError("αu needs at least one document and two coders in every document")
    units = merge_overlaps(units)
    total_length = int(lengths.sum())
    n = float(np.sum(m * lengths))  # pairable values: every coder at every position
    observed = (_observed(units, 1.0 / (m - 1), (m - 1).astype(np.int64)) / (n * total_length)
                if len(units.start) else 0.0)
    if len(units.start) == 0:
        return Result(None, 0.0, 0.0, 0)
    length = (units.end - units.start).astype(np.float64)
    denominator = n * (n - 1) - float(np.sum(length * (length - 1)))
    expected = _expected_numerator(units, _gaps(units, lengths, coders), total_length) / denominator
    alpha = 1.0 - observed / expected if expected > 0 else None
    return Result(alpha, observed, expected, len(units.start))


def overall_alpha(results) -> float | None:
    """αu over all categories: 1 − Σ uDo_k / Σ uDe_k (categories nobody used left out)."""
    used = [r for r in results if r.units]
    expected = sum(r.expected for r in used)
    return 1.0 - sum(r.observed for r in used) / expected if expected > 0 else None
