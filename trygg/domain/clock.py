"""The one clock: every "now" and "today" in Trygg reads it, so that a test or a recorded demo can
pin the calendar and still let the time of day run on.

    >>> from datetime import date
    >>> pin(date(2026, 11, 23))
    >>> today()
    datetime.date(2026, 11, 23)
    >>> now().tzinfo
    datetime.timezone.utc
    >>> pin(None)
    >>> pinned() is None
    True

`pin(day)` shifts the clock by whole days so that local Swedish "today" is `day`; hours, minutes
and durations stay real, so sessions, rate limits and timeouts behave as usual. The setting
``TRYGG_TODAY`` pins it for a server process (`trygg.config`); the test suite pins it in its conftest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Stockholm")

_offset = timedelta(0)
_pinned: date | None = None


def now() -> datetime:
    """The current moment, timezone-aware UTC."""
    return datetime.now(UTC) + _offset


def real_now() -> datetime:
    """The real current moment (UTC), whatever the pin: for marks taken before the clock is pinned."""
    return datetime.now(UTC)


def from_real(moment: datetime) -> datetime:
    """A real moment (`real_now`) on this clock."""
    return moment + _offset


def local_now() -> datetime:
    """The current moment in Swedish local time."""
    return now().astimezone(LOCAL)


def today() -> date:
    """Today's date in Swedish local time."""
    return local_now().date()


def pin(day: date | None) -> None:
    """Run the calendar as if today were `day` (None: the real date again)."""
    global _offset, _pinned
    _pinned = day
    if day is None:
        _offset = timedelta(0)
        return
    real = datetime.now(UTC).astimezone(LOCAL).date()
    _offset = timedelta(days=(day - real).days)


def pinned() -> date | None:
    """The pinned date, or None when the clock runs on the real date."""
    return _pinned
