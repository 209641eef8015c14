"""One month's table (RegSO areas × one month with its total) and what a revision keeps hidden.

A revision passes what the version before hid as ``also_hide``; those numbers must stay hidden
and, like small ones, must not be derivable from what the revision publishes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from trygg.analysis.suppression import SENSITIVE_THRESHOLD, suppress

columns = st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 40)), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n + 1, max_size=n + 1)))


def _range(values: list[int], hidden: list[bool], total_hidden: bool, kinds: list[str], target: int,
           threshold: int) -> tuple[float, float]:
    """The attacker's range for cell `target` of a column: hidden cells add up to the total."""
    n = len(values)
    unknown = [i for i in range(n) if hidden[i]] + ([n] if total_hidden else [])
    pos = {k: i for i, k in enumerate(unknown)}
    a = np.zeros((1, len(unknown)))
    b = -sum(v for v, h in zip(values, hidden, strict=True) if not h)
    for i in range(n):
        if hidden[i]:
            a[0, pos[i]] = 1
    if total_hidden:
        a[0, pos[n]] = -1
    else:
        b += sum(values)
    bounds: list[tuple[float, float | None]] = []
    for k in unknown:
        kind = "total" if k == n else kinds[k]
        bounds.append((1, threshold - 1) if kind == "small" else (threshold, None) if kind == "large" else (1, None))
    objective = np.zeros(len(unknown))
    objective[pos[target]] = 1
    low = linprog(objective, A_eq=a, b_eq=[b], bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a, b_eq=[b], bounds=bounds, method="highs")
    assert low.status == 0, low.message
    return float(low.fun), (float("inf") if high.status == 3 else float(-high.fun))


@settings(max_examples=300, deadline=None)
@given(columns, st.sampled_from([5, SENSITIVE_THRESHOLD]))
def test_what_a_revision_keeps_hidden_stays_hidden_and_cannot_be_derived(
        column: tuple[list[int], list[bool]], threshold: int) -> None:
    values, was_hidden = column
    n = len(values)
    keep = np.zeros((n + 1, 2), dtype=bool)
    keep[:, 0] = keep[:, 1] = was_hidden
    t = suppress(np.array(values, dtype=np.int64).reshape(n, 1), threshold, also_hide=keep)
    hidden = [bool(h) for h in t.hidden[:, 0]]
    total_hidden = bool(t.col_total_hidden[0])
    for i, v in enumerate(values):
        if v > 0 and was_hidden[i]:
            assert hidden[i], f"cell {i} was hidden before and must stay hidden"
        assert not (v == 0 and hidden[i]), "zeros are never hidden"
        if not hidden[i]:
            assert v == 0 or v >= threshold
    if sum(values) > 0 and was_hidden[n]:
        assert total_hidden
    # kinds as an attacker who knows the rules may tell: kept ones only >= 1
    kinds = ["kept" if was_hidden[i] else "small" if 0 < v < threshold else "large" for i, v in enumerate(values)]
    for i in range(n):
        if hidden[i] and kinds[i] in ("kept", "small"):
            low, high = _range(values, hidden, total_hidden, kinds, i, threshold)
            assert high - low >= 1, (values, was_hidden, i, low, high)
