"""Exact distribution of a sum of cells drawn without replacement.

Under the randomisation null of Gi* the counts are a fixed multiset dealt to
the cells at random, so the sum over a block of ``k`` cells is the sum of
``k`` values drawn without replacement from all ``n`` counts. For integer
counts its distribution is exact and cheap: the number of ``j``-subsets with
sum ``s`` is the coefficient of ``t^j x^s`` in ``prod_v (1 + t x^v)^{c_v}``
over the distinct values ``v`` with multiplicities ``c_v``, built up value by
value (:func:`subset_sum_counts`); dividing by ``C(n, j)`` gives the
probabilities. Tails are sums of non-negative terms, so small p-values keep
their relative precision.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_SUPPORT", "block_sum_tails", "subset_sum_counts"]


def _comb(n: int, k_max: int) -> NDArray[np.float64]:
    """``C(n, k)`` for ``k = 0 .. k_max`` as floats (exact integers first; scipy.special is slow to import)."""
    return np.array([float(math.comb(n, k)) for k in range(k_max + 1)])

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
        coef = _comb(c, amax)
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


def block_sum_tails(
    values: NDArray[np.int64], block: NDArray[np.int64], k: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact ``P(S >= b)`` and ``P(S <= b)`` for each cell.

    ``S`` is the sum of ``k[i]`` counts drawn without replacement from
    ``values`` (every cell's count), ``b = block[i]`` the observed block sum.

    Examples
    --------
    >>> up, lo = block_sum_tails(np.array([0, 0, 0, 3]), np.array([3, 0, 0, 3]), np.array([2, 2, 1, 1]))
    >>> up.round(4).tolist(), lo.round(4).tolist()
    ([0.5, 1.0, 1.0, 0.25], [1.0, 0.5, 0.75, 1.0])
    """
    n = values.size
    upper = np.ones(n)
    lower = np.ones(n)
    if n == 0:
        return upper, lower
    k_max = int(min(k.max(), n))
    full = subset_sum_counts(values, k_max)
    total = _comb(n, k_max)
    for kk in np.unique(k).tolist():
        if kk < 1 or kk > k_max:
            continue
        cells = np.flatnonzero(k == kk)
        dist = full[kk] / total[kk]
        up = np.cumsum(dist[::-1])[::-1]  # up[s] = P(S >= s)
        lo = np.cumsum(dist)  # lo[s] = P(S <= s)
        b = block[cells]
        inside = b < dist.size
        bb = np.clip(b, 0, dist.size - 1)
        upper[cells] = np.where(inside, up[bb], 0.0)
        lower[cells] = np.where(inside, lo[bb], 1.0)
    np.clip(upper, 0.0, 1.0, out=upper)
    np.clip(lower, 0.0, 1.0, out=lower)
    return upper, lower
