"""Getis-Ord Gi* hot spots on a regular grid of counts.

Weights are binary queen contiguity *including the cell itself*: the 3 x 3
block around a cell (9 cells inside the grid, 6 on an edge, 4 in a corner).
For cell ``i`` with block ``B_i`` of ``k_i`` cells, ``n`` cells in all and
counts ``y``::

    G*_i = sum_{j in B_i} y_j / sum_j y_j
    E    = k_i / n
    V    = k_i (n - k_i) / (n - 1) / n**2 * s**2 / ybar**2
    z_i  = (G*_i - E) / sqrt(V)

with ``ybar`` the mean and ``s**2`` the (biased, divide-by-n) variance of all
counts. These are the moments of ``G*_i`` under random permutation of the
counts, and the values equal ``esda.G_Local(y, w, transform="B", star=True)``
(``Zs`` and ``p_norm``). With every method ``p`` is the one-tailed probability
in the direction of the observed sum (for the analytic method, as in esda,
``p = 1 - Phi(|z|)``).

Inference
---------
``"exact"`` (the default) takes p from the exact randomisation distribution
whose first two moments the analytic z uses: the block sum of cell ``i`` is
the sum of ``k_i`` counts drawn without replacement from all ``n`` counts.
For integer counts that distribution is computed exactly by convolution of
the observed count distribution (:mod:`trygg.analysis.exact_sum`); it is
deterministic and takes milliseconds. ``p`` is tie-inclusive, ``min(P(S >=
b), P(S <= b))`` for the observed block sum ``b``, so it is a valid
(conservative where counts tie) test however sparse and skewed the counts.
The cell's own count is part of the random block, as it is part of ``G*_i``.
Because the counts themselves are given, one big count alone is no spatial
pattern: a single dense cell with empty neighbours is not a hot spot (any
block holding it is as large, p about ``k / n``); several busy neighbouring
cells are.

``"analytic"`` takes p from the normal approximation above (esda's
``p_norm``). It is kept for comparison only: on sparse, skewed counts the
normal tail is far too thin (permutation p is 10-20 times the analytic p where
FDR decides), and it finds hundreds of "hot spots" in counts shuffled at
random. The analytic ``z`` itself is a good *descriptive* score and is
reported by every method.

``"permutation"`` draws ``permutations`` *conditional* permutations as
esda and GeoDa do (the cell's own count held fixed, its ``k_i - 1``
neighbours drawn without replacement from the other ``n - 1`` cells), so it
asks whether the neighbours are high given the cell. Draws are shared between
cells through one lookup table, as GeoDa's "lookup-table" method does, with
an exact correction for draws that hit the cell itself. The pseudo p-value is
*directional and tie-inclusive*: ``p = (min(#{sim >= obs}, #{sim <= obs}) +
1) / (P + 1)``. It is not folded as esda does (``#{sim < obs}``), which on
sparse grids with many equal counts calls empty cells significant cold spots.
Its smallest p is ``1 / (P + 1)``; over many cells FDR may be unable to call
any cell significant (:func:`permutation_resolution`), one more reason exact
is the default.

Classification: the two-sided p-value ``min(1, 2 p)`` is adjusted with
Benjamini–Hochberg over all cells (``p_fdr``); a cell is *hot* when
``p_fdr <= q`` and its sum is above expectation, *cold* when ``p_fdr <= q`` and
below, otherwise not significant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trygg.analysis.exact_sum import block_sum_tails
from trygg.analysis.fdr import DEFAULT_Q, benjamini_hochberg

__all__ = [
    "COLD",
    "HOT",
    "NOT_SIGNIFICANT",
    "GiStar",
    "gi_star",
    "permutation_resolution",
    "queen_block_sum",
]

HOT = 1
COLD = -1
NOT_SIGNIFICANT = 0
CLASS_NAMES = {HOT: "hot", COLD: "cold", NOT_SIGNIFICANT: "not significant"}

Inference = Literal["exact", "analytic", "permutation"]
INFERENCES = ("exact", "analytic", "permutation")


@dataclass(frozen=True)
class GiStar:
    """Getis-Ord Gi* for every cell of a grid; arrays have the grid's shape.

    Attributes
    ----------
    g : ndarray
        ``G*_i``, block sum over the total.
    z : ndarray
        Analytic z-score (a descriptive score with every method).
    p : ndarray
        One-tailed p-value in the direction of the observed sum: exact
        conditional, analytic ``1 - Phi(|z|)``, or the permutation pseudo p-value.
    p_fdr : ndarray
        Benjamini–Hochberg adjusted two-sided p-value ``min(1, 2 p)``.
    classes : ndarray of int8
        ``HOT`` (1), ``COLD`` (-1) or ``NOT_SIGNIFICANT`` (0).
    inference : str
        ``"exact"``, ``"analytic"`` or ``"permutation"``; which p was used.
    permutations : int
        Number of permutations (0 for analytic).
    seed : int or None
        Seed of the permutations.
    q : float
        False discovery rate used for the classes.
    """

    g: NDArray[np.float64]
    z: NDArray[np.float64]
    p: NDArray[np.float64]
    p_fdr: NDArray[np.float64]
    classes: NDArray[np.int8]
    inference: str
    permutations: int
    seed: int | None
    q: float

    @property
    def n_hot(self) -> int:
        """Number of hot cells."""
        return int((self.classes == HOT).sum())

    @property
    def n_cold(self) -> int:
        """Number of cold cells."""
        return int((self.classes == COLD).sum())


def queen_block_sum(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum over each cell's 3 x 3 block (queen neighbours and itself).

    Examples
    --------
    >>> queen_block_sum(np.ones((2, 3))).tolist()
    [[4.0, 6.0, 4.0], [4.0, 6.0, 4.0]]
    """
    nr, nc = a.shape
    p = np.zeros((nr + 2, nc + 2), dtype=np.float64)
    p[1:-1, 1:-1] = a
    # Separable: sum along columns, then along rows.
    h = p[:, :-2] + p[:, 1:-1] + p[:, 2:]
    return h[:-2] + h[1:-1] + h[2:]


