"""Exact block-sum tails: equal to full enumeration of the draws."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest

from trygg.analysis.exact_sum import block_sum_tails, subset_sum_counts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tails_equal_enumeration_of_every_draw(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.poisson(rng.gamma(0.5, 3.0, size=12)).astype(np.int64)
    k = rng.integers(1, 6, size=12)
    block = rng.integers(0, 14, size=12)
    up, lo = block_sum_tails(values, block, k)
    for i in range(12):
        sums = np.array([sum(c) for c in itertools.combinations(values, int(k[i]))])
        assert up[i] == pytest.approx((sums >= block[i]).mean(), abs=1e-12)
        assert lo[i] == pytest.approx((sums <= block[i]).mean(), abs=1e-12)


def test_subset_counts_add_up_to_the_binomial_coefficients() -> None:
    vals = np.array([0, 0, 1, 3, 3, 7, 12], dtype=np.int64)
    f = subset_sum_counts(vals, 4)
    assert f.sum(axis=1).tolist() == [comb(7, j) for j in range(5)]
    assert f.shape[1] == 12 + 7 + 3 + 3 + 1


def test_far_tail_keeps_its_relative_precision() -> None:
    """A 40 and fifty 1s among 10,000 cells: tiny tail probabilities stay exact."""
    values = np.zeros(10_000, dtype=np.int64)
    values[:50] = 1
    values[50] = 40
    up, _ = block_sum_tails(values, np.array([41, 48, 2]), np.array([9, 9, 9]))
    # S >= 41: the 40 and one or more of the ones among the nine.
    with_40 = comb(9_999, 8) - comb(9_949, 8)
    assert up[0] == pytest.approx(with_40 / comb(10_000, 9), rel=1e-9)
    # The largest possible sum: the 40 and eight ones, about 1e-24.
    assert up[1] == pytest.approx(comb(50, 8) / comb(10_000, 9), rel=1e-6)
    miss = (comb(9_949, 9) + 50 * comb(9_949, 8)) / comb(10_000, 9)
    assert up[2] == pytest.approx(1 - miss, rel=1e-9)


def test_too_large_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        subset_sum_counts(np.array([10**7, 10**7, 1], dtype=np.int64), 2)
