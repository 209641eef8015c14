"""Disclosure control for published counts: primary and secondary cell suppression.

A public table is a two-way table of counts (e.g. areas × months) published with its row totals,
column totals and grand total. The rules (DOMAIN.md, *Privacy*):

1. **Primary suppression**: a published count is 0 or at least ``threshold`` (5; 10 for sensitive
   categories). Cells *and totals* with ``1 <= count < threshold`` are hidden.
2. **Secondary suppression**: no hidden cell may be worked out from what is published. The table
   is treated as an *augmented* table of shape ``(R + 1, C + 1)`` whose last column holds the
   row totals, last row the column totals and corner the grand total; every row and column of
   the augmented table is a linear equation ("cells add up to the total").

   a. *Line rule*: any augmented line with exactly one hidden entry would give that entry away
      (total minus the others), so one more entry of that line is hidden: the smallest non-zero
      published cell of the line (one whose crossing line already has hidden entries first, to
      avoid cascades); only if there is none, the line's total. Zeros are never used as
      complements: a hidden zero protects nothing, since an attacker who knows the rule can
      often tell it must be zero. Repeat
      until every line has none or at least two hidden entries.
   b. *Audit*: the line rule alone does not prevent every disclosure (hidden entries in several
      lines can pin each other down). For each primary entry we search for an alternating cycle
      of hidden entries through it along which every entry can move by one unit while staying
      within what an attacker who knows the rules can tell (zeros are never hidden; a small
      cell is in ``[1, threshold-1]``, a complementary cell ``>= threshold``, a hidden total
      ``>= 1``). Such a cycle is a second table consistent with everything published,
      so the entry's value cannot be derived. A cell without one gets, one step at a time
      until it has one: the cheapest rectangle of non-zero cells around it, its row total, its
      column total, the 4-cycle through its totals and the grand total; step (a) runs again
      after each; as a last resort every non-zero total is hidden.

The guarantee: **no published number is between 1 and threshold-1, and no hidden small count
can be derived exactly** from one published table, even by
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

_PUBLISHED, _PRIMARY, _COMPLEMENT, _MARGIN, _KEPT = 0, 1, 2, 3, 4


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
    primary_row_totals, primary_col_totals, primary_grand_total
        Totals hidden because they are small themselves (row, column, grand).
    """

    counts: NDArray[np.int64]
    hidden: NDArray[np.bool_]
    primary: NDArray[np.bool_]
    row_total_hidden: NDArray[np.bool_]
    col_total_hidden: NDArray[np.bool_]
    grand_total_hidden: bool
    threshold: int
    primary_row_totals: NDArray[np.bool_]  # row totals with 1 <= total < threshold
    primary_col_totals: NDArray[np.bool_]
    primary_grand_total: bool

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


def suppress(counts: ArrayLike, threshold: int = NORMAL_THRESHOLD,
             also_hide: ArrayLike | None = None) -> SuppressedTable:
    """Apply primary and secondary suppression to a two-way table of counts with its totals.

    Parameters
    ----------
    counts : array_like of int, shape (R, C)
        Non-negative counts.
    threshold : int
        Smallest count that may be published besides 0 (at least 3).
    also_hide : array_like of bool, shape (R + 1, C + 1), optional
        Entries of the augmented table (row totals in the last column, column totals in the last
        row) to hide whatever their value, e.g. what an earlier version of the table hid: a
        revision must not publish what the first version hid, or the two could be subtracted.
        Zeros stay published. Secondary suppression then protects them like any hidden entry
        (an attacker is assumed to know only that such an entry is at least 1).

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
    if also_hide is not None:
        keep = np.asarray(also_hide, dtype=bool)
        if keep.shape != aug.shape:
            raise ValueError(f"also_hide must have shape {aug.shape}, got {keep.shape}")
        kind[keep & (aug >= 1)] = _KEPT
    kind[(aug >= 1) & (aug < threshold)] = _PRIMARY  # small cells and small totals alike

    tries: dict[tuple[int, int], int] = {}
    while True:
        _line_rule(aug, kind, r, c)
        exposed = [(int(i), int(j)) for i, j in zip(*np.nonzero((kind == _PRIMARY) | (kind == _KEPT)), strict=True)
                   if not _protected(aug, kind, r, c, threshold, (int(i), int(j)))]
        if not exposed:
            break
        progress = False
        for p in exposed:
            tries[p] = tries.get(p, 0) + 1
            for e in _complements(aug, kind, r, c, p, tries[p]):
                if kind[e] == _PUBLISHED and aug[e] > 0:
                    kind[e] = _MARGIN if (e[0] == r or e[1] == c) else _COMPLEMENT
                    progress = True
        if not progress and all(tries[p] >= 4 for p in exposed):  # last resort: hide every non-zero total
            margins = np.zeros(aug.shape, dtype=bool)
            margins[r, :] = True
            margins[:, c] = True
            todo = margins & (kind == _PUBLISHED) & (aug > 0)
            if not todo.any():
                break  # nothing left to hide; the bounds alone protect what is hidden
            kind[todo] = _MARGIN

    hidden_aug = kind != _PUBLISHED
    return SuppressedTable(
        counts=x, hidden=hidden_aug[:r, :c].copy(), primary=(kind[:r, :c] == _PRIMARY),
        primary_row_totals=kind[:, c][:r] == _PRIMARY, primary_col_totals=kind[r, :c] == _PRIMARY,
        primary_grand_total=bool(kind[r, c] == _PRIMARY),
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


def _bounds(kind: int, threshold: int, total: bool) -> tuple[int, float]:
    """What an attacker who knows the rules can tell about a hidden entry.

    Zeros are never hidden, so every hidden number is at least 1. For cells we assume the attacker
    even knows why a cell is hidden: a small one is in ``[1, threshold-1]``, a complementary one
    ``>= threshold``. A hidden total is only known to be ``>= 1`` (that it is hidden does not say
    whether it is small).
    """
    if total or kind == _KEPT:
        return 1, np.inf
    if kind == _PRIMARY:
        return 1, threshold - 1
    return threshold, np.inf


def _complements(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int, p: tuple[int, int],
                 attempt: int) -> list[tuple[int, int]]:
    """What to hide next for an exposed entry `p`, from cheap to safe: a rectangle of cells, then
    the cell's row total, then its column total, then the 4-cycle through the totals."""
    i, j = p
    inner = i < r and j < c
    if inner and attempt == 1:
        return _rectangle(aug, kind, r, c, p) or _fallback(aug, kind, r, c, p)
    if inner and attempt == 2:
        return [(i, c)]
    if inner and attempt == 3:
        return [(r, j)]
    return _fallback(aug, kind, r, c, p)