def _cardinality(shape: tuple[int, int]) -> NDArray[np.float64]:
    nr, nc = shape
    kr = np.full(nr, 3.0)
    kc = np.full(nc, 3.0)
    kr[[0, -1]] = 2.0
    kc[[0, -1]] = 2.0
    if nr == 1:
        kr[:] = 1.0
    if nc == 1:
        kc[:] = 1.0
    return np.outer(kr, kc)


def gi_star(
    counts: ArrayLike,
    *,
    inference: Inference = "exact",
    permutations: int = 999,
    seed: int | None = None,
    q: float = DEFAULT_Q,
) -> GiStar:
    """Getis-Ord Gi* with binary queen weights including the cell itself.

    Parameters
    ----------
    counts : array_like, shape (n_rows, n_cols)
        Counts (or any non-negative values) on a grid.
    inference : {"exact", "analytic", "permutation"}
        Where p comes from; see the module docstring. ``"exact"`` needs
        non-negative integer counts.
    permutations : int
        Number of conditional permutations when ``inference="permutation"``.
    seed : int or None
        Seed for the permutations.
    q : float
        False discovery rate for the hot/cold classes.

    Returns
    -------
    GiStar

    Examples
    --------
    >>> y = np.ones((9, 9)); y[3:6, 3:6] = 10
    >>> r = gi_star(y)
    >>> round(float(r.z[4, 4]), 4), r.inference, r.n_hot
    (8.9443, 'exact', 5)
    """
    y = np.asarray(counts, dtype=np.float64)
    if y.ndim != 2 or y.size < 2:
        raise ValueError(f"counts must be a 2-D grid with 2 or more cells, got shape {y.shape}.")
    if inference not in INFERENCES:
        raise ValueError(f"inference must be 'exact', 'analytic' or 'permutation', got {inference!r}.")
    if inference == "exact" and (np.any(y < 0) or np.any(y != np.round(y))):
        raise ValueError("exact inference needs non-negative whole counts; use inference='permutation'.")
    n = y.size
    total = float(y.sum())
    block = queen_block_sum(y)
    k = _cardinality(y.shape)
    mean = total / n
    var = float((y * y).sum()) / n - mean * mean
    with np.errstate(divide="ignore", invalid="ignore"):
        g = block / total if total != 0 else np.zeros_like(y)
        expected = k / n
        v = k * (n - k) / (n - 1) / n**2 * (var / mean**2) if mean != 0 else np.zeros_like(y)
        z = (g - expected) / np.sqrt(v)
    z = np.where(np.isfinite(z), z, 0.0)
    above = z > 0
    if inference == "exact":
        upper, lower = block_sum_tails(
            y.ravel().astype(np.int64), block.ravel().round().astype(np.int64), k.ravel().astype(np.int64)
        )
        p = np.minimum(upper, lower).reshape(y.shape)
        above = (upper < lower).reshape(y.shape)
        perms = 0
    elif inference == "analytic":
        from scipy.special import ndtr  # only here: slow to import, and exact needs none of it

        p = ndtr(-np.abs(z))
        perms = 0
    else:
        if permutations < 1:
            raise ValueError(f"permutations must be 1 or more for permutation inference, got {permutations}.")
        p, above = _permutation_p(y.ravel(), block.ravel(), k.ravel(), permutations, seed)
        p = p.reshape(y.shape)
        above = above.reshape(y.shape)
        perms = permutations
    p_fdr = benjamini_hochberg(np.minimum(1.0, 2.0 * p))
    sig = p_fdr <= q
    classes = np.zeros(y.shape, dtype=np.int8)
    classes[sig & above] = HOT
    classes[sig & ~above] = COLD
    return GiStar(
        g=g,
        z=z,
        p=p,
        p_fdr=p_fdr,
        classes=classes,
        inference=inference,
        permutations=perms,
        seed=seed,
        q=q,
    )


