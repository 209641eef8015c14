"""Gi*: equal to esda's analytic z and p; exact and permutation p-values as specified."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from trygg.analysis.getis_ord import (
    COLD,
    HOT,
    _cardinality,
    _draw_table,
    gi_star,
    permutation_resolution,
    queen_block_sum,
)


def _esda(y: np.ndarray) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from esda.getisord import G_Local
        from libpysal.weights import lat2W

        w = lat2W(y.shape[0], y.shape[1], rook=False)
        return G_Local(y.ravel(), w, transform="B", star=True, permutations=0)


@pytest.mark.parametrize("shape", [(7, 9), (30, 40), (1, 6), (2, 3), (12, 1)])
def test_analytic_z_and_p_equal_esda(shape: tuple[int, int]) -> None:
    pytest.importorskip("esda")
    rng = np.random.default_rng(sum(shape))
    y = rng.poisson(rng.gamma(0.6, 4.0, size=shape)).astype(float)
    y.flat[0] += 1  # never all equal
    ref = _esda(y)
    ours = gi_star(y, inference="analytic")
    # A cell whose block is the whole grid has no variance: esda gives NaN, we give z = 0.
    ok = np.isfinite(ref.Zs)
    assert np.all(ours.z.ravel()[~ok] == 0)
    np.testing.assert_allclose(ours.z.ravel()[ok], ref.Zs[ok], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.p.ravel()[ok], ref.p_norm[ok], rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(ours.g.ravel(), ref.Gs, rtol=1e-9)


def test_block_sum_counts_edges_and_corners() -> None:
    k = _cardinality((3, 4))
    assert k.tolist() == [[4, 6, 6, 4], [6, 9, 9, 6], [4, 6, 6, 4]]
    np.testing.assert_array_equal(queen_block_sum(np.ones((3, 4))), k)


def test_a_dense_block_is_hot_and_the_rest_not() -> None:
    y = np.zeros((20, 20))
    y[8:11, 8:11] = 20
    y += np.random.default_rng(0).poisson(1.0, size=y.shape)
    r = gi_star(y)
    assert r.classes[9, 9] == HOT
    assert r.n_cold == 0
    assert r.inference == "exact" and r.permutations == 0


def test_permutation_p_matches_independent_draws() -> None:
    rng = np.random.default_rng(5)
    y = rng.poisson(2.0, size=(5, 6)).astype(float)
    r = gi_star(y, inference="permutation", permutations=4000, seed=1)
    n, flat = y.size, y.ravel()
    k = _cardinality(y.shape).ravel().astype(int)
    block = queen_block_sum(y).ravel()
    for i in (0, 7, 14, 29):
        others = np.delete(flat, i)
        sims = np.array([others[rng.permutation(n - 1)[: k[i] - 1]].sum() for _ in range(4000)])
        t = block[i] - flat[i]
        p_ref = (min((sims >= t).sum(), (sims <= t).sum()) + 1) / 4001
        assert abs(r.p.ravel()[i] - p_ref) < 0.04


def test_permutations_are_seeded() -> None:
    y = np.random.default_rng(1).poisson(3.0, size=(15, 15)).astype(float)
    a = gi_star(y, inference="permutation", permutations=99, seed=7)
    b = gi_star(y, inference="permutation", permutations=99, seed=7)
    np.testing.assert_array_equal(a.p, b.p)
    assert a.inference == "permutation" and a.permutations == 99


def test_empty_cells_of_a_sparse_grid_are_not_cold() -> None:
    """Folded permutation p-values call empty cells cold; tie-inclusive ones do not."""
    rng = np.random.default_rng(3)
    y = np.where(rng.random((60, 60)) < 0.05, rng.poisson(20, (60, 60)), 0).astype(float)
    r = gi_star(y, inference="permutation", permutations=999, seed=2)
    assert (r.classes == COLD).mean() < 0.01
    assert gi_star(y).n_cold == 0


def test_self_draw_correction_is_exact_on_a_tiny_grid() -> None:
    y = np.array([[0.0, 0.0, 9.0], [0.0, 1.0, 0.0]])
    r = gi_star(y, inference="permutation", permutations=2000, seed=0)
    # Cell (0, 2) holds 9; its 3 neighbours are drawn from the other five cells,
    # which sum to 1 at most: never >= its observed neighbour sum of 1 unless the 1 is drawn.
    assert 0.0 < r.p[0, 2] <= 1.0


def test_constant_grid_has_no_hot_spots() -> None:
    r = gi_star(np.full((4, 4), 3.0))
    assert r.n_hot == 0 and np.all(r.z == 0)


def test_exact_and_analytic_inference_are_the_same_run_after_run() -> None:
    y = np.random.default_rng(9).poisson(np.random.default_rng(9).gamma(0.5, 4, (100, 100))).astype(float)
    np.testing.assert_array_equal(gi_star(y).p, gi_star(y).p)
    assert gi_star(y, inference="analytic").n_hot == gi_star(y, inference="analytic").n_hot


def total_randomisation_p(y: np.ndarray, permutations: int, seed: int) -> np.ndarray:
    """Monte Carlo of the exact method's null: each block a random draw of k cells from all n."""
    rng = np.random.default_rng(seed)
    flat, k = y.ravel(), _cardinality(y.shape).ravel().astype(int)
    block = queen_block_sum(y).ravel()
    p = np.ones(flat.size)
    for kk in np.unique(k):
        sims = np.sort(flat[_draw_table(rng, flat.size, permutations, int(kk))].sum(axis=1))
        idx = np.flatnonzero(k == kk)
        n_ge = permutations - np.searchsorted(sims, block[idx], side="left")
        n_le = np.searchsorted(sims, block[idx], side="right")
        p[idx] = (np.minimum(n_ge, n_le) + 1) / (permutations + 1)
    return p.reshape(y.shape)