def _rectangle(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int,
               p: tuple[int, int]) -> list[tuple[int, int]]:
    """For a cell `p`: three non-zero cells completing a rectangle with it, cheapest to hide first
    (cells already hidden cost nothing), so that totals can stay published."""
    i, j = p
    if i >= r or j >= c:
        return []
    x = aug[:r, :c]
    cost = np.where(kind[:r, :c] == _PUBLISHED, x, 0).astype(float)
    cost[x == 0] = np.inf
    total = cost[i, :][None, :] + cost[:, j][:, None] + cost  # (i, j2) + (i2, j) + (i2, j2)
    total[i, :] = np.inf
    total[:, j] = np.inf
    if not np.isfinite(total).any():
        return []
    i2, j2 = np.unravel_index(int(np.argmin(total)), total.shape)
    return [(i, int(j2)), (int(i2), j), (int(i2), int(j2))]


def _fallback(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int,
              p: tuple[int, int]) -> list[tuple[int, int]]:
    """Entries whose hiding gives `p` a 4-cycle through the totals: cell, row total, grand, column total."""
    i, j = p
    if i < r and j < c:
        return [(i, c), (r, j), (r, c)]

    def best(cands: list[tuple[int, int]]) -> tuple[int, int] | None:
        nonzero = [e for e in cands if aug[e] > 0]
        return min(nonzero, key=lambda e: (kind[e] == _PUBLISHED, int(aug[e]))) if nonzero else None

    if i < r:  # a row total: through a cell of the row and its column total
        e = best([(i, k) for k in range(c)])
        return [] if e is None else [e, (r, e[1]), (r, c)]
    if j < c:  # a column total
        e = best([(k, j) for k in range(r)])
        return [] if e is None else [e, (e[0], c), (r, c)]
    e = best([(a, b) for a in range(r) for b in range(c)])  # the grand total
    return [] if e is None else [e, (e[0], c), (r, e[1])]


def _protected(aug: NDArray[np.int64], kind: NDArray[np.int8], r: int, c: int, threshold: int,
               p: tuple[int, int]) -> bool:
    """Is there a one-unit alternating cycle of hidden entries through primary (or kept) entry `p`?

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
        lo, hi = _bounds(int(kind[i, j]), threshold, i == r or j == c)
        if lo <= aug[i, j] + sign[i, j] <= hi:
            adj[i].append(rows + j)
        if lo <= aug[i, j] - sign[i, j] <= hi:
            adj[rows + j].append(i)
    i, j = p
    lo, hi = _bounds(int(kind[p]), threshold, i == r or j == c)
    # Raising y at p (x changes by its sign) closes through a path column → row, lowering it row → column.
    if lo <= aug[p] + sign[p] <= hi and _reachable(adj, rows + j, i):
        return True
    return bool(lo <= aug[p] - sign[p] <= hi and _reachable(adj, i, rows + j))


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
