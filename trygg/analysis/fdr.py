"""False discovery rate control (Benjamini–Hochberg).

With ``m`` p-values sorted ascending, ``p_(1) <= ... <= p_(m)``, the
Benjamini–Hochberg adjusted p-value of the k-th smallest is
``min_{j >= k} min(1, m * p_(j) / j)``. Rejecting every hypothesis whose
adjusted p-value is at most ``q`` controls the false discovery rate at ``q``
for independent or positively dependent tests (Benjamini & Hochberg 1995;
Benjamini & Yekutieli 2001).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DEFAULT_Q", "benjamini_hochberg", "bh_reject"]

#: Default false discovery rate.
DEFAULT_Q = 0.05


def benjamini_hochberg(p: ArrayLike) -> NDArray[np.float64]:
    """Benjamini–Hochberg adjusted p-values, in the input order and shape.

    NaN p-values are left out of the count ``m`` and stay NaN.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    pa = np.asarray(p, dtype=np.float64)
    flat = pa.ravel()
    out = np.full(flat.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(flat))
    m = ok.size
    if m == 0:
        return out.reshape(pa.shape)
    vals = flat[ok]
    order = np.argsort(vals, kind="stable")
    ranked = vals[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    np.minimum(adj, 1.0, out=adj)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out.reshape(pa.shape)


def bh_reject(p: ArrayLike, q: float = DEFAULT_Q) -> NDArray[np.bool_]:
    """Which hypotheses the Benjamini–Hochberg procedure rejects at rate ``q``.

    Examples
    --------
    >>> bh_reject([0.01, 0.04, 0.03, 0.20], q=0.05).tolist()
    [True, False, False, False]
    """
    adj = benjamini_hochberg(p)
    return np.asarray(np.nan_to_num(adj, nan=1.0) <= q)
