"""Writing reports into the test world for the publication tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import AREA_BOXES, World
from trygg.domain.geo import to_sweref
from trygg.publication.months import STOCKHOLM, month_start, next_month
from trygg.storage.database import Database
from trygg.storage.reports import insert_report


def centre(area: str) -> tuple[float, float]:
    box = AREA_BOXES[area][2]
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def add_reports(db: Database, world: World, category: str, area: str, year: int, month: int, n: int, *,
                source: str = "est", status: str = "received", created_at: datetime | None = None) -> None:
    """`n` reports of `category` in `area` during the month (days 1…), created at `created_at`
    (default: an hour after each happened)."""
    lon, lat = centre(area)
    x, y = to_sweref(lon, lat)
    with db.session() as s:
        for k in range(n):
            when = datetime(year, month, 1 + k % 27, 12, tzinfo=STOCKHOLM).astimezone(UTC)
            extra = {"created_at": created_at or when + timedelta(hours=1)}
            insert_report(s, category=category, description=f"Hemlig text {k}", lon=lon, lat=lat, x=x, y=y,
                          precision="exact", area_id=world.area_ids[area], source=source, status=status,
                          occurred_from=when, organisation_id=None if source == "resident" else world.org_ids["bostad"],
                          **extra)


def due_at(year: int, month: int, settling_days: int = 14) -> datetime:
    """The first instant at which the month is due for publication."""
    return month_start(*next_month(year, month)) + timedelta(days=settling_days)


def latest_due_month(now: datetime, settling_days: int = 14) -> tuple[int, int]:
    """The most recent month that is due at `now`."""
    local = (now - timedelta(days=settling_days)).astimezone(STOCKHOLM)
    year, month = local.year, local.month
    return (year - 1, 12) if month == 1 else (year, month - 1)
