"""The demo's public figures: every month that has closed and settled by the demo's last day is
published, as the schedule would have done on that day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from trygg.publication.months import STOCKHOLM
from trygg.publication.schedule import DEFAULT_SETTLING_DAYS, publish_due_months


def publish_closed_months(session: Session, last_day: date, settling_days: int = DEFAULT_SETTLING_DAYS) -> int:
    """Publish the months due at the end of `last_day` (Stockholm); the number published."""
    now = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
    return len(publish_due_months(session, now, settling_days))
