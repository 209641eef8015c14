"""An organisation's own reports are listed newest first by when they happened."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import World
from trygg.domain import clock
from trygg.storage import intake
from trygg.storage.database import Database
from trygg.storage.reports import insert_report


def test_own_reports_are_in_date_order_not_entry_order(database: Database, world: World) -> None:
    with database.session() as s:
        for days in (30, 2, 90, 10):  # entered in a different order than they happened
            insert_report(s, category="littering", description=f"Skräp {days}", lon=12.29, lat=58.28,
                          x=330000.0, y=6465000.0, precision="exact", area_id=world.area_ids["T001"],
                          occurred_from=clock.now() - timedelta(days=days), insecurity=2,
                          organisation_id=world.org_ids["bostad"], reporter_id=world.user_ids["rapportor"],
                          source="est", status="received")
        s.commit()
        rows = intake.reports_of_organisation(s, world.org_ids["bostad"])
    when = [r.occurred_from for r in rows]
    assert len(when) >= 4 and when == sorted(when, reverse=True)
