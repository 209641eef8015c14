"""Disclosure control for published counts: primary and secondary cell suppression.

A public table is a two-way table of counts (e.g. areas × months) published with its row totals,
column totals and grand total. The rules (DOMAIN.md, *Privacy*):

1. **Primary suppression**: a published count is 0 or at least ``threshold`` (5; 10 for sensitive
   categories). Cells with ``1 <= count < threshold`` are hidden.
2. **Secondary suppression**: no hidden cell may be worked out from what is published. The table
   is treated as an *augmented* table of shape ``(R + 1, C + 1)`` whose last column holds the
   row totals, last row the column totals and corner the grand total; every row and column of
   the augmented table is a linear equation ("cells add up to the total").

   a. *Line rule*: any augmented line with exactly one hidden entry would give that entry away
      (total minus the others), so one more entry of that line is hidden: the smallest non-zero
      published cell of the line (one whose crossing line already has hidden entries first, to
      avoid cascades); only if there is none, the line's total. For the lines of totals the
      grand total is preferred. Zeros are never used as complements: a hidden zero protects
      nothing, since an attacker who knows the rule can often tell it must be zero. Repeat
      until every line has none or at least two hidden entries.
   b. *Audit*: the line rule alone does not prevent every disclosure (hidden entries in several
      lines can pin each other down). For each primary cell we search for an alternating cycle
      of hidden entries through it along which every entry can move by one unit while staying
      within what an attacker knows (primary cells in ``[1, threshold-1]``, complementary cells
      ``>= threshold``, totals ``>= 0``). Such a cycle is a second table consistent with
      everything published, so the cell's value cannot be derived. A cell without one gets its
      row total, column total and the grand total hidden too (which always gives a 4-cycle),
      and step (a) runs again.

The guarantee: **no hidden count can be derived exactly** from one published table, even by
linear programming over its totals (tests check this with an independent LP). Tables with
disjoint data (other categories, other years) do not constrain each other. An attacker may
still narrow a hidden cell to a range; a range of at least two values is what is guaranteed.

Examples
--------
>>> import numpy as np
>>> t = suppress(np.array([[7, 2, 9], [6, 8, 5]]), threshold=5)
>>> t.published_cells().tolist()
[[None, None, 9], [None, None, 5]]
>>> t.published_row_totals(), t.published_col_totals(), t.published_grand_total()
([18, 19], [13, 10, 14], 37)

The 2 is primary; 7, 6 and 8 are hidden so that the totals, all published, cannot give it away.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NORMAL_THRESHOLD", "SENSITIVE_THRESHOLD", "SuppressedTable", "suppress"]

NORMAL_THRESHOLD = 5
SENSITIVE_THRESHOLD = 10

_PUBLISHED, _PRIMARY, _COMPLEMENT, _MARGIN = 0, 1, 2, 3


@dataclass(frozen=True)
class SuppressedTable:
    """A count table with what may be published.

    Attributes
    ----------
    counts : ndarray of int64, shape (R, C)
        The true counts (never publish these directly).
    hidden : ndarray of bool, shape (R, C)
        Cells that must not be published (primary or secondary).
    primary : ndarray of bool, shape (R, C)
        Cells hidden because ``1 <= count < threshold``.
    row_total_hidden, col_total_hidden : ndarray of bool
    grand_total_hidden : bool
    threshold : int
    """

    counts: NDArray[np.int64]
    hidden: NDArray[np.bool_]
    primary: NDArray[np.bool_]
    row_total_hidden: NDArray[np.bool_]
    col_total_hidden: NDArray[np.bool_]
    grand_total_hidden: bool
    threshold: int

    def published_cells(self) -> NDArray[np.object_]:
        """Counts as Python ints, ``None`` where hidden."""
        out = self.counts.astype(object)
        out[self.hidden] = None
        return out

    def published_row_totals(self) -> list[int | None]:
        totals = self.counts.sum(axis=1)
        return [None if h else int(v) for v, h in zip(totals, self.row_total_hidden, strict=True)]

    def published_col_totals(self) -> list[int | None]:
        totals = self.counts.sum(axis=0)
        return [None if h else int(v) for v, h in zip(totals, self.col_total_hidden, strict=True)]

    def published_grand_total(self) -> int | None:
        return None if self.grand_total_hidden else int(self.counts.sum())


def suppress(counts: ArrayLike, threshold: int = NORMAL_THRESHOLD) -> SuppressedTable:
    """Apply primary and secondary suppression to a two-way table of counts with its totals.

    Parameters
    ----------
    counts : array_like of int, shape (R, C)
        Non-negative counts.
    threshold : int
        Smallest count that may be published besides 0 (at least 3).

    Returns
    -------
    SuppressedTable
    """
    x = np.asarray(counts, dtype=np.int64)
    if x.ndim != 2:
        raise ValueError(f"counts must be a two-way table, got {x.ndim} dimensions")
    if (x < 0).any():
        raise ValueError("counts must be non-negative")
    if threshold < 3:
        raise ValueError(f"threshold must be at least 3, got {threshold}")
    r, c = x.shape
    aug = np.zeros((r + 1, c + 1), dtype=np.int64)
    aug[:r, :c] = x
    aug[:r, c] = x.sum(axis=1)
    aug[r, :c] = x.sum(axis=0)
    aug[r, c] = x.sum()
    kind = np.full(aug.shape, _PUBLISHED, dtype=np.int8)
    kind[:r, :c][(x >= 1) & (x < threshold)] = _PRIMARY

    while True:
        _line_rule(aug, kind, r, c)
        exposed = [p for p in zip(*np.nonzero(kind[:r, :c] == _PRIMARY), strict=True)
                   if not _protected(aug, kind, r, c, threshold, (int(p[0]), int(p[1])))]
        if not exposed:
            break
        for i, j in exposed:
            for e in ((i, c), (r, j), (r, c)):
                if kind[e] == _PUBLISHED:
                    kind[e] = _MARGIN

    hidden_aug = kind != _PUBLISHED
    return SuppressedTable(
        counts=x, hidden=hidden_aug[:r, :c].copy(), primary=(kind[:r, :c] == _PRIMARY),
        row_total_hidden=hidden_aug[:r, c].copy(), col_total_hidden=hidden_aug[r, :c].copy(),
        grand_total_hidden=bool(hidden_aug[r, c]), threshold=threshold)


def _lines(r: int, c: int) -> list[tuple[str, int]]:
    return [("row", i) for i in range(r + 1)] + [("col", j) for j in range(c + 1)]


def _line_rule(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int) -> None:
    """Hide one more entry in every augmented line with exactly one hidden entry, to a fixpoint."""
    changed = True
    while changed:
        changed = False
        for axis, k in _lines(r, c):
            line_kind = kind[k, :] if axis == "row" else kind[:, k]
            if int((line_kind != _PUBLISHED).sum()) != 1:
                continue
            _hide_complement(aug, kind, r, c, axis, k)
            changed = True


def _hide_complement(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int, axis: str, k: int) -> None:
    hidden = kind != _PUBLISHED
    is_margin_line = (axis == "row" and k == r) or (axis == "col" and k == c)
    n = c if axis == "row" else r  # inner positions of the line are 0..n-1, the total is at n
    if is_margin_line and not hidden[r, c] and aug[r, c] > 0:
        kind[r, c] = _MARGIN
        return
    best: tuple[int, int, int] | None = None
    for pos in range(n):
        e = (k, pos) if axis == "row" else (pos, k)
        if hidden[e] or aug[e] <= 0:
            continue
        cross_hidden = hidden[:, pos].any() if axis == "row" else hidden[pos, :].any()
        key = (0 if cross_hidden else 1, int(aug[e]), pos)
        if best is None or key < best:
            best = key
    if best is not None:
        pos = best[2]
        e = (k, pos) if axis == "row" else (pos, k)
        kind[e] = _MARGIN if is_margin_line else _COMPLEMENT
        return
    total = (k, c) if axis == "row" else (r, k)
    kind[total] = _MARGIN


def _bounds(value: int, kind: int, threshold: int) -> tuple[int, float]:
    if kind == _PRIMARY:
        return 1, threshold - 1
    if kind == _COMPLEMENT:
        return threshold, np.inf
    return 0, np.inf


def _protected(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int, threshold: int,
               p: tuple[int, int]) -> bool:
    """Is there a one-unit alternating cycle of hidden entries through primary cell `p`?

    Entries are edges of a bipartite graph (augmented rows × columns). In signed form
    (totals carry sign -1, the grand total +1) every line sums to zero, so adding +1, -1, +1, …
    around a cycle keeps every published number. ``+`` steps go row → column, ``-`` steps
    column → row; an entry offers a step only if its value stays within its known bounds.
    """
    rows, cols = r + 1, c + 1
    sign = np.ones((rows, cols), dtype=np.int64)
    sign[:r, c] = -1
    sign[r, :c] = -1
    adj: list[list[int]] = [[] for _ in range(rows + cols)]  # nodes: rows 0..r, columns rows..rows+c
    for i, j in zip(*np.nonzero(kind != _PUBLISHED), strict=True):
        i, j = int(i), int(j)
        if (i, j) == p:
            continue
        lo, hi = _bounds(int(aug[i, j]), int(kind[i, j]), threshold)
        if lo <= aug[i, j] + sign[i, j] <= hi:
            adj[i].append(rows + j)
        if lo <= aug[i, j] - sign[i, j] <= hi:
            adj[rows + j].append(i)
    lo, hi = _bounds(int(aug[p]), _PRIMARY, threshold)
    i, j = p
    if aug[p] + 1 <= hi and _reachable(adj, rows + j, i):
        return True
    return bool(aug[p] - 1 >= lo and _reachable(adj, i, rows + j))


def _reachable(adj: list[list[int]], start: int, goal: int) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for nxt in adj[node]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False
