"""Suppression of public counts: property tests on random tables (hypothesis).

Proves on random data that (1) no published cell lies in 1..threshold-1, (2) every row or column
with hidden cells has at least two hidden entries counting its total, so no total gives a single
hidden cell away, and (3) no hidden primary cell can be worked out from the published table at all:
an independent linear programme (scipy) plays the attacker and finds the cell's smallest and
largest possible value; they must differ.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from trygg.analysis import suppression
from trygg.analysis.suppression import SENSITIVE_THRESHOLD, SuppressedTable, suppress


def _small_counts() -> st.SearchStrategy[int]:
    # Many zeros and small counts, where suppression matters; some large ones.
    return st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 60))


tables = st.tuples(st.integers(1, 7), st.integers(1, 8)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=_small_counts()))
thresholds = st.sampled_from([5, SENSITIVE_THRESHOLD])


def _published_values(t: SuppressedTable) -> list[int]:
    values = [v for v in t.published_cells().ravel().tolist() if v is not None]
    return values


@settings(max_examples=300, deadline=None)
@given(tables, thresholds)
def test_no_published_cell_is_between_one_and_threshold(x: np.ndarray, threshold: int) -> None:
    t = suppress(x, threshold)
    published = _published_values(t) + [v for v in t.published_row_totals() + t.published_col_totals()
                                         + [t.published_grand_total()] if v is not None]
    assert all(v == 0 or v >= threshold for v in published)
    assert t.primary[(x >= 1) & (x < threshold)].all()
    assert not t.hidden[(x == 0)].any(), "zeros are never hidden"


@settings(max_examples=300, deadline=None)
@given(tables, thresholds)
def test_totals_cannot_reveal_a_single_hidden_cell(x: np.ndarray, threshold: int) -> None:
    t = suppress(x, threshold)
    r, c = x.shape
    for i in range(r):
        hidden = int(t.hidden[i].sum())
        if hidden:
            assert hidden >= 2 or t.row_total_hidden[i], f"row {i} gives its hidden cell away"
    for j in range(c):
        hidden = int(t.hidden[:, j].sum())
        if hidden:
            assert hidden >= 2 or t.col_total_hidden[j], f"column {j} gives its hidden cell away"
    # the lines of totals: the grand total must not give away a single hidden total
    assert int(t.row_total_hidden.sum()) != 1 or t.grand_total_hidden
    assert int(t.col_total_hidden.sum()) != 1 or t.grand_total_hidden


def _attacker_range(t: SuppressedTable, unknown: tuple[str, int, int]) -> tuple[float, float]:
    """Smallest and largest value of `cell` consistent with everything published (an LP).

    Unknowns: every hidden cell and hidden total. The attacker knows the rules and even why each
    cell is hidden: a small (primary) cell is in 1..threshold-1, a complementary cell is
    >= threshold; a hidden total is >= 1 (zeros are never hidden). Constraints: each row and column
    adds up to its total, the totals add up to the grand total.
    """
    x = t.counts
    r, c = x.shape
    names: list[tuple[str, int, int]] = []
    bounds: list[tuple[float, float | None]] = []
    for i, j in zip(*np.nonzero(t.hidden), strict=True):
        names.append(("cell", int(i), int(j)))
        bounds.append((1, t.threshold - 1) if t.primary[i, j] else (t.threshold, None))
    for i in np.nonzero(t.row_total_hidden)[0]:
        names.append(("row", int(i), -1))
        bounds.append((1, None))
    for j in np.nonzero(t.col_total_hidden)[0]:
        names.append(("col", -1, int(j)))
        bounds.append((1, None))
    if t.grand_total_hidden:
        names.append(("grand", -1, -1))
        bounds.append((1, None))
    index = {n: k for k, n in enumerate(names)}
    rows_eq: list[np.ndarray] = []
    rhs: list[float] = []

    def equation(terms: list[tuple[tuple[str, int, int], int, int]]) -> None:
        """terms: (name, coefficient, true value); known ones move to the right-hand side."""
        row = np.zeros(len(names))
        b = 0.0
        for name, coef, value in terms:
            if name in index:
                row[index[name]] += coef
            else:
                b -= coef * value
        if row.any():
            rows_eq.append(row)
            rhs.append(b)
        else:
            assert b == 0

    row_tot, col_tot, grand = x.sum(axis=1), x.sum(axis=0), int(x.sum())
    for i in range(r):
        equation([(("cell", i, j), 1, int(x[i, j])) for j in range(c)] + [(("row", i, -1), -1, int(row_tot[i]))])
    for j in range(c):
        equation([(("cell", i, j), 1, int(x[i, j])) for i in range(r)] + [(("col", -1, j), -1, int(col_tot[j]))])
    equation([(("row", i, -1), 1, int(row_tot[i])) for i in range(r)] + [(("grand", -1, -1), -1, grand)])
    equation([(("col", -1, j), 1, int(col_tot[j])) for j in range(c)] + [(("grand", -1, -1), -1, grand)])
    objective = np.zeros(len(names))
    objective[index[unknown]] = 1
    a_eq = np.array(rows_eq) if rows_eq else None
    b_eq = np.array(rhs) if rhs else None
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0 and high.status in (0, 3), (low.message, high.message)
    return float(low.fun), (float("inf") if high.status == 3 else float(-high.fun))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, thresholds)
def test_no_hidden_primary_cell_can_be_derived_from_the_table(x: np.ndarray, threshold: int) -> None:
    t = suppress(x, threshold)
    small: list[tuple[tuple[str, int, int], int]] = [
        (("cell", int(i), int(j)), int(x[i, j])) for i, j in zip(*np.nonzero(t.primary), strict=True)]
    small += [(("row", int(i), -1), int(x[i].sum())) for i in np.nonzero(t.primary_row_totals)[0]]
    small += [(("col", -1, int(j)), int(x[:, j].sum())) for j in np.nonzero(t.primary_col_totals)[0]]
    if t.primary_grand_total:
        small.append((("grand", -1, -1), int(x.sum())))
    for unknown, value in small:
        low, high = _attacker_range(t, unknown)
        assert low - 1e-9 <= value <= high + 1e-9
        assert high - low >= 1 - 1e-9, f"{unknown} = {value} is pinned down by the published numbers"


def test_a_lonely_small_count_hides_its_totals() -> None:
    t = suppress(np.array([[3, 0], [0, 0]]), threshold=5)
    assert t.published_cells().tolist() == [[None, 0], [0, 0]]
    assert t.published_row_totals() == [None, 0] and t.published_grand_total() is None


def test_small_totals_are_hidden_even_when_their_cells_are_zero_or_hidden() -> None:
    t = suppress(np.array([[2, 2, 0], [30, 40, 50]]), threshold=5)
    assert t.published_row_totals()[0] is None  # 4
    assert all(v is None or v == 0 or v >= 5 for v in t.published_col_totals())


def test_sensitive_threshold_hides_up_to_nine() -> None:
    t = suppress(np.array([[9, 12], [30, 40]]), threshold=SENSITIVE_THRESHOLD)
    assert t.hidden[0, 0] and t.primary.sum() == 1
    assert all(v == 0 or v >= 10 for v in _published_values(t))


def test_a_table_without_small_counts_is_published_whole() -> None:
    t = suppress(np.array([[0, 5], [7, 0]]), threshold=5)
    assert not t.hidden.any() and t.published_grand_total() == 12


@pytest.mark.parametrize("bad", [np.array([1, 2]), np.array([[-1]])])
def test_bad_input_is_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        suppress(bad)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(suppression)
    assert result.failed == 0 and result.attempted > 0
