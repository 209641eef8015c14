"""Every analysis function on thin data: a finite result or the documented "not enough data" outcome.

The demo thinned to a few reports per district and category once made the trend fit's matrix
singular (a 500 on /lagesbild). These properties feed each pure function the inputs thin data
produce — empty series, all-zero series, one point, identical points, a single spike — and check
that it never raises anything but its documented ``ValueError`` and never returns a non-finite
number where the docstring promises a finite one. Warnings are errors in the suite, so an
overflow or a division by zero fails here too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from trygg.analysis.getis_ord import gi_star
from trygg.analysis.grid import grid_for_points
from trygg.analysis.kde import kernel_density
from trygg.analysis.lagesbild import weekly_picture
from trygg.analysis.near_repeat import knox
from trygg.analysis.repeat_locations import repeat_locations
from trygg.analysis.survey import indicator_shares
from trygg.analysis.trends import MIN_TRAIN_WEEKS, trend_alarms

MONDAY = np.datetime64("2022-01-03")


@st.composite
def sparse_series(draw: st.DrawFn) -> np.ndarray:
    """1–4 weekly series of 1–170 weeks: empty, a few weeks with reports, a spike, or steady counts."""
    n_series = draw(st.integers(1, 4))
    n_weeks = draw(st.integers(1, 170))
    rows = []
    for _ in range(n_series):
        kind = draw(st.sampled_from(["empty", "few", "spike", "steady"]))
        row = np.zeros(n_weeks, dtype=np.int64)
        if kind == "few":
            for w in draw(st.lists(st.integers(0, n_weeks - 1), min_size=1, max_size=4)):
                row[w] += draw(st.integers(1, 3))
        elif kind == "spike":
            row[draw(st.integers(0, n_weeks - 1))] = draw(st.integers(1, 1000))
        elif kind == "steady":
            row[:] = np.random.default_rng(draw(st.integers(0, 99))).poisson(draw(st.sampled_from([0.3, 3, 30])),
                                                                             n_weeks)
        rows.append(row)
    return np.array(rows)


@settings(max_examples=150, deadline=None)
@given(sparse_series(), st.integers(1, 13))
def test_trend_alarms_give_a_p_value_or_say_there_is_too_little(counts: np.ndarray, n_weeks: int) -> None:
    weeks = MONDAY + 7 * np.arange(counts.shape[1])
    r = trend_alarms(counts, weeks, n_weeks=n_weeks)
    tested = np.isfinite(r.p_value)
    assert ((r.p_value[tested] >= 0) & (r.p_value[tested] <= 1)).all()
    fitted = np.isfinite(r.expected)
    assert (r.expected[fitted] > 0).all()
    # No alarm without a p-value or without a baseline; a series below the alarm count is not tested (p = 1)
    # whether or not it could be fitted, so a missing baseline there is no "unfit".
    assert not r.alarm[~tested].any() and not r.alarm[~fitted].any()
    assert (r.p_value[tested & ~fitted] == 1.0).all()
    assert not (r.unfit & tested).any()
    # Untested only for too little history or a series that cannot be fitted (documented).
    first = counts.shape[1] - r.p_value.shape[1]
    history = np.array([w - 1 - max(0, w - 1 - 156) >= MIN_TRAIN_WEEKS and w >= 1
                        for w in range(first, counts.shape[1])])
    assert (tested | r.unfit | ~history[None, :]).all()


def test_one_spike_in_three_years_is_not_fitted_and_raises_nothing() -> None:
    """The case behind the "Singular matrix" 500: a single week of reports in an empty history. With reports
    enough to alarm in the tested week the series is unfit (no baseline, no alarm); with too few it is simply
    not tested (p = 1)."""
    weeks = MONDAY + 7 * np.arange(164)
    y = np.zeros((3, 164), dtype=np.int64)
    y[0, 106] = 2
    y[0, -1] = 6  # enough to alarm, against a history of one spike
    y[1] = np.random.default_rng(1).poisson(4, 164)
    y[2, 106] = 2  # the same history, nothing now
    r = trend_alarms(y, weeks, n_weeks=1)
    assert r.unfit[0].all() and np.isnan(r.p_value[0]).all() and not r.alarm[0].any()
    assert not r.unfit[1].any() and np.isfinite(r.p_value[1]).all()
    assert not r.unfit[2].any() and (r.p_value[2] == 1.0).all() and not r.alarm[2].any()


@settings(max_examples=120, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 9), st.integers(2, 9)), elements=st.sampled_from([0, 0, 0, 1, 5, 80])),
       st.sampled_from(["exact", "analytic", "permutation"]))
def test_gi_star_on_sparse_grids(counts: np.ndarray, inference: str) -> None:
    r = gi_star(counts, inference=inference, permutations=49, seed=1)  # type: ignore[arg-type]
    p = r.p[np.isfinite(r.p)]
    assert ((p >= 0) & (p <= 1)).all()
    assert set(np.unique(r.classes).tolist()) <= {-1, 0, 1}
    if counts.any() and inference != "permutation":
        assert np.isfinite(r.z).all()


coords = st.lists(st.tuples(st.sampled_from([0.0, 0.0, 10.0, 250.0, 3000.0]),
                            st.sampled_from([0.0, 0.0, 5.0, 400.0])), min_size=1, max_size=25)


@settings(max_examples=100, deadline=None)
@given(coords, st.sampled_from(["fast", "exact"]), st.sampled_from(["quartic", "gaussian"]))
def test_density_of_few_or_identical_points_is_finite(points: list[tuple[float, float]], mode: str,
                                                      kernel: str) -> None:
    x, y = (np.array(v) for v in zip(*points, strict=True))
    grid = grid_for_points(x, y, 100.0)
    bandwidth = None if x.size >= 2 else 200.0  # the rule needs 2 points (documented ValueError)
    d = kernel_density(x, y, grid, mode=mode, kernel=kernel, bandwidth=bandwidth)  # type: ignore[arg-type]
    assert np.isfinite(d.density).all() and (d.density >= -1e-12).all() and d.bandwidth > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 50.0, 900.0]), st.sampled_from([0.0, 3.0, 40.0])),
                min_size=2, max_size=20))
def test_knox_on_few_or_identical_events(events: list[tuple[float, float]]) -> None:
    xy, t = (np.array(v) for v in zip(*events, strict=True))
    r = knox(xy, xy, t, distance_edges=[100, 1000], time_edges=[7, 30], permutations=19, seed=1)
    assert r.observed.sum() == len(events) * (len(events) - 1) // 2
    p = r.p_value[np.isfinite(r.p_value)]
    assert ((p > 0) & (p <= 1)).all() and np.isfinite(r.expected).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 1.0, np.nan]), st.integers(0, 2), st.sampled_from([0.0, 1.0, 2.5])),
                max_size=12))
def test_survey_shares_of_few_answers(rows: list[tuple[float, int, float]]) -> None:
    answer = np.array([r[0] for r in rows], dtype=np.float64)
    area = np.array([r[1] for r in rows], dtype=np.int64)
    weights = np.array([r[2] for r in rows], dtype=np.float64)
    r = indicator_shares(answer, area, n_areas=3, weights=weights, normal=0.5)
    answered = np.isfinite(r.share)
    for values in (r.share, r.lower, r.upper):
        assert ((values[answered] >= -1e-12) & (values[answered] <= 1 + 1e-12)).all()
    assert (r.lower[answered] <= r.upper[answered] + 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 30.0, 2000.0]), st.integers(0, 400), st.integers(0, 2),
                          st.integers(0, 1)), min_size=1, max_size=15))
def test_weekly_picture_of_a_handful_of_reports(rows: list[tuple[float, int, int, int]]) -> None:
    xy = np.array([r[0] for r in rows])
    times = MONDAY + np.array([r[1] for r in rows]).astype("timedelta64[D]")
    pic = weekly_picture(xy, xy, times, [r[2] for r in rows], [r[3] for r in rows], n_areas=3, n_categories=2)
    assert np.isfinite(pic.density.density).all()
    assert repeat_locations(xy, xy).count.sum() <= len(rows)


def test_weekly_picture_without_reports_says_so() -> None:
    empty = np.array([], dtype=np.float64)
    with pytest.raises(ValueError, match="no reports"):
        weekly_picture(empty, empty, np.array([], dtype="datetime64[s]"), [], [], n_areas=2, n_categories=2)
