"""Counts of reports by area x category x period, hour of week and rates.

Areas and categories are integer codes ``0 .. n-1``; times are
``datetime64``. Periods start on a Monday (ISO week), the first of a month,
of a quarter (January, April, July, October) or of a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CountCube",
    "PeriodComparison",
    "AreaTypeSplit",
    "compare_periods",
    "count_cube",
    "hour_of_week",
    "period_index",
    "period_starts",
    "rates_per_1000",
    "split_by_area_type",
]

Period = Literal["week", "month", "quarter", "year"]
PERIODS_PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "year": 1}
_MONDAY_EPOCH = np.datetime64("1970-01-05")  # a Monday


@dataclass(frozen=True)
class CountCube:
    """Counts with shape ``(n_areas, n_categories, n_periods)``.

    Attributes
    ----------
    counts : ndarray of int64
    starts : ndarray of datetime64[D]
        First day of each period; consecutive, empty periods included.
    period : str
    """

    counts: NDArray[np.int64]
    starts: NDArray[np.datetime64]
    period: str


@dataclass(frozen=True)
class PeriodComparison:
    """One period compared with the previous one and the same one a year before.

    Arrays have shape ``(n_areas, n_categories)``; ``previous`` and
    ``last_year`` are NaN when that period is outside the data.
    """

    start: np.datetime64
    current: NDArray[np.float64]
    previous: NDArray[np.float64]
    last_year: NDArray[np.float64]
    change_previous: NDArray[np.float64]
    change_last_year: NDArray[np.float64]


@dataclass(frozen=True)
class AreaTypeSplit:
    """Totals for areas of type 1–2 and of type 4–5 (type 3 is in neither).

    Attributes
    ----------
    low, high : ndarray
        Sums over areas of type 1–2 and 4–5 (any trailing shape of the input).
    low_population, high_population : float
        Their populations (NaN if not given).
    """

    low: NDArray[np.float64]
    high: NDArray[np.float64]
    low_population: float
    high_population: float


def period_index(times: ArrayLike, period: Period) -> NDArray[np.int64]:
    """Integer index of the period holding each time (consecutive across periods).

    Examples
    --------
    >>> t = np.array(["2024-01-01", "2024-01-07", "2024-01-08"], dtype="datetime64[D]")
    >>> (period_index(t, "week") - period_index(t, "week")[0]).tolist()
    [0, 0, 1]
    """
    d = np.asarray(times).astype("datetime64[D]")
    if period == "week":
        return ((d - _MONDAY_EPOCH).astype(np.int64)) // 7
    months = d.astype("datetime64[M]").astype(np.int64)
    if period == "month":
        return months
    if period == "quarter":
        return months // 3
    if period == "year":
        return months // 12
    raise ValueError(f"period must be week, month, quarter or year, got {period!r}.")


def period_starts(index: ArrayLike, period: Period) -> NDArray[np.datetime64]:
    """First day of each period index (inverse of :func:`period_index`)."""
    i = np.asarray(index, dtype=np.int64)
    if period == "week":
        return _MONDAY_EPOCH + 7 * i
    months = {"month": 1, "quarter": 3, "year": 12}[period] * i
    return months.astype("datetime64[M]").astype("datetime64[D]")


def count_cube(
    area: ArrayLike,
    category: ArrayLike,
    times: ArrayLike,
    *,
    period: Period = "week",
    n_areas: int | None = None,
    n_categories: int | None = None,
    first: ArrayLike | None = None,
    last: ArrayLike | None = None,
) -> CountCube:
    """Counts by area x category x period.

    Parameters
    ----------
    area, category : array_like of int
        Codes ``0 .. n-1``.
    times : array_like of datetime64
    period : {"week", "month", "quarter", "year"}
    n_areas, n_categories : int, optional
        Default: largest code + 1.
    first, last : datetime64, optional
        Widen (or cut) the periods to this range.

    Examples
    --------
    >>> t = np.array(["2024-01-01", "2024-01-02", "2024-01-20"], dtype="datetime64[D]")
    >>> c = count_cube([0, 1, 0], [0, 0, 0], t)
    >>> c.counts[:, 0, :].tolist(), str(c.starts[0])
    ([[1, 0, 1], [1, 0, 0]], '2024-01-01')
    """
    a = np.asarray(area, dtype=np.int64)
    c = np.asarray(category, dtype=np.int64)
    pi = period_index(times, period)
    if not (a.size == c.size == pi.size):
        raise ValueError("area, category and times must have the same length.")
    na = int(a.max()) + 1 if n_areas is None else n_areas
    nc = int(c.max()) + 1 if n_categories is None else n_categories
    lo = int(pi.min()) if first is None else int(period_index(np.atleast_1d(first), period)[0])
    hi = int(pi.max()) if last is None else int(period_index(np.atleast_1d(last), period)[0])
    n_p = max(hi - lo + 1, 0)
    keep = (pi >= lo) & (pi <= hi) & (a >= 0) & (a < na) & (c >= 0) & (c < nc)
    flat = (a[keep] * nc + c[keep]) * n_p + (pi[keep] - lo)
    counts = np.bincount(flat, minlength=na * nc * n_p).reshape(na, nc, n_p).astype(np.int64)
    return CountCube(counts=counts, starts=period_starts(np.arange(lo, hi + 1), period), period=period)


def hour_of_week(times: ArrayLike, weights: ArrayLike | None = None) -> NDArray[np.float64]:
    """Counts by weekday (rows, Monday first) and hour (columns): shape (7, 24).

    Examples
    --------
    >>> t = np.array(["2024-01-01T08:30", "2024-01-07T23:59"], dtype="datetime64[m]")
    >>> h = hour_of_week(t); (h[0, 8], h[6, 23], h.sum())
    (np.float64(1.0), np.float64(1.0), np.float64(2.0))
    """
    hours = (np.asarray(times).astype("datetime64[h]") - _MONDAY_EPOCH.astype("datetime64[h]")).astype(np.int64)
    how = hours % (7 * 24)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    return np.bincount(how, w, minlength=7 * 24).reshape(7, 24).astype(np.float64)


def rates_per_1000(counts: ArrayLike, population: ArrayLike) -> NDArray[np.float64]:
    """Counts per 1,000 inhabitants; ``population`` broadcasts along the first axis.

    Areas without inhabitants get NaN.

    Examples
    --------
    >>> rates_per_1000([[5, 10], [0, 1]], [2500, 0]).tolist()
    [[2.0, 4.0], [nan, nan]]
    """
    c = np.asarray(counts, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape((-1,) + (1,) * (c.ndim - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pop > 0, 1000.0 * c / pop, np.nan)


def compare_periods(cube: CountCube, index: int = -1) -> PeriodComparison:
    """Compare period ``index`` with the one before and the same one last year.

    Changes are relative, ``current / other - 1`` (NaN when the other is 0).
    For weeks "last year" is 52 weeks earlier (same weekday structure).
    """
    n_p = cube.counts.shape[2]
    k = index % n_p
    cur = cube.counts[:, :, k].astype(np.float64)
    nan = np.full(cur.shape, np.nan)
    prev = cube.counts[:, :, k - 1].astype(np.float64) if k >= 1 else nan
    lag = PERIODS_PER_YEAR[cube.period]
    ly = cube.counts[:, :, k - lag].astype(np.float64) if k >= lag else nan
    with np.errstate(divide="ignore", invalid="ignore"):
        cp = np.where(prev > 0, cur / prev - 1.0, np.nan)
        cl = np.where(ly > 0, cur / ly - 1.0, np.nan)
    return PeriodComparison(cube.starts[k], cur, prev, ly, cp, cl)


def split_by_area_type(values: ArrayLike, area_type: ArrayLike, population: ArrayLike | None = None) -> AreaTypeSplit:
    """Sum ``values`` (first axis = area) over area types 1–2 and 4–5.

    Examples
    --------
    >>> s = split_by_area_type([10, 20, 30, 40], [1, 2, 3, 5], [100, 100, 100, 200])
    >>> s.low.tolist(), s.high.tolist(), s.low_population
    (30.0, 40.0, 200.0)
    """
    v = np.asarray(values, dtype=np.float64)
    t = np.asarray(area_type)
    low = np.isin(t, (1, 2))
    high = np.isin(t, (4, 5))
    pop = None if population is None else np.asarray(population, dtype=np.float64)
    return AreaTypeSplit(
        low=v[low].sum(axis=0),
        high=v[high].sum(axis=0),
        low_population=float(pop[low].sum()) if pop is not None else float("nan"),
        high_population=float(pop[high].sum()) if pop is not None else float("nan"),
    )
