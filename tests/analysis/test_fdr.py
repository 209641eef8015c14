"""Benjamini–Hochberg adjusted p-values."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trygg.analysis.fdr import benjamini_hochberg, bh_reject

probs = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60)


def test_matches_the_textbook_step_up() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    adj = benjamini_hochberg(p)
    m = p.size
    expected = np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
    np.testing.assert_allclose(adj, np.minimum(expected, 1.0))
    assert bh_reject(p, 0.05).sum() == 2


@given(probs)
def test_adjusted_is_at_least_raw_and_at_most_one(p: list[float]) -> None:
    adj = benjamini_hochberg(p)
    assert np.all(adj >= np.asarray(p) - 1e-15) and np.all(adj <= 1.0)


@given(probs)
def test_adjustment_keeps_the_order(p: list[float]) -> None:
    pa = np.asarray(p)
    adj = benjamini_hochberg(pa)
    order = np.argsort(pa, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)


def test_nan_is_left_out_and_stays_nan() -> None:
    adj = benjamini_hochberg([0.01, np.nan, 0.02])
    assert np.isnan(adj[1])
    np.testing.assert_allclose(adj[[0, 2]], [0.02, 0.02])


def test_shape_is_kept() -> None:
    assert benjamini_hochberg(np.full((3, 4), 0.5)).shape == (3, 4)