def test_exact_p_is_the_limit_of_random_permutations() -> None:
    rng = np.random.default_rng(5)
    y = rng.poisson(rng.gamma(0.4, 3.0, (12, 14))).astype(float)
    ex = gi_star(y)
    mc = total_randomisation_p(y, 40_000, seed=3)
    se = np.sqrt(ex.p * (1 - ex.p) / 40_000)
    assert np.all(np.abs(mc - ex.p) <= 5 * se + 2 / 40_001)
    # The analytic z stays as the descriptive score.
    np.testing.assert_array_equal(ex.z, gi_star(y, inference="analytic").z)


def test_a_dense_area_is_a_hot_spot_and_a_lone_dense_cell_is_not() -> None:
    """Under the randomisation null the counts are given: one big count is not a spatial pattern."""
    y = np.random.default_rng(2).poisson(0.2, (30, 30)).astype(float)
    y[10, 10] = 25
    lone = gi_star(y)
    assert lone.n_hot == 0 and lone.p[10, 10] > 1e-3  # about 9 / 900: any block holding the 25 is as large
    y[20:23, 20:23] = 6
    area = gi_star(y)
    assert area.classes[21, 21] == HOT and area.p[21, 21] < 1e-8


def test_exact_needs_whole_counts() -> None:
    with pytest.raises(ValueError, match="whole counts"):
        gi_star(np.array([[0.5, 1.0], [2.0, 0.0]]))
    assert gi_star(np.array([[0.5, 1.0], [2.0, 0.0]]), inference="analytic").n_hot == 0


def test_permutation_resolution_says_when_fdr_cannot_be_reached() -> None:
    assert permutation_resolution(18_000, 999) == 720
    assert permutation_resolution(113_000, 999) > 1000
    assert permutation_resolution(100, 99_999) == 1
    with pytest.raises(ValueError):
        permutation_resolution(100, 0)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="2-D"):
        gi_star(np.ones(5))
    with pytest.raises(ValueError, match="inference"):
        gi_star(np.ones((2, 2)), inference="magic")  # type: ignore[arg-type]
