"""The default Gi* hot spots are a valid test: silent on counts without spatial pattern.

Sparse, skewed counts are where the normal approximation fails (it found
1,210-1,495 "hot spots" on each of the grids below). The default (exact
conditional) inference must call any cell significant in at most 5 % of runs
without pattern, and agree with many permutations on real data.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy.stats import beta

from tests.analysis.test_getis_ord import total_randomisation_p
from trygg.analysis.fdr import benjamini_hochberg
from trygg.analysis.getis_ord import gi_star
from trygg.analysis.grid import grid_counts, grid_for_points

SF = "data/analytics/geoda_sf_crime_jul_dec_2012.csv"


def _sf_counts(shared: Path, cell: float) -> np.ndarray:
    with (shared / SF).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    x = np.array([float(r["x_utm10n"]) for r in rows])
    y = np.array([float(r["y_utm10n"]) for r in rows])
    return grid_counts(x, y, grid_for_points(x, y, cell)).astype(np.float64)


def _clopper_pearson(k: int, n: int) -> tuple[float, float]:
    lo = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return lo, hi


def test_default_hot_spots_appear_in_at_most_5_percent_of_null_runs(shared_dir: Path) -> None:
    runs: list[tuple[str, int, int]] = []
    for seed in range(20):
        g = np.random.default_rng(seed)
        s = g.poisson(g.gamma(0.1, 5.0, (316, 316))).astype(float)
        r = gi_star(s)
        runs.append((f"synthetic {seed}", r.n_hot, r.n_cold))
    real = _sf_counts(shared_dir, 100.0)
    rng = np.random.default_rng(2024)
    shuffled = real
    for k in range(20):
        shuffled = rng.permutation(real.ravel()).reshape(real.shape)
        r = gi_star(shuffled)
        runs.append((f"SF 100 m shuffle {k}", r.n_hot, r.n_cold))
    with_hot = sum(1 for _, hot, _ in runs if hot > 0)
    lo, hi = _clopper_pearson(with_hot, len(runs))
    print(f"\nruns with FDR-significant hot spots: {with_hot} of {len(runs)} "
          f"(95 % Clopper-Pearson interval {lo:.3f}-{hi:.3f}); cold: {sum(c > 0 for _, _, c in runs)}")
    assert with_hot <= 0.05 * len(runs), [r for r in runs if r[1] > 0]
    # The analytic normal p, for contrast, is far too liberal on the same kind of counts.
    assert gi_star(shuffled, inference="analytic").n_hot > 50


def test_default_agrees_with_many_permutations_on_real_data(shared_dir: Path) -> None:
    counts = _sf_counts(shared_dir, 250.0)
    perms = 200_000
    ex = gi_star(counts)
    mc = total_randomisation_p(counts, perms, seed=11)
    # The permutation p is (#{sim as extreme} + 1) / (P + 1): binomial error around the exact p.
    se = np.sqrt(ex.p * (1 - ex.p) / perms)
    dev = np.abs(mc - ex.p) - 1.0 / (perms + 1)
    assert np.all(dev <= 5 * se + 1e-12), float(np.max(dev / np.maximum(se, 1e-15)))
    # Hot spots from the Monte Carlo p differ at most where the exact p is within its error of the BH cut.
    mc_hot = (benjamini_hochberg(np.minimum(1, 2 * mc)) <= ex.q) & (ex.z > 0)
    assert abs(int(mc_hot.sum()) - ex.n_hot) <= max(2, 0.05 * ex.n_hot), (int(mc_hot.sum()), ex.n_hot)
    assert ex.n_hot > 0  # real data has hot spots
