"""Knox test: the Near Repeat Calculator's golden tables, band rules, permutations."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from trygg.analysis.near_repeat import knox, pairs_by_time_band

GOLDEN = "data/analytics/steenbeek_chicago_be_month1"


def _brute(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, d_edges: list[float], t_edges: list[float], metric: str = "manhattan"
) -> np.ndarray:
    i, j = np.triu_indices(len(x), 1)
    dx, dy = np.abs(x[i] - x[j]), np.abs(y[i] - y[j])
    d = dx + dy if metric == "manhattan" else np.hypot(dx, dy)
    row = np.where(d == 0, 0, np.searchsorted(d_edges, d, side="right") + 1)
    col = np.searchsorted(t_edges, np.abs(t[i] - t[j]), side="right")
    out = np.zeros((len(d_edges) + 2, len(t_edges) + 1), dtype=np.int64)
    np.add.at(out, (row, col), 1)
    return out


def _read_golden(shared: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    with (shared / f"{GOLDEN}.csv").open() as f:
        rows = list(csv.reader(f))
    x = np.array([float(r[0]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    t = np.array([(dt.date.fromisoformat(r[2]) - dt.date(2016, 1, 1)).days for r in rows], dtype=float)
    verbose = next((shared / "data/analytics").glob("steenbeek_chicago_be_month1_NRverbose_*.csv"))
    lines = verbose.read_text(encoding="latin-1").splitlines()
    start = lines.index("Observed frequencies distribution")
    table = [[int(v) for v in line.split(",")[2:6]] for line in lines[start + 3 : start + 8]]
    return x, y, t, np.array(table)


@pytest.mark.shared_data
def test_nrc_compatible_mode_reproduces_the_calculators_observed_table(shared_dir: Path) -> None:
    x, y, t, golden = _read_golden(shared_dir)
    r = knox(x, y, t, distance_edges=[100, 200, 300], time_edges=[7, 14, 21], permutations=0,
             nrc_compatible=True)
    np.testing.assert_array_equal(r.observed, golden)
    assert r.observed.sum() == len(x) * (len(x) - 1) // 2


@pytest.mark.shared_data
def test_default_mode_agrees_with_brute_force_on_the_golden_data(shared_dir: Path) -> None:
    x, y, t, _ = _read_golden(shared_dir)
    r = knox(x, y, t, distance_edges=[100, 200, 300], time_edges=[7, 14, 21], permutations=0)
    np.testing.assert_array_equal(r.observed, _brute(x, y, t, [100, 200, 300], [7, 14, 21]))


@pytest.mark.shared_data
def test_pathological_pair_lands_in_the_upper_bands_as_in_the_calculator(shared_dir: Path) -> None:
    """tobydavies/NearRepeat: 100 m and 3 days apart; the Calculator puts it one band up."""
    with (shared_dir / "data/analytics/davies_pathological_example.csv").open() as f:
        rows = list(csv.DictReader(f))
    x = np.array([float(r["x"]) for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    days = [dt.datetime.strptime(r["t"], "%d/%m/%Y").date() for r in rows]
    t = np.array([(d - days[0]).days for d in days], dtype=float)
    wide = knox(x, y, t, distance_edges=[200, 400], time_edges=[3, 6], permutations=0, nrc_compatible=True)
    assert wide.observed[1, 1] == 1 and wide.observed.sum() == 1  # "1 to 200" m, "4 to 6" days
    narrow = knox(x, y, t, distance_edges=[100, 200], time_edges=[3, 6], permutations=0, nrc_compatible=True)
    assert narrow.observed[2, 1] == 1  # "101 to 200" m, "4 to 6" days


@pytest.mark.parametrize("metric", ["manhattan", "euclidean"])
def test_observed_equals_brute_force(metric: str) -> None:
    rng = np.random.default_rng(0)
    n = 400
    x = np.round(rng.uniform(0, 2000, n), 0)
    y = np.round(rng.uniform(0, 2000, n), 0)
    x[:20], y[:20] = x[20:40], y[20:40]  # same locations
    t = rng.integers(0, 60, n).astype(float)
    d_edges, t_edges = [100.0, 250.0, 400.0], [3.0, 7.0, 14.0, 30.0]
    r = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, metric=metric, permutations=0)  # type: ignore[arg-type]
    np.testing.assert_array_equal(r.observed, _brute(x, y, t, d_edges, t_edges, metric))


@pytest.mark.parametrize("metric", ["manhattan", "euclidean"])
def test_nrc_compatible_mode_at_sweref_99_tm_magnitude(metric: str) -> None:
    """Near 6.5e6 m a float32 coordinate moves up to 0.25 m: pairs just past the last edge in double
    precision but inside it in single precision must reach the table (and the other way round)."""
    rng = np.random.default_rng(4)
    n = 400
    x = 650_000.0 + rng.uniform(0, 1_500, n)
    y = 6_500_000.0 + rng.uniform(0, 1_500, n)
    # Partners just past / just inside 300 m of some points, as rounding would blur them.
    k = 60
    x = np.concatenate([x, x[:k] + rng.uniform(-0.6, 0.6, k)])
    y = np.concatenate([y, y[:k] + 300.0 + rng.uniform(-0.6, 0.6, k)])
    t = rng.integers(0, 60, x.size).astype(float)
    d_edges, t_edges = [100.0, 200.0, 300.0], [7.0, 14.0, 21.0]
    r = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, metric=metric, permutations=0,
             nrc_compatible=True)
    ref = _brute(x.astype(np.float32), y.astype(np.float32), t, d_edges, t_edges, metric)
    np.testing.assert_array_equal(r.observed, ref)
    in64 = _brute(x, y, t, d_edges, t_edges, metric)
    assert not np.array_equal(in64[:-1], ref[:-1])  # the precision matters here


def test_fractional_days_use_the_same_band_rules() -> None:
    x = np.array([0.0, 0.0, 50.0])
    y = np.array([0.0, 0.0, 0.0])
    t = np.array([0.0, 6.999, 7.0])
    r = knox(x, y, t, distance_edges=[50.0, 100.0], time_edges=[7.0], permutations=0)
    assert r.observed.tolist() == [[1, 0], [0, 0], [1, 1], [0, 0]]


def test_pair_counts_by_time_band_need_no_pair_list() -> None:
    rng = np.random.default_rng(1)
    t = rng.integers(0, 100, 300).astype(float)
    i, j = np.triu_indices(300, 1)
    dt_ = np.abs(t[i] - t[j])
    ref = np.bincount(np.searchsorted([5, 20, 50], dt_, side="right"), minlength=4)
    np.testing.assert_array_equal(pairs_by_time_band(t, [5, 20, 50]), ref)


def test_permutations_are_seeded_and_p_values_follow_the_calculator() -> None:
    rng = np.random.default_rng(2)
    n = 300
    x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    t = rng.integers(0, 90, n).astype(float)
    a = knox(x, y, t, distance_edges=[100, 200], time_edges=[7, 14], permutations=19, seed=4)
    b = knox(x, y, t, distance_edges=[100, 200], time_edges=[7, 14], permutations=19, seed=4)
    np.testing.assert_array_equal(a.expected, b.expected)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    assert set(np.round(a.p_value.ravel() * 20).astype(int)) <= set(range(1, 21))
    # Every permutation keeps the number of pairs per time band over all pairs.
    np.testing.assert_allclose(a.expected.sum(axis=0), a.observed.sum(axis=0))


def test_a_planted_near_repeat_is_found() -> None:
    rng = np.random.default_rng(3)
    n = 500
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = rng.integers(0, 365, n).astype(float)
    x[250:], y[250:], t[250:] = x[:250] + 30, y[:250] + 30, t[:250] + 2
    r = knox(x, y, t, distance_edges=[100, 200], time_edges=[7, 14], permutations=49, seed=1)
    assert r.p_value[1, 0] == pytest.approx(1 / 50) and r.ratio[1, 0] > 5


def test_labels_have_a_row_for_same_location_and_for_beyond() -> None:
    r = knox([0, 1], [0, 1], [0, 1], distance_edges=[100, 200], time_edges=[7], permutations=0)
    assert r.row_labels == ["same location", "[0, 100)", "[100, 200)", ">= 200"]
    assert r.col_labels == ["[0, 7)", ">= 7"]


def test_bad_edges_are_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="increasing"):
        knox([0, 1], [0, 1], [0, 1], distance_edges=[200, 100], time_edges=[7])
    with pytest.raises(ValueError, match="whole days"):
        knox([0, 1], [0, 1], [0, 1.5], distance_edges=[100], time_edges=[7], nrc_compatible=True)


@pytest.mark.parametrize("span", [60.0, 40_000.0, 59.5])
@pytest.mark.parametrize("workers", [1, 2])
def test_every_permuted_table_equals_brute_force(span: float, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole days (int16 and, past 2**15 days, int32) and fractional days; one or two counting threads."""
    from trygg.analysis import near_repeat

    monkeypatch.setattr(near_repeat, "WORKERS", workers)
    rng = np.random.default_rng(5)
    n = 300
    x, y = np.round(rng.uniform(0, 1500, n)), np.round(rng.uniform(0, 1500, n))
    x[:30], y[:30] = x[30:60], y[30:60]
    t = rng.integers(0, int(span), n).astype(float) + (0.25 * rng.integers(0, 4, n) if span % 1 else 0.0)
    d_edges, t_edges = [80.0, 200.0, 350.0], [3.0, 7.5, 14.0]
    r = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, permutations=7, seed=9)
    perm_rng = np.random.default_rng(9)
    sims = [_brute(x, y, perm_rng.permutation(t), d_edges, t_edges) for _ in range(7)]
    np.testing.assert_array_equal(r.observed, _brute(x, y, t, d_edges, t_edges))
    np.testing.assert_allclose(r.expected, np.mean(sims, axis=0), rtol=1e-12)
    np.testing.assert_allclose(r.p_value, ((np.array(sims) >= r.observed).sum(axis=0) + 1) / 8, rtol=1e-12)


def test_progress_is_reported_in_order() -> None:
    seen: list[tuple[int, int]] = []
    knox([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 5, 9], distance_edges=[5], time_edges=[2], permutations=5, seed=0,
         progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 5) for k in range(1, 6)]
