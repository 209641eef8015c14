"""Named time spans a reporter can pick instead of an exact time, e.g. "Friday night".

EST reporters often know only roughly when something happened ("sometime Friday night"). A span
is stored as ``occurred_from``/``occurred_to``. Spans are computed in Europe/Stockholm local time
relative to a reference moment (normally now) and always lie in the past.

>>> from datetime import datetime
>>> ref = datetime(2024, 5, 6, 9, 0, tzinfo=STOCKHOLM)  # a Monday morning
>>> start, end = span("friday_night", ref)
>>> start.isoformat(), end.isoformat()
('2024-05-03T22:00:00+02:00', '2024-05-04T06:00:00+02:00')
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# code: English label (msgid) for the form
SPANS: dict[str, str] = {
    "last_night": "Last night (22–06)",
    "this_morning": "This morning (06–12)",
    "this_afternoon": "This afternoon (12–18)",
    "this_evening": "This evening (18–22)",
    **{f"{d}_night": f"{d.capitalize()} night (22–06)" for d in WEEKDAYS},
    **{f"{d}_day": f"{d.capitalize()} (whole day)" for d in WEEKDAYS},
    "last_week": "During the last 7 days",
}


def _local(ref: datetime) -> datetime:
    return ref.astimezone(STOCKHOLM) if ref.tzinfo else ref.replace(tzinfo=STOCKHOLM)


def _at(day: datetime, hour: int) -> datetime:
    return datetime.combine(day.date(), time(hour), STOCKHOLM)


def span(code: str, ref: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the named span most recently started before `ref`; KeyError if unknown."""
    if code not in SPANS:
        raise KeyError(f"unknown time span {code!r}; known: {', '.join(SPANS)}")
    now = _local(ref)
    if code == "last_week":
        return now - timedelta(days=7), now
    if code == "last_night":
        start = _at(now - timedelta(days=1), 22)
        return start, start + timedelta(hours=8)
    parts = {"this_morning": (6, 6), "this_afternoon": (12, 6), "this_evening": (18, 4)}
    if code in parts:
        hour, length = parts[code]
        start = _at(now, hour)
        if start > now:
            start -= timedelta(days=1)
        return start, start + timedelta(hours=length)
    day_name, _, kind = code.partition("_")
    target = WEEKDAYS.index(day_name)
    back = (now.weekday() - target) % 7
    day = now - timedelta(days=back)
    start = _at(day, 22) if kind == "night" else _at(day, 0)
    if start > now:
        start -= timedelta(days=7)
    return start, start + (timedelta(hours=8) if kind == "night" else timedelta(days=1))
