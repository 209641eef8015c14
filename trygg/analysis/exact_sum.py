"""Exact distribution of a sum of cells drawn without replacement.

Under the randomisation null of Gi* the counts are a fixed multiset dealt to
the cells at random. Holding cell ``i``'s own count fixed, the sum of its
``m`` neighbours is the sum of ``m`` values drawn without replacement from the
other ``n - 1`` counts. For integer counts its distribution is exact and
cheap: the number of ``j``-subsets with sum ``s`` is the coefficient of
``t^j x^s`` in ``prod_v (1 + t x^v)^{c_v}`` over the distinct values ``v``
with multiplicities ``c_v``, built up value by value (:func:`subset_sum_counts`).
Leaving one cell of value ``u`` out divides that polynomial by ``1 + t x^u``,
a short recursion in ``j`` (:func:`remove_one`). Tails are sums of
non-negative terms, so small p-values keep their relative precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import comb

__all__ = ["MAX_SUPPORT", "neighbour_sum_tails", "remove_one", "subset_sum_counts"]

#: Largest sum the tables are built for (the sum of the ``m`` largest counts).
MAX_SUPPORT = 4_000_000


def subset_sum_counts(values: NDArray[np.int64], m: int) -> NDArray[np.float64]:
    """``F[j, s]``: how many ``j``-subsets of ``values`` (``j <= m``) sum to ``s``.

    Counts are floats (they reach ``C(n, m)``); ``s`` runs to the sum of the
    ``m`` largest values.

    Examples
    --------
    >>> subset_sum_counts(np.array([0, 1, 1, 2]), 2).tolist()
    [[1.0, 0.0, 0.0, 0.0], [1.0, 2.0, 1.0, 0.0], [0.0, 2.0, 2.0, 2.0]]
    """
    vals, mult = np.unique(values, return_counts=True)
    top = np.sort(values)[::-1][:m]
    support = int(top.sum()) + 1
    if support > MAX_SUPPORT:
        raise ValueError(f"counts too large for the exact method (sum of the {m} largest is {support - 1}).")
    f = np.zeros((m + 1, support))
    f[0, 0] = 1.0
    reach = 0  # largest sum reachable so far with up to m values
    for v, c in zip(vals.tolist(), mult.tolist(), strict=True):
        amax = min(c, m)
        coef = comb(c, np.arange(amax + 1))
        new_reach = min(support - 1, reach + amax * v)
        new = f[:, : new_reach + 1].copy()
        for a in range(1, amax + 1):
            shift = a * v
            hi = new_reach + 1 - shift
            if hi <= 0:
                break
            new[a:, shift : shift + hi] += coef[a] * f[: m + 1 - a, :hi]
        f[:, : new_reach + 1] = new
        reach = new_reach
    return f


def remove_one(f: NDArray[np.float64], u: int) -> NDArray[np.float64]:
    """The subset-sum table with one value ``u`` taken out of the population.

    Divides ``sum_j F_j(x) t^j`` by ``1 + t x^u``: ``G_j = F_j - x^u G_{j-1}``.

    Examples
    --------
    >>> f = subset_sum_counts(np.array([0, 1, 1, 2]), 2)
    >>> remove_one(f, 2).tolist()
    [[1.0, 0.0, 0.0, 0.0], [1.0, 2.0, 0.0, 0.0], [0.0, 2.0, 1.0, 0.0]]
    """
    g = np.empty_like(f)
    g[0] = f[0]
    for j in range(1, f.shape[0]):
        g[j] = f[j]
        if u < f.shape[1]:
            g[j, u:] -= g[j - 1, : f.shape[1] - u]
    np.maximum(g, 0.0, out=g)  # rounding can leave -0.0 where nothing is left
    return g


def neighbour_sum_tails(
    own: NDArray[np.int64], neighbours: NDArray[np.int64], m: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact ``P(S >= t)`` and ``P(S <= t)`` for each cell.

    ``S`` is the sum of ``m[i]`` counts drawn without replacement from every
    count but cell ``i``'s own, ``t = neighbours[i]`` the observed sum.

    Parameters
    ----------
    own : ndarray of int, shape (n,)
        Every cell's count (the population).
    neighbours : ndarray of int, shape (n,)
        Observed sum of each cell's neighbours.
    m : ndarray of int, shape (n,)
        Number of neighbours of each cell.

    Returns
    -------
    upper, lower : ndarray, shape (n,)

    Examples
    --------
    >>> up, lo = neighbour_sum_tails(np.array([0, 0, 0, 3]), np.array([3, 3, 0, 0]), np.array([1, 1, 1, 1]))
    >>> up.round(4).tolist(), lo.round(4).tolist()
    ([0.3333, 0.3333, 1.0, 1.0], [1.0, 1.0, 0.6667, 1.0])
    """
    n = own.size
    upper = np.ones(n)
    lower = np.ones(n)
    m_max = int(m.max()) if n else 0
    if m_max < 1:
        return upper, lower
    full = subset_sum_counts(own, min(m_max, n - 1))
    total = comb(n - 1, np.arange(full.shape[0]))
    key_u, inv_u = np.unique(own, return_inverse=True)
    for ui, u in enumerate(key_u.tolist()):
        cells_u = np.flatnonzero(inv_u == ui)
        g = remove_one(full, u)
        for mm in np.unique(m[cells_u]).tolist():
            if mm < 1:
                continue
            cells = cells_u[m[cells_u] == mm]
            dist = g[mm] / total[mm]
            up = np.cumsum(dist[::-1])[::-1]  # up[s] = P(S >= s)
            lo = np.cumsum(dist)  # lo[s] = P(S <= s)
            t = neighbours[cells]
            inside = t < dist.size
            tt = np.minimum(t, dist.size - 1)
            upper[cells] = np.where(inside, up[tt], 0.0)
            lower[cells] = np.where(inside, lo[tt], 1.0)
    np.clip(upper, 0.0, 1.0, out=upper)
    np.clip(lower, 0.0, 1.0, out=lower)
    return upper, lower
