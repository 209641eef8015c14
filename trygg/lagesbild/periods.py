"""Periods of the lägesbild in local (Swedish) time, and UTC ↔ local conversion of time arrays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from trygg.domain.weeks import TIMEZONE, to_local

__all__ = ["HISTORY", "TIMEZONE", "YEAR_LAG", "Period", "last_complete_week", "local64", "local_midnight",
           "resolve_period", "to_local"]

#: "The same period last year" is 52 weeks earlier, so weekdays line up.
YEAR_LAG = timedelta(weeks=52)
#: How much history is loaded for baselines (trend alarms need up to 156 weeks + 2).
HISTORY = timedelta(weeks=160)


@dataclass(frozen=True)
class Period:
    """A half-open period [start, end) as aware UTC datetimes."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def days(self) -> int:
        return max(1, round(self.length / timedelta(days=1)))

    def previous(self) -> Period:
        return Period(self.start - self.length, self.start)

    def last_year(self) -> Period:
        return Period(self.start - YEAR_LAG, self.end - YEAR_LAG)

    @property
    def first_day(self) -> date:
        return self.start.astimezone(TIMEZONE).date()

    @property
    def last_day(self) -> date:
        """The last local day inside the period."""
        return (self.end - timedelta(seconds=1)).astimezone(TIMEZONE).date()


def local_midnight(day: date) -> datetime:
    """Midnight of a local day, as an aware UTC datetime."""
    return datetime.combine(day, time(0), TIMEZONE).astimezone(UTC)


def last_complete_week(today: date) -> Period:
    """Monday to Monday of the last ISO week that ended before `today`."""
    this_monday = today - timedelta(days=today.weekday())
    return Period(local_midnight(this_monday - timedelta(days=7)), local_midnight(this_monday))


def resolve_period(start: datetime | None, end: datetime | None, today: date) -> Period:
    """The period a filter asks for; by default the last complete week."""
    if start is None and end is None:
        return last_complete_week(today)
    if end is None:
        end = local_midnight(today + timedelta(days=1))
    if start is None:
        start = end - timedelta(days=7)
    return Period(start.astimezone(UTC), end.astimezone(UTC))


def local64(moment: datetime) -> np.datetime64:
    """An aware datetime as naive local datetime64[s]."""
    return np.datetime64(moment.astimezone(TIMEZONE).replace(tzinfo=None), "s")
