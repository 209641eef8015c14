"""Survey shares with Wilson intervals, weights and a normal value."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.survey import indicator_shares, wilson_interval


def test_wilson_known_values() -> None:
    lo, hi = wilson_interval(0.0, 10)
    assert float(lo) == pytest.approx(0.0, abs=1e-12) and float(hi) == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(0.2, 50)
    assert (float(lo), float(hi)) == pytest.approx((0.1124, 0.3304), abs=1e-4)


def test_weights_give_the_weighted_share_and_kish_n() -> None:
    r = indicator_shares([1, 0, 0, 0], [0, 0, 0, 0], weights=[3, 1, 1, 1])
    assert r.share[0] == pytest.approx(0.5)
    assert r.n_effective[0] == pytest.approx(36 / 12)
    assert r.n[0] == 4


def test_comparison_with_a_normal_value() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 2000)
    yes = np.where(a == 0, rng.random(2000) < 0.3, rng.random(2000) < 0.6)
    r = indicator_shares(yes, a, normal=0.3)
    assert r.differs is not None and r.p_value is not None
    assert not r.differs[0] and r.differs[1] and r.p_value[1] < 1e-6


def test_area_without_answers_is_nan() -> None:
    r = indicator_shares([1, 0], [0, 0], n_areas=2)
    assert np.isnan(r.share[1]) and np.isnan(r.lower[1]) and r.n[1] == 0
