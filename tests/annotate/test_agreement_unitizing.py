"""Krippendorff's unitizing alpha against the literature and a case worked by hand."""
from __future__ import annotations

import numpy as np
import pytest

from annotate.agreement.unitizing import Units, group_pairs, merge_overlaps, overall_alpha, unitizing_alpha


def units(*rows) -> Units:
    """(coder, start, end) rows in document 0."""
    return Units.from_rows([(0, coder, start, end) for coder, start, end in rows])


def test_krippendorff_2004_worked_example():
    # Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd
    # ed., Sage, p. 254 (section 11.6): two observers, a continuum from 150 to 450
    # (L = 300), categories c and k. Units (begin, length): observer i: c (225, 70),
    # (370, 30); k (180, 60), (300, 50). Observer j: c (220, 80), (355, 20), (400, 20);
    # k (180, 60), (300, 50). Published: uDo_c = .0144, uDe_c = .0532, αu_c = .7286;
    # uDo_k = 0, uDe_k = .0490, αu_k = 1; αu = .8591 (from the rounded figures:
    # 1 − .0144/(.0532 + .0490) = .8591; unrounded, .8587). The same figures are the
    # reference of DKPro Statistics' unitizing test.
    b = 150
    c = unitizing_alpha(units((0, 225 - b, 295 - b), (0, 370 - b, 400 - b),
                              (1, 220 - b, 300 - b), (1, 355 - b, 375 - b), (1, 400 - b, 420 - b)), [300], [[0, 1]])
    k = unitizing_alpha(units((0, 180 - b, 240 - b), (0, 300 - b, 350 - b),
                              (1, 180 - b, 240 - b), (1, 300 - b, 350 - b)), [300], [[0, 1]])
    # Observed for c by hand: overlapping pairs (225,295)/(220,300): 5² + 5² = 50;
    # (370,400)/(355,375): 15² + 25² = 850; j's (400,420) lies in i's gap: 20² = 400.
    # Σ_{i≠j} = 2 · (50 + 850 + 400) = 2600; uDo = 2600/(2 · 1 · 300²) = .01444.
    assert c.observed == pytest.approx(2600 / 180000)
    assert c.expected == pytest.approx(0.0532, abs=5e-5)
    assert c.alpha == pytest.approx(0.7286, abs=5e-5)
    assert k.observed == 0.0 and k.alpha == 1.0
    assert k.expected == pytest.approx(0.0490, abs=5e-5)
    assert overall_alpha([c, k]) == pytest.approx(1 - 0.0144 / (0.0532 + 0.0490), abs=5e-4)


@pytest.mark.parametrize("category, rows, observed", [
    # Krippendorff (1995), "On the reliability of unitizing continuous data",
    # Sociological Methodology 25: 47-76, p. 57: four pairs of coders on 24 positions.
    # A by hand: Bertha (2,10) (14,20); Bill (4,8) (15,17): 2² + 2² = 8 and 1² + 3² = 10,
    # Σ_{i≠j} = 36, uDo = 36 / (2 · 1 · 24²) = .03125.
    ("A", [(0, 2, 10), (0, 14, 20), (1, 4, 8), (1, 15, 17)], 0.03125),
    ("B", [(0, 0, 18), (1, 0, 2), (1, 2, 3), (1, 3, 4), (1, 4, 5), (1, 5, 6), (1, 6, 9), (1, 9, 10)], 2.26736),
    ("C", [(0, 2, 8), (0, 10, 12), (0, 14, 18), (0, 20, 22),
           (1, 0, 2), (1, 4, 8), (1, 10, 14), (1, 16, 18), (1, 20, 22)], 0.02777),
    ("D", [(0, 0, 2), (0, 2, 10), (0, 10, 14), (0, 14, 20), (0, 20, 24),
           (1, 0, 4), (1, 4, 8), (1, 8, 15), (1, 15, 17), (1, 17, 24)], 0.38715),
])
def test_krippendorff_1995_observed_disagreement(category, rows, observed):
    # Only the observed disagreements are compared: the expected ones printed in 1995
    # carry an error Krippendorff corrected in 2004 (tested above).
    assert unitizing_alpha(units(*rows), [24], [[0, 1]]).observed == pytest.approx(observed, abs=1e-5)


def test_partial_boundary_agreement_worked_by_hand():
    # L = 10, coder 0 marks [2,6), coder 1 marks [3,6).
    # uDo: one overlapping pair, (2−3)² + (6−6)² = 1; Σ_{i≠j} = 2; uDo = 2/(2·1·10²) = .01.
    # uDe: units l = 4 and 3, N = 2; gaps: coder 0: 2, 4; coder 1: 3, 4.
    #   l = 4: (N−1)(2·64 − 3·16 + 4)/3 = 28; gaps ≥ 4: 4, 4 → 16 · (1 + 1) = 32; → 60
    #   l = 3: (2·27 − 3·9 + 3)/3 = 10;      gaps ≥ 3: 4, 3, 4 → 9 · (2 + 1 + 2) = 45; → 55
    #   numerator (2/L) · 115 = 23; denominator mL(mL − 1) − Σ l(l − 1) = 380 − 18 = 362.
    #   uDe = 23/362 = .063536; αu = 1 − .01/.063536 = .842609.
    result = unitizing_alpha(units((0, 2, 6), (1, 3, 6)), [10], [[0, 1]])
    assert result.observed == pytest.approx(0.01)
    assert result.expected == pytest.approx(23 / 362)
    assert result.alpha == pytest.approx(1 - 0.01 / (23 / 362))


def test_a_unit_the_other_coder_missed_costs_its_squared_length():
    # Coder 1 marked nothing: coder 0's [2,6) lies in coder 1's gap: 4² from each side,
    # Σ_{i≠j} = 32; uDo = 32 / (2 · 1 · 10²) = .16.
    assert unitizing_alpha(units((0, 2, 6)), [10], [[0, 1]]).observed == pytest.approx(0.16)


def test_documents_with_different_numbers_of_coders_weigh_their_pairs():
    # Document 1 has three coders who agree; document 0 as in the hand-worked case.
    # Observed: only document 0 disagrees: weight 1/(m−1) = 1, Σ = 2; n = 2·10 + 3·10 = 50,
    # L = 20: uDo = 2 / (50 · 20) = .002.
    rows = [(0, 0, 2, 6), (0, 1, 3, 6), (1, 0, 1, 4), (1, 1, 1, 4), (1, 2, 1, 4)]
    result = unitizing_alpha(Units.from_rows(rows), [10, 10], [[0, 1], [0, 1, 2]])
    assert result.observed == pytest.approx(0.002)
    assert 0 < result.alpha < 1


def test_one_coders_overlapping_units_are_merged():
    merged = merge_overlaps(units((0, 0, 5), (0, 3, 8), (0, 8, 9), (1, 0, 2)))
    assert list(zip(merged.coder, merged.start, merged.end, strict=True)) == [(0, 0, 8), (0, 8, 9), (1, 0, 2)]


def test_group_pairs_lists_every_ordered_pair_within_a_group():
    i, j = group_pairs(np.array([7, 3, 7, 7]))
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 2), (0, 3), (2, 0), (2, 3), (3, 0), (3, 2)]


def test_a_category_nobody_used_has_no_alpha():
    assert unitizing_alpha(units(), [10], [[0, 1]]).alpha is None
