"""Swedish public holidays for any year, and the Kontaktcenter's opening hours around them.

Holidays are computed, never listed per year: Easter by the Gregorian computus (Meeus/Jones/Butcher),
Midsummer as the Saturday between 20 and 26 June, All Saints' Day as the Saturday between
31 October and 6 November. Midsummer Eve, Christmas Eve and New Year's Eve are not public holidays
by law but are treated as such (the Kontaktcenter is closed).

>>> from datetime import date
>>> holidays(2024)[date(2024, 3, 29)]
'Långfredagen'
>>> holidays(2025)[date(2025, 6, 20)]
'Midsommarafton'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(start: date) -> date:
    """The first Saturday on or after `start` (within the following 7 days)."""
    return start + timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[date, str]:
    """{date: Swedish name} of the public holidays (and the eves treated as such) in `year`."""
    easter = easter_sunday(year)
    midsummer = _saturday_between(date(year, 6, 20))
    all_saints = _saturday_between(date(year, 10, 31))
    days = {
        date(year, 1, 1): "Nyårsdagen",
        date(year, 1, 6): "Trettondedag jul",
        easter - timedelta(days=2): "Långfredagen",
        easter: "Påskdagen",
        easter + timedelta(days=1): "Annandag påsk",
        date(year, 5, 1): "Första maj",
        easter + timedelta(days=39): "Kristi himmelsfärdsdag",
        easter + timedelta(days=49): "Pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        midsummer - timedelta(days=1): "Midsommarafton",
        midsummer: "Midsommardagen",
        all_saints: "Alla helgons dag",
        date(year, 12, 24): "Julafton",
        date(year, 12, 25): "Juldagen",
        date(year, 12, 26): "Annandag jul",
        date(year, 12, 31): "Nyårsafton",
    }
    return dict(sorted(days.items()))


def holiday_name(day: date) -> str | None:
    return holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a public holiday (or an eve treated as one)."""
    return day.weekday() < 5 and holiday_name(day) is None


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours Monday–Friday, closed on weekends and Swedish public holidays."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """From ``"HH:MM-HH:MM"`` (the setting TRYGG_KONTAKTCENTER_HOURS)."""
        start, _, end = text.partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(STOCKHOLM) if when.tzinfo else when.replace(tzinfo=STOCKHOLM)
        return is_working_day(local.date()) and self.opens <= local.time().replace(tzinfo=None) < self.closes

    def next_opening(self, when: datetime) -> datetime:
        """When the Kontaktcenter opens next (Europe/Stockholm); `when` itself if open now."""
        local = when.astimezone(STOCKHOLM) if when.tzinfo else when.replace(tzinfo=STOCKHOLM)
        if self.is_open(local):
            return local
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.opens:
            day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, STOCKHOLM)

    def closed_days_ahead(self, start: date, days: int = 30) -> list[tuple[date, str]]:
        """Holidays falling on a weekday within `days` of `start` (to show residents)."""
        out = []
        for n in range(days):
            d = start + timedelta(days=n)
            name = holiday_name(d)
            if name and d.weekday() < 5:
                out.append((d, name))
        return out


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` <= `start`).

    >>> working_days_between(date(2024, 12, 20), date(2024, 12, 27))  # Christmas Eve to Boxing Day closed
    2
    """
    if end <= start:
        return 0
    closed = [d for year in range(start.year, end.year + 1) for d in holidays(year)]
    return int(np.busday_count(start + timedelta(days=1), end + timedelta(days=1), holidays=closed))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`.

    >>> add_working_days(date(2025, 6, 18), 2)  # Midsummer Eve, a Friday, is closed
    datetime.date(2025, 6, 23)
    """
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def subtract_working_days(start: date, days: int) -> date:
    """The date `days` working days before `start`.

    >>> subtract_working_days(date(2025, 6, 23), 2)  # back over the Midsummer weekend
    datetime.date(2025, 6, 18)
    """
    day = start
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
