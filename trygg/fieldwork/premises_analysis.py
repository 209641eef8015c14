"""Violence and disorder near licensed premises around closing time, against the rest of the night.

Pure computation on NumPy arrays: no database, no files. Times are minutes after local midnight;
`local_minutes` turns UTC ``datetime64`` values into Swedish local time (CET/CEST, EU rule).

For each premises the night (20:00–06:00 by default) is split into the *closing window* (from
`before` minutes before to `after` minutes after its closing time) and the *rest of the night*.
Reports within `radius` metres are counted in each part and turned into rates per hour of the
part's length. Under the null hypothesis that reports fall evenly over the night, the number in the
window is binomial with p = window length / night length; `p_value` is the one-sided tail
P(X ≥ observed).

>>> import numpy as np
>>> r = closing_time_analysis(
...     premises_x=np.array([0.0]), premises_y=np.array([0.0]), closing=np.array([60]),
...     report_x=np.array([10.0, 20.0, 30.0, 40.0, 5000.0]), report_y=np.zeros(5),
...     report_minutes=np.array([30, 70, 90, 23 * 60, 70]))
>>> int(r.window_count[0]), int(r.rest_count[0])
(3, 1)
>>> round(float(r.ratio[0]), 2)
7.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom

NIGHT_START = 20 * 60  # 20:00
NIGHT_LENGTH = 10 * 60  # until 06:00
BEFORE = 60  # minutes before closing time in the window
AFTER = 120  # minutes after closing time in the window
RADIUS = 150.0  # metres
DAY = 24 * 60


@dataclass(frozen=True)
class ClosingTimeResult:
    """Per premises: counts and hourly rates in the closing window and in the rest of the night."""

    window_count: NDArray[np.int64]
    rest_count: NDArray[np.int64]
    window_hours: NDArray[np.float64]  # length of the window within the night, hours per night
    rest_hours: NDArray[np.float64]
    window_rate: NDArray[np.float64]  # reports per hour of window (summed over all nights)
    rest_rate: NDArray[np.float64]
    ratio: NDArray[np.float64]  # window_rate / rest_rate (inf when the rest has none, NaN when both 0)
    p_value: NDArray[np.float64]
    radius: float


def _night_minute(minutes: NDArray[np.int64], night_start: int) -> NDArray[np.int64]:
    return np.mod(minutes - night_start, DAY)


def closing_time_analysis(premises_x: ArrayLike, premises_y: ArrayLike, closing: ArrayLike,
                          report_x: ArrayLike, report_y: ArrayLike, report_minutes: ArrayLike, *,
                          radius: float = RADIUS, before: int = BEFORE, after: int = AFTER,
                          night_start: int = NIGHT_START, night_length: int = NIGHT_LENGTH) -> ClosingTimeResult:
    """Compare report rates near each premises in its closing window and the rest of the night.

    Parameters
    ----------
    premises_x, premises_y : SWEREF 99 TM metres of the premises.
    closing : closing time of each premises, minutes after local midnight (e.g. 60 for 01:00).
    report_x, report_y : SWEREF 99 TM metres of the reports (violence, disorder …).
    report_minutes : local time of each report, minutes after midnight.
    """
    px, py = np.asarray(premises_x, float), np.asarray(premises_y, float)
    close = np.asarray(closing, np.int64)
    rx, ry = np.asarray(report_x, float), np.asarray(report_y, float)
    rm = _night_minute(np.asarray(report_minutes, np.int64), night_start)
    if not (len(px) == len(py) == len(close)) or not (len(rx) == len(ry) == len(rm)):
        raise ValueError("premises and report arrays must have matching lengths")
    in_night = rm < night_length
    rx, ry, rm = rx[in_night], ry[in_night], rm[in_night]
    c = _night_minute(close, night_start)
    w0 = np.clip(c - before, 0, night_length)
    w1 = np.clip(c + after, 0, night_length)
    # a closing time outside the night (e.g. 16:00) has an empty window
    w1 = np.where(c - before >= night_length, w0, w1)
    n_p = len(px)
    window_count = np.zeros(n_p, np.int64)
    rest_count = np.zeros(n_p, np.int64)
    r2 = radius * radius
    for i in range(n_p):  # premises are few; reports are many and handled as arrays
        near = (rx - px[i]) ** 2 + (ry - py[i]) ** 2 <= r2
        t = rm[near]
        inside = (t >= w0[i]) & (t < w1[i])
        window_count[i] = int(inside.sum())
        rest_count[i] = int((~inside).sum())
    window_min = (w1 - w0).astype(float)
    rest_min = night_length - window_min
    with np.errstate(divide="ignore", invalid="ignore"):
        window_rate = np.where(window_min > 0, window_count / (window_min / 60), np.nan)
        rest_rate = np.where(rest_min > 0, rest_count / (rest_min / 60), np.nan)
        ratio = window_rate / rest_rate
    total = window_count + rest_count
    p = window_min / night_length
    p_value = np.where(total > 0, binom.sf(window_count - 1, total, p), 1.0).astype(float)
    return ClosingTimeResult(window_count, rest_count, window_min / 60, rest_min / 60, window_rate, rest_rate,
                             ratio, p_value, float(radius))


def _last_sunday_utc_1am(years: NDArray[np.int64], month: int) -> NDArray[np.datetime64]:
    """01:00 UTC on the last Sunday of `month` (when EU summer time starts/ends)."""
    first_next = (years - 1970) * 12 + month  # months since epoch of the next month's first day
    last_day = first_next.astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    weekday = (last_day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    sunday = last_day - ((weekday - 6) % 7).astype("timedelta64[D]")
    return sunday.astype("datetime64[m]") + np.timedelta64(60, "m")


def local_minutes(times_utc: ArrayLike) -> NDArray[np.int64]:
    """Minutes after local midnight in Sweden (UTC+1, UTC+2 in summer time) for UTC datetime64 values.

    >>> local_minutes(np.array(["2024-01-15T23:30", "2024-07-01T22:30"], dtype="datetime64[m]")).tolist()
    [30, 30]
    """
    t = np.asarray(times_utc).astype("datetime64[m]")
    years = t.astype("datetime64[Y]").astype(np.int64) + 1970
    summer = (t >= _last_sunday_utc_1am(years, 3)) & (t < _last_sunday_utc_1am(years, 10))
    local = t + np.where(summer, 120, 60).astype("timedelta64[m]")
    return (local - local.astype("datetime64[D]")).astype(np.int64)


def hhmm_minutes(text: str) -> int:
    """'01:30' → 90."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
