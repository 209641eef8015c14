"""Report storage: filters, paging, arrays for analysis, spatial selection on both backends."""

from __future__ import annotations

import numpy as np
import shapely

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.reports import (
    ReportFilter,
    count_reports,
    list_reports,
    report_arrays,
    reports_within,
)


def test_filters_by_area_type_and_category(database: Database, world: World) -> None:
    with database.session() as s:
        assert count_reports(s, ReportFilter()) == 6
        assert count_reports(s, ReportFilter(area_types=(1, 2))) == 3
        assert count_reports(s, ReportFilter(categories=("vandalism", "littering"))) == 2
        page = list_reports(s, ReportFilter(), limit=2, offset=1)
        assert len(page) == 2


def test_report_arrays_have_one_row_per_report(database: Database, world: World) -> None:
    with database.session() as s:
        arr = report_arrays(s, ReportFilter())
    assert len(arr) == 6
    assert arr.time.dtype == np.dtype("datetime64[s]")
    assert np.all(arr.area_id > 0)
    assert set(arr.category) >= {"vandalism", "violence"}


def test_reports_within_a_polygon_agree_on_both_backends(database: Database, world: World) -> None:
    centrum = shapely.box(12.26, 58.28, 12.28, 58.29)
    with database.session() as s:
        ids = reports_within(s, centrum, ReportFilter(), database.backend)
    assert sorted(ids) == sorted([world.report_ids[0], world.report_ids[5]])