def permutation_resolution(n_cells: int, permutations: int, q: float = DEFAULT_Q) -> int:
    """Fewest cells that must reach the smallest permutation p before FDR can call any significant.

    With ``P`` permutations the smallest two-sided p is ``2 / (P + 1)``;
    Benjamini–Hochberg over ``n`` cells rejects the ``k`` smallest only when
    ``p_(k) <= k q / n``, so at least ``ceil(2 n / ((P + 1) q))`` cells must
    share that smallest p. A result above 1 means a single strong hot spot
    can never be significant; 999 permutations over 18,000 cells need 720.

    Examples
    --------
    >>> permutation_resolution(18_000, 999), permutation_resolution(18_000, 999_999)
    (720, 1)
    """
    if permutations < 1 or n_cells < 1:
        raise ValueError("need one or more cells and permutations.")
    return max(1, int(np.ceil(2.0 * n_cells / ((permutations + 1) * q) - 1e-9)))


def _draw_table(rng: np.random.Generator, pool: int, permutations: int, m: int) -> NDArray[np.intp]:
    """``permutations`` rows of ``m`` distinct indices from ``range(pool)``."""
    if pool < 64 * m:
        keys = rng.random((permutations, pool))
        return np.argsort(keys, axis=1)[:, :m].astype(np.intp)
    table = rng.integers(0, pool, size=(permutations, m))
    while True:
        s = np.sort(table, axis=1)
        dup = (s[:, 1:] == s[:, :-1]).any(axis=1)
        if not dup.any():
            return table.astype(np.intp)
        table[dup] = rng.integers(0, pool, size=(int(dup.sum()), m))


def _permutation_p(
    y: NDArray[np.float64],
    block: NDArray[np.float64],
    k: NDArray[np.float64],
    permutations: int,
    seed: int | None,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Conditional-permutation pseudo p-values with a shared lookup table.

    Row ``r`` of the table holds distinct indices into ``0 .. n-2``. For cell
    ``i`` the pool "every cell but ``i``" is that range with ``i`` replaced by
    ``n - 1``, so the table is shared and only the rare draws equal to ``i``
    need a correction.
    """
    n = y.size
    m_cell = (k - 1).astype(np.intp)  # neighbours to draw per cell
    m_max = int(m_cell.max())
    rng = np.random.default_rng(seed)
    m_draw = min(m_max, n - 1)
    table = _draw_table(rng, n - 1, permutations, m_draw)
    vals = y[table]  # (P, m)
    partial = np.zeros((m_draw + 1, permutations))
    partial[1:] = np.cumsum(vals, axis=1).T
    target = block - y  # compare the neighbours' sum with this
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    sorted_partial = np.sort(partial, axis=1)
    for m in np.unique(m_cell):
        idx = np.flatnonzero(m_cell == m)
        sp = sorted_partial[m]
        n_ge[idx] = permutations - np.searchsorted(sp, target[idx], side="left")
        n_le[idx] = np.searchsorted(sp, target[idx], side="right")
    # Correct draws that picked the cell itself: those stand for cell n-1.
    rows, cols = np.nonzero(np.ones_like(table, dtype=bool))
    cells = table[rows, cols]
    hit = cols < m_cell[cells]
    rows, cells = rows[hit], cells[hit]
    if rows.size:
        old = partial[m_cell[cells], rows]
        new = old + (y[n - 1] - y[cells])
        t = target[cells]
        np.add.at(n_ge, cells, (new >= t).astype(np.int64) - (old >= t))
        np.add.at(n_le, cells, (new <= t).astype(np.int64) - (old <= t))
    p_hot = (n_ge + 1) / (permutations + 1)
    p_cold = (n_le + 1) / (permutations + 1)
    return np.minimum(p_hot, p_cold), p_hot < p_cold
