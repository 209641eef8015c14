"""Exact subset-sum tails: equal to full enumeration of the draws."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from trygg.analysis.exact_sum import neighbour_sum_tails, remove_one, subset_sum_counts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tails_equal_enumeration_of_every_draw(seed: int) -> None:
    rng = np.random.default_rng(seed)
    own = rng.poisson(rng.gamma(0.5, 3.0, size=11)).astype(np.int64)
    m = rng.integers(1, 5, size=11)
    nb = rng.integers(0, 12, size=11)
    up, lo = neighbour_sum_tails(own, nb, m)
    for i in range(11):
        sums = np.array([sum(c) for c in itertools.combinations(np.delete(own, i), int(m[i]))])
        assert up[i] == pytest.approx((sums >= nb[i]).mean(), abs=1e-12)
        assert lo[i] == pytest.approx((sums <= nb[i]).mean(), abs=1e-12)


def test_removing_a_value_equals_building_without_it() -> None:
    vals = np.array([0, 0, 1, 3, 3, 7, 12], dtype=np.int64)
    full = subset_sum_counts(vals, 3)
    without = subset_sum_counts(np.delete(vals, 3), 3)
    np.testing.assert_allclose(remove_one(full, 3)[:, : without.shape[1]], without)


def test_far_tail_keeps_its_relative_precision() -> None:
    """One cell of 40 among 10,000 mostly empty ones: P(neighbours >= t) is tiny but exact."""
    from math import comb

    own = np.zeros(10_000, dtype=np.int64)
    own[:50] = 1
    own[50] = 40
    nb = np.zeros(10_000, dtype=np.int64)
    nb[0], nb[60] = 40, 2
    up, _ = neighbour_sum_tails(own, nb, np.full(10_000, 8))
    assert up[0] == pytest.approx(8 / 9_999, rel=1e-9)  # cell 0 holds a 1; the 40 must be drawn
    # Cell 60 is empty: S >= 2 unless the 40 is missed and at most one of the 50 ones is drawn.
    miss = (comb(9_948, 8) + 50 * comb(9_948, 7)) / comb(9_999, 8)
    assert up[60] == pytest.approx(1 - miss, rel=1e-9)
    # Seven ones and the 40 among the eight: the largest possible sum, about 1e-21.
    nb[70] = 47
    up, _ = neighbour_sum_tails(own, nb, np.full(10_000, 8))
    assert up[70] == pytest.approx(comb(50, 7) / comb(9_999, 8), rel=1e-6)
