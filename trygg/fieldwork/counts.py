"""Field work counted towards a plan activity's indicators (for the plans' follow-up).

>>> fieldwork_counts(session, activity_id=5, start=datetime(2022, 1, 1, tzinfo=UTC),
...                  end=datetime(2023, 1, 1, tzinfo=UTC))          # doctest: +SKIP
{'walks': 3, 'walk_observations': 41, ..., 'inspections': 11, 'meetings_held': 2, ...}
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trygg.storage import fieldwork as store

COUNT_KEYS = ("walks", "walk_observations", "walk_observations_resolved", "night_shifts", "night_walker_shifts",
              "inspections", "joint_inspections", "meetings_held", "meeting_attendance", "watch_areas",
              "watch_households", "certified_gyms")


def fieldwork_counts(session: Session, activity_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Field work linked to `activity_id` in [start, end): completed walks and their findings (all and
    resolved), night-walker shifts and walker-shifts, inspections (all and joint), meetings held and
    their attendance, neighbourhood-watch areas active (and households) and gyms certified during the
    period. Every key of `COUNT_KEYS` is present (0 when nothing is linked)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    return store.activity_counts(session, activity_id, start, end)
