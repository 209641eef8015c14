"""The effect evaluation on sparse counts: a finite estimate or `NotEstimable`, never a crash.

Months without reports, a treated place that goes quiet after the measure, a single comparison
report: any input of the allowed shape (counts per period, both before and after periods) gives
an estimate whose numbers are all finite, or the documented `NotEstimable` with its reason.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.analysis.effect import NotEstimable, did_effect, rate_ratio_ci

REASONS = {"treated_before", "treated_after", "comparison_before", "comparison_after", "interval"}


@st.composite
def evaluations(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of a treated area and 1–3 comparison areas over 2–30 periods, mostly sparse."""
    n = draw(st.integers(2, 30))
    k = draw(st.integers(1, 3))
    high = draw(st.sampled_from([1, 2, 5, 50, 5000]))
    counts = st.lists(st.integers(0, high), min_size=n, max_size=n)
    treated = np.array(draw(counts))
    comparison = np.array([draw(counts) for _ in range(k)])
    start = draw(st.integers(1, n - 1))
    return treated, comparison, np.arange(n) >= start


@settings(max_examples=400, deadline=None)
@given(evaluations())
def test_any_counts_give_a_finite_estimate_or_not_estimable(case: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    treated, comparison, after = case
    try:
        r = did_effect(treated, comparison, after, permutations=49, seed=1)
    except NotEstimable as exc:
        assert exc.reason in REASONS and str(exc)
        return
    except ValueError as exc:  # documented: no report at all in one of the areas
        assert "need reports" in str(exc)
        assert treated.sum() == 0 or comparison.sum() == 0
        return
    for name in ("rate_ratio", "lower", "upper", "p_value", "dispersion", "expected_after"):
        assert math.isfinite(getattr(r, name)), name
    assert 0 <= r.lower <= r.rate_ratio <= r.upper and 0.0 <= r.p_value <= 1.0
    assert r.treated_before > 0 and r.treated_after > 0


def test_a_treated_place_that_goes_quiet_is_not_estimable() -> None:
    """The overflow that answered 500: no report in the treated area after the start."""
    with pytest.raises(NotEstimable) as exc:
        did_effect([3, 2, 4, 0, 0, 0], [[5, 5, 5, 5, 5, 5]], [False] * 3 + [True] * 3)
    assert exc.value.reason == "treated_after" and "larger radius" in str(exc.value)


def test_comparison_areas_without_reports_after_the_start_are_not_estimable() -> None:
    with pytest.raises(NotEstimable) as exc:
        did_effect([3, 2, 4, 1], [[5, 5, 0, 0], [1, 0, 0, 0]], [False, False, True, True])
    assert exc.value.reason == "comparison_after"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0.01, 100))
def test_rate_ratio_ci_is_finite_or_nan(after: int, before: int, exposure: float) -> None:
    rr, lo, hi = rate_ratio_ci(after, before, exposure_ratio=exposure)
    if before == 0:
        assert math.isnan(rr) and math.isnan(lo) and math.isnan(hi)
    else:
        assert 0 <= lo <= rr <= hi and math.isfinite(rr) and math.isfinite(lo)
