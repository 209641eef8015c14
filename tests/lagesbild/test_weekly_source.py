"""The lägesbild from the weekly counts table is the lägesbild from every report, to the last number.

`build_lagesbild` reads the weekly series from ``report_week_counts`` and loads points only for the
period's own windows (and the cut weeks at the ends of its history); `compute` on every report of
the history is how it was computed before. Compared on the demo (50,000 reports) and on the test
municipality (both backends), for the default week, periods that start mid-week and cross summer
time, several weeks, and filters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.lagesbild.conftest import TODAY
from tests.lagesbild.seed import History
from trygg.domain.geo import to_sweref
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.periods import HISTORY, local_midnight, resolve_period
from trygg.lagesbild.service import build_lagesbild, compute, plan_weeks
from trygg.storage.categories import taxonomy
from trygg.storage.database import Database
from trygg.storage.lagesbild import area_profiles
from trygg.storage.plans import list_places
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import Area

DEMO_TODAY = date(2026, 11, 23)


def _from_every_report(s, flt: ReportFilter, today: date) -> Lagesbild:  # type: ignore[no-untyped-def]
    period = resolve_period(flt.start, flt.end, today)
    arrays = report_arrays(s, replace(flt, start=period.start - HISTORY, end=period.end))
    places = tuple((p.name, *to_sweref(p.lon, p.lat)) for p in list_places(s) if p.kind == "place")
    return compute(arrays, area_profiles(s), period, category_codes=taxonomy(s).counted, places=places)


def _same(a: Lagesbild, b: Lagesbild) -> None:
    a = replace(a, computed_at=b.computed_at, seconds=0.0, data_version=b.data_version)
    b = replace(b, seconds=0.0)
    for name in ("total", "previous_total", "last_year_total", "categories", "areas", "outside_areas", "weeks",
                 "alarms", "hour_of_week", "area_types", "hot_cells", "mapped_points", "summary"):
        assert getattr(a, name) == getattr(b, name), name
    assert a == b


def _filters(s) -> list[ReportFilter]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    regso = [int(i) for i in s.scalars(select(Area.id).where(Area.level == "regso").order_by(Area.id))]
    mid_week_dst = (datetime(2026, 3, 25, 10, tzinfo=UTC), datetime(2026, 4, 2, 7, tzinfo=UTC))
    return [
        ReportFilter(),
        ReportFilter(start=local_midnight(date(2026, 10, 5)), end=local_midnight(date(2026, 11, 2))),  # 4 weeks
        ReportFilter(start=mid_week_dst[0], end=mid_week_dst[1]),  # mid-week, across summer time
        ReportFilter(start=local_midnight(date(2026, 6, 1)), end=local_midnight(date(2026, 6, 29))),  # summer
        ReportFilter(categories=("vandalism", "violence"), area_ids=tuple(regso[:3])),
        ReportFilter(exclude_categories=("sexual_harassment", "youth"), sources=("est",)),
        ReportFilter(area_types=(1, 2)),
    ]


def test_the_demo_picture_is_the_same_from_the_table(demo_db_file: Path) -> None:
    db = Database(str(demo_db_file))
    try:
        with db.session() as s:
            for flt in _filters(s):
                _same(build_lagesbild(s, flt, today=DEMO_TODAY, use_cache=False),
                      _from_every_report(s, flt, DEMO_TODAY))
    finally:
        db.dispose()


def test_the_seeded_picture_is_the_same_from_the_table(database: Database, history: History) -> None:
    with database.session() as s:
        for flt in (ReportFilter(), ReportFilter(categories=("vandalism",)),
                    ReportFilter(start=datetime(2025, 2, 26, 15, tzinfo=UTC), end=datetime(2025, 3, 11, tzinfo=UTC))):
            new = build_lagesbild(s, flt, today=TODAY, use_cache=False)
            _same(new, _from_every_report(s, flt, TODAY))
        assert new.alarms or new.total  # a picture with content, not an empty one


@pytest.mark.parametrize(("start", "end", "cut"), [
    (local_midnight(date(2026, 2, 2)), local_midnight(date(2026, 2, 9)), (False, False)),  # winter, 160 weeks back
    (local_midnight(date(2026, 6, 1)), local_midnight(date(2026, 6, 8)), (False, False)),  # summer, 160 weeks back
    # Monday 00:00 CET minus 160 weeks is Monday 01:00 CEST: the history starts with a cut week
    (local_midnight(date(2026, 11, 16)), local_midnight(date(2026, 11, 23)), (True, False)),
    (datetime(2026, 3, 25, 10, tzinfo=UTC), datetime(2026, 4, 2, 7, tzinfo=UTC), (True, True)),
])
def test_the_plan_takes_whole_weeks_from_the_table_and_cut_ones_from_points(start: datetime, end: datetime,
                                                                           cut: tuple[bool, bool]) -> None:
    plan = plan_weeks(resolve_period(start, end, DEMO_TODAY))
    assert plan.first_full.weekday() == 0 and plan.last_full.weekday() == 0
    assert len(plan.point_windows) == 3 + sum(cut)
    assert local_midnight(plan.first_full) >= start - HISTORY
    assert (local_midnight(plan.first_full) > start - HISTORY) == cut[0]
