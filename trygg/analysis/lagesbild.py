"""The weekly lägesbild: the whole picture for one week, from arrays.

One call computes what the weekly situation report shows: counts by area x
category for the week with the previous week and the same week last year,
rates per 1,000 inhabitants, the split by area type, trend alarms for every
area x category series, hot spots and density of the recent weeks, repeat
locations and the hour-of-week profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trygg.analysis.aggregate import (
    AreaTypeSplit,
    PeriodComparison,
    compare_periods,
    count_cube,
    hour_of_week,
    period_index,
    period_starts,
    rates_per_1000,
    split_by_area_type,
)
from trygg.analysis.getis_ord import GiStar, gi_star
from trygg.analysis.grid import Grid, grid_counts, grid_for_points
from trygg.analysis.kde import KernelDensity, kernel_density
from trygg.analysis.repeat_locations import RepeatLocations, repeat_locations
from trygg.analysis.trends import TrendAlarms, trend_alarms

__all__ = ["WeeklyPicture", "weekly_picture"]

#: Cell size of the hot-spot grid in metres.
CELL_SIZE = 250.0
#: Weeks of reports behind the hot spots, repeat locations and hour profile.
RECENT_WEEKS = 4


@dataclass(frozen=True)
class WeeklyPicture:
    """Everything the weekly lägesbild shows.

    Attributes
    ----------
    week_start : numpy.datetime64
        Monday of the week.
    comparison : PeriodComparison
        Counts (areas x categories) for the week, the week before and the same
        week last year.
    rates : ndarray or None
        Reports per 1,000 inhabitants this week (areas x categories).
    area_types : AreaTypeSplit or None
    alarms : TrendAlarms
        For the week, every area x category series (row ``a * n_categories + c``).
    grid : Grid
    hotspots : GiStar
    density : KernelDensity
    repeats : RepeatLocations
    hour_profile : ndarray, shape (7, 24)
    """

    week_start: np.datetime64
    comparison: PeriodComparison
    rates: NDArray[np.float64] | None
    area_types: AreaTypeSplit | None
    alarms: TrendAlarms
    grid: Grid
    hotspots: GiStar
    density: KernelDensity
    repeats: RepeatLocations
    hour_profile: NDArray[np.float64]


def weekly_picture(
    x: ArrayLike,
    y: ArrayLike,
    times: ArrayLike,
    area: ArrayLike,
    category: ArrayLike,
    *,
    week: ArrayLike | None = None,
    n_areas: int | None = None,
    n_categories: int | None = None,
    population: ArrayLike | None = None,
    area_type: ArrayLike | None = None,
    cell_size: float = CELL_SIZE,
    recent_weeks: int = RECENT_WEEKS,
) -> WeeklyPicture:
    """Compute the weekly picture for the week holding ``week`` (default: the latest).

    Parameters
    ----------
    x, y : array_like
        Projected coordinates of the reports in metres.
    times : array_like of datetime64
    area, category : array_like of int
        Codes ``0 .. n-1``.
    week : datetime64, optional
        Any day of the week to report on.
    population, area_type : array_like, optional
        Per area; types 1–5.
    cell_size : float
    recent_weeks : int

    Raises
    ------
    ValueError
        With no report (up to ``week``): there is no picture to make.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 2000
    >>> t = np.datetime64("2022-01-03") + rng.integers(0, 3 * 364, n).astype("timedelta64[D]")
    >>> pic = weekly_picture(rng.normal(0, 500, n), rng.normal(0, 500, n), t,
    ...                      rng.integers(0, 3, n), rng.integers(0, 2, n))
    >>> pic.comparison.current.shape, pic.alarms.alarm.shape, pic.hotspots.inference
    ((3, 2), (6, 1), 'exact')
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    t = np.asarray(times).astype("datetime64[s]")
    if t.size == 0:
        raise ValueError("there are no reports to make a weekly picture of; it needs one or more.")
    wk = period_index(t, "week")
    last = (
        int(period_index(np.atleast_1d(np.asarray(week).astype("datetime64[D]")), "week")[0])
        if (week is not None)
        else int(wk.max())
    )
    upto = wk <= last
    if not upto.any():
        raise ValueError(f"there are no reports up to the week of {week!s}; choose a later week.")
    cube = count_cube(
        np.asarray(area)[upto],
        np.asarray(category)[upto],
        t[upto],
        period="week",
        n_areas=n_areas,
        n_categories=n_categories,
        last=period_starts(np.array([last]), "week")[0],
    )
    comparison = compare_periods(cube, -1)
    rates = rates_per_1000(comparison.current, population) if population is not None else None
    split = split_by_area_type(comparison.current, area_type, population) if area_type is not None else None
    na, nc, nw = cube.counts.shape
    alarms = trend_alarms(cube.counts.reshape(na * nc, nw), cube.starts, n_weeks=1)
    recent = upto & (wk > last - recent_weeks)
    rx, ry = (xa[recent], ya[recent]) if recent.any() else (xa[upto], ya[upto])
    grid = grid_for_points(rx, ry, cell_size)
    counts = grid_counts(rx, ry, grid)
    hot = gi_star(counts) if counts.size >= 2 else gi_star(np.zeros((1, 2)))
    density = kernel_density(rx, ry, grid, kernel="gaussian", bandwidth=2 * cell_size)
    return WeeklyPicture(
        week_start=cube.starts[-1],
        comparison=comparison,
        rates=rates,
        area_types=split,
        alarms=alarms,
        grid=grid,
        hotspots=hot,
        density=density,
        repeats=repeat_locations(rx, ry),
        hour_profile=hour_of_week(t[recent]),
    )
