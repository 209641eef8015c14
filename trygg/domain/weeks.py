"""Swedish local time and local (ISO) weeks of UTC instants, one at a time or as NumPy arrays.

A report belongs to the week (Monday to Sunday, Europe/Stockholm) in which it happened locally:
the lägesbild's weekly series and the weekly counts table (`trygg.storage.weekly_counts`) both
bucket by `local_week_start`/`local_week_starts`, so they always agree. NumPy is imported by the
array functions only (opening a database must not import it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

TIMEZONE = ZoneInfo("Europe/Stockholm")
_MONDAY_EPOCH = "1970-01-05"  # a Monday


@lru_cache(maxsize=64)
def dst_bounds(year: int) -> tuple[Any, Any]:
    """UTC instants (datetime64[s]) when summer time starts and ends in `year` (EU rule: last Sundays,
    01:00 UTC)."""
    import numpy as np

    def last_sunday(month: int) -> date:
        d = date(year, month, 31)
        return d - timedelta(days=(d.weekday() + 1) % 7)

    start = datetime.combine(last_sunday(3), time(1))
    end = datetime.combine(last_sunday(10), time(1))
    return np.datetime64(start, "s"), np.datetime64(end, "s")


def to_local(times_utc: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    """Naive UTC datetime64 → naive Swedish local datetime64 (CET/CEST)."""
    import numpy as np

    t = np.asarray(times_utc, dtype="datetime64[s]")
    if t.size == 0:
        return t
    years = t.astype("datetime64[Y]").astype(np.int64) + 1970
    offset = np.full(t.shape, 3600, dtype=np.int64)
    for year in np.unique(years).tolist():
        lo, hi = dst_bounds(int(year))
        offset[(years == year) & (t >= lo) & (t < hi)] = 7200
    return t + offset.astype("timedelta64[s]")


def week_of_local(local: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    """The Monday (datetime64[D]) of each naive local time's week."""
    import numpy as np

    epoch = np.datetime64(_MONDAY_EPOCH, "D")
    days = np.asarray(local).astype("datetime64[D]")
    return epoch + ((days - epoch).astype(np.int64) // 7) * 7


def local_week_starts(times_utc: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    """The local Monday (datetime64[D]) of the week of each naive UTC time."""
    return week_of_local(to_local(times_utc))


def local_week_start(moment: datetime) -> date:
    """The local Monday of the week of `moment` (aware; a naive one is taken as UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    day = aware.astimezone(TIMEZONE).date()
    return day - timedelta(days=day.weekday())
