"""Effect evaluation (trygg.analysis.effect): the built-in effect is found, placebos are not.

Synthetic data check the method (effect found, placebo not, false-alarm rate near 5 %); the demo's
own simulation checks it finds `EFFECT_MEASURE` and finds nothing at another place or date.
"""

from __future__ import annotations

import doctest
from datetime import date
from typing import Any

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import effect, evaluation
from trygg.analysis.effect import describe_effect, did_effect, rate_ratio_ci
from trygg.analysis.evaluation import oracle_pvalues, simulate_alarms
from trygg.analysis.trends import combine_windows


def _series(rng: np.random.Generator, months: int = 48, level: float = 12.0, factor: float = 1.0,
            start: int = 24, n_comp: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    season = 1 + 0.3 * np.sin(np.arange(months) * 2 * np.pi / 12)
    after = np.arange(months) >= start
    treated = rng.poisson(level * season * np.where(after, factor, 1.0))
    comparison = rng.poisson(4 * level * season, size=(n_comp, months))
    return treated, comparison, after


def test_docstring_examples_run() -> None:
    assert doctest.testmod(effect).failed == 0


def test_a_40_percent_drop_is_found_with_an_interval_excluding_1() -> None:
    t, c, a = _series(np.random.default_rng(11), factor=0.6)
    r = did_effect(t, c, a, seed=5)
    assert r.found and r.upper < 1 and r.lower < 0.6 < r.upper
    assert r.permutation_p < 0.01
    assert r.prevented > 0 and r.treated_after < r.expected_after


def test_no_change_is_not_found() -> None:
    t, c, a = _series(np.random.default_rng(12), factor=1.0, n_comp=3)
    r = did_effect(t, c, a, seed=5)
    assert not r.found and r.lower < 1 < r.upper and r.n_comparison == 3


def test_false_alarm_rate_stays_near_five_percent() -> None:
    rng = np.random.default_rng(2024)
    found = [did_effect(*_series(rng), permutations=0).found for _ in range(300)]
    assert np.mean(found) <= 0.09


def test_the_permutation_test_is_seeded() -> None:
    t, c, a = _series(np.random.default_rng(3), factor=0.8)
    assert did_effect(t, c, a, seed=9).permutation_p == did_effect(t, c, a, seed=9).permutation_p


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        did_effect([1, 2, 3], [[1, 2, 3]], [True, True, True])
    with pytest.raises(ValueError):
        did_effect([1, 2], [[1, 2, 3]], [False, True])


def test_sentences_in_both_languages() -> None:
    t, c, a = _series(np.random.default_rng(11), factor=0.6)
    r = did_effect(t, c, a, permutations=0)
    sv = describe_effect(r, "sv", what="rapporterna", where="vid parken", start="1 mars 2024")
    en = describe_effect(r, "en", what="reports", where="at the park", start="1 March 2024")
    assert "lägre än väntat" in sv and "tydlig minskning" in sv and "," in sv.split("kvot ")[1][:4]
    assert "lower than expected" in en and "clear decrease" in en


def test_rate_ratio_interval() -> None:
    rr, lo, hi = rate_ratio_ci(30, 60)
    assert rr == 0.5 and lo < 0.5 < hi < 1
    assert np.isnan(rate_ratio_ci(3, 0)[0])


# --------------------------------------------------------------------------- on the demo's simulation


@pytest.fixture(scope="module")
def demo_counts() -> Any:
    """The demo's simulated events (seed 2022) and a function counting them per month in a circle."""
    from trygg.demo.geography import PLACE_BY_NAME, build_geography
    from trygg.demo.scenario import EFFECT_MEASURE
    from trygg.demo.simulate import simulate_events
    from trygg.domain.geo import to_sweref

    ev = simulate_events(build_geography(2022), 2022)
    months = ev.dates().astype("datetime64[M]")
    cats = np.isin(ev.category, EFFECT_MEASURE.categories)
    first = months.min() if ev.dates().min().astype(date).day == 1 else months.min() + 1
    last = months.max() - 1  # the last month may be cut short

    def counts(place: str, start: str, lo: str | None = None, hi: str | None = None) -> effect.EffectEstimate:
        p = PLACE_BY_NAME[place]
        px, py = to_sweref(p.lon, p.lat)
        d = np.hypot(ev.x - px, ev.y - py)
        ms = np.arange(np.datetime64(lo, "M") if lo else first, (np.datetime64(hi, "M") if hi else last) + 1)
        idx = (months - ms[0]).astype(int)
        ok = (idx >= 0) & (idx < ms.size) & cats
        r = EFFECT_MEASURE.radius_m
        treated = np.bincount(idx[ok & (d <= r)], minlength=ms.size)
        comparison = np.bincount(idx[ok & (d > 2 * r)], minlength=ms.size)[None, :]
        return did_effect(treated, comparison, ms >= np.datetime64(start, "M"), seed=1)

    return counts, EFFECT_MEASURE


def test_the_demo_measure_is_found(demo_counts: Any) -> None:
    counts, m = demo_counts
    r = counts(m.place, m.start.isoformat()[:7])
    assert r.found and r.upper < 1
    assert r.lower < 1 - m.reduction < r.upper  # the interval holds the built-in 40 % reduction


def test_no_effect_at_the_comparison_place(demo_counts: Any) -> None:
    counts, m = demo_counts
    assert not counts(m.comparison_place, m.start.isoformat()[:7]).found


def test_no_effect_at_a_placebo_date_before_the_measure(demo_counts: Any) -> None:
    counts, m = demo_counts
    placebo = date(m.start.year - 1, m.start.month, 1)
    r = counts(m.place, placebo.isoformat()[:7], hi=f"{m.start.year}-{m.start.month - 1:02d}")
    assert not r.found


# ------------------------------------------------------------------ trend-alarm simulation: the oracle


def test_evaluation_docstring_examples_run() -> None:
    assert doctest.testmod(evaluation).failed == 0


@pytest.mark.parametrize("size", [30.0, 3.0, None])
def test_oracle_p_values_are_the_exact_tails(size: float | None) -> None:
    """Week tail and two-week-sum tail (an explicit convolution with scipy), combined as trends does."""
    obs = np.array([[4, 12], [40, 55], [0, 2], [9, 3]])
    mu = np.array([[5.0, 6.0], [30.0, 35.0], [1.0, 1.5], [4.0, 4.5]])
    if size is None:
        dists = [stats.poisson(mu[:, 0]), stats.poisson(mu[:, 1])]
    else:
        dists = [stats.nbinom(size, size / (size + mu[:, j])) for j in (0, 1)]
    p1 = dists[1].sf(obs[:, 1] - 1)
    total = obs.sum(axis=1)
    k = np.arange(400)[:, None]
    p2 = (dists[0].pmf(k) * dists[1].sf(total - k - 1)).sum(axis=0)
    expected = combine_windows(p1, p2)
    expected[(obs[:, 1] < 3) & (total < 3)] = 1.0
    np.testing.assert_allclose(oracle_pvalues(obs, mu, size), expected, rtol=1e-7)


def test_oracle_refuses_bad_shapes() -> None:
    with pytest.raises(ValueError, match="series, 2"):
        oracle_pvalues([[1, 2, 3]], [[1.0, 1.0, 1.0]], None)


def test_oracle_detects_at_least_what_the_fitted_baseline_detects() -> None:
    """Same counts, same tests and BH: knowing the baseline cannot lose (beyond chance), and it is no
    free lunch either: its false-alarm rate also stays at the nominal level."""
    s = simulate_alarms(runs=120, level=10.0, nb_size=None, seed=21)
    se = np.sqrt(s.detection_rate * (1 - s.detection_rate) / s.runs)
    assert s.oracle_detection_rate >= s.detection_rate - 2 * se
    assert s.oracle_detection_rate < 1.0  # 10 -> 20 a week is not always found, even by the oracle
    assert s.oracle_false_alarm_rate <= s.q + 2 * np.sqrt(s.q * (1 - s.q) / s.tested_weeks)
