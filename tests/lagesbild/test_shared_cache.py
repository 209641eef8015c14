"""The lägesbild computed by one server process is reused by another (through the database) until the
data changes."""

from __future__ import annotations

import pytest

from tests.factories import World
from tests.lagesbild.conftest import TODAY
from trygg.lagesbild import service
from trygg.storage.database import Database
from trygg.storage.reports import ReportFilter, insert_report


def test_a_picture_is_shared_through_the_database_until_a_write(database: Database, world: World,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with database.session() as s:
        first = service.build_lagesbild(s, ReportFilter(), today=TODAY)
    service.clear_cache()  # as if another process asked: nothing in this process's memory

    def must_not_compute(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again although the database holds the picture")

    with monkeypatch.context() as m:
        m.setattr(service, "compute", must_not_compute)
        with database.session() as s:
            again = service.build_lagesbild(s, ReportFilter(), today=TODAY)
    assert again.total == first.total and again.data_version == first.data_version

    with database.session() as s:  # a new report: every process's cached picture is stale
        insert_report(s, category="vandalism", lon=12.29, lat=58.28, x=337000.0, y=6460000.0, precision="exact",
                      occurred_from=first.period.start, status="received", source="est")
    service.clear_cache()
    with database.session() as s:
        after = service.build_lagesbild(s, ReportFilter(), today=TODAY)
    assert after.data_version != first.data_version and after.total == first.total + 1
