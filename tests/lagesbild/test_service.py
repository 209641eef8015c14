"""The lägesbild service: counts, comparisons, alarms, hot spots and the cache, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import shapely

from tests.factories import World
from tests.lagesbild.conftest import TODAY
from tests.lagesbild.seed import History
from trygg.domain.geo import to_sweref
from trygg.lagesbild.periods import last_complete_week, local_midnight, resolve_period, to_local
from trygg.lagesbild.service import build_lagesbild
from trygg.lagesbild.summary import render_summary
from trygg.storage.database import Database
from trygg.storage.reports import ReportFilter, count_reports, insert_report


def test_default_period_is_the_last_complete_week_in_local_time() -> None:
    p = resolve_period(None, None, date(2025, 3, 12))
    assert (p.first_day, p.last_day, p.days) == (date(2025, 3, 3), date(2025, 3, 9), 7)
    assert p.start == datetime(2025, 3, 2, 23, 0, tzinfo=UTC)  # Monday 00:00 CET
    assert last_complete_week(date(2025, 3, 10)).first_day == date(2025, 3, 3)


def test_times_are_turned_into_swedish_local_time_with_summer_time() -> None:
    utc = np.array(["2025-01-15T12:00", "2025-07-15T12:00", "2025-03-30T00:59", "2025-03-30T01:00"],
                   dtype="datetime64[s]")
    local = to_local(utc).astype(str).tolist()
    assert local == ["2025-01-15T13:00:00", "2025-07-15T14:00:00", "2025-03-30T01:59:00", "2025-03-30T03:00:00"]


def test_counts_match_the_database_for_the_period_and_its_comparisons(database: Database,
                                                                      history: History) -> None:
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(), today=TODAY)
        p = lb.period
        assert lb.total == count_reports(s, ReportFilter(start=p.start, end=p.end)) > history.n_cluster
        prev = p.previous()
        assert lb.previous_total == count_reports(s, ReportFilter(start=prev.start, end=prev.end))
        ly = p.last_year()
        assert lb.last_year_total == count_reports(s, ReportFilter(start=ly.start, end=ly.end))
    assert sum(a.current for a in lb.areas) + lb.outside_areas == lb.total
    assert sum(c.current for c in lb.categories) == lb.total
    assert sum(sum(row) for row in lb.hour_of_week) == lb.total
    assert lb.weeks[-1].start == history.cluster_week and lb.weeks[-1].count == lb.total


def test_the_planted_cluster_is_a_hot_spot_and_a_trend_alarm(database: Database, history: History) -> None:
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(), today=TODAY)
    hot = [c for c in lb.hot_cells if c.cls == "hot"]
    assert hot and hot[0].area_name == "Kronogården"
    cx, cy = to_sweref(12.29, 58.285)
    assert any(shapely.Polygon([to_sweref(*p) for p in c.ring]).distance(shapely.Point(cx, cy)) < 50 for c in hot)
    assert any(a.area_name == "Kronogården" and a.category == "vandalism" for a in lb.alarms)
    assert lb.weeks[-1].alarms >= 1
    assert lb.density and lb.bandwidth and lb.bandwidth > 0
    kronogarden = next(a for a in lb.areas if a.name == "Kronogården")
    assert kronogarden.rate == round(1000 * kronogarden.current / 3000, 2)


def test_challenged_and_advantaged_areas_are_compared_per_inhabitant(database: Database,
                                                                     history: History) -> None:
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(), today=TODAY)
    groups = {g.key: g for g in lb.area_types}
    by_name = {a.name: a for a in lb.areas}
    assert groups["challenged"].population == 5500 and groups["advantaged"].population == 5500
    assert groups["challenged"].current == by_name["Kronogården"].current + by_name["Sylte"].current
    assert groups["advantaged"].current == by_name["Centrum"].current + by_name["Halvorstorp"].current


def test_a_filter_restricts_every_part_of_the_picture(database: Database, world: World, history: History) -> None:
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(categories=("littering",), area_ids=(world.area_ids["T001"],)),
                             today=TODAY)
    assert {c.code for c in lb.categories} <= {"littering"}
    assert all(a.current == 0 for a in lb.areas if a.name != "Centrum")
    assert not lb.alarms


def test_the_cache_serves_the_same_picture_until_a_report_changes(database: Database, world: World,
                                                                  history: History) -> None:
    with database.session() as s:
        first = build_lagesbild(s, ReportFilter(), today=TODAY)
        assert build_lagesbild(s, ReportFilter(), today=TODAY) is first
    x, y = to_sweref(12.27, 58.285)
    with database.session() as s:
        insert_report(s, category="arson", lon=12.27, lat=58.285, x=x, y=y, precision="exact",
                      area_id=world.area_ids["T001"], occurred_from=first.period.start + timedelta(hours=30),
                      organisation_id=world.org_ids["kommun"], source="est", status="received")
    with database.session() as s:
        second = build_lagesbild(s, ReportFilter(), today=TODAY)
    assert second is not first and second.total == first.total + 1


def test_a_custom_period_and_the_summary_in_both_languages(database: Database, history: History) -> None:
    start = local_midnight(date(2025, 2, 1))
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(start=start, end=start + timedelta(days=28)), today=TODAY)
    assert lb.period.days == 28 and lb.period.first_day == date(2025, 2, 1)
    from trygg.web import i18n

    for lang, word in (("sv", "rapporter under perioden"), ("en", "reports in the period")):
        text = render_summary(lb.summary, i18n.gettext_for(lang), lambda v, d, lg=lang: i18n.format_number(v, lg, d),
                              lambda v, lg=lang: i18n.format_percent(v, lg), lambda c: c)
        assert word in text[0]


def test_an_empty_selection_gives_an_empty_picture(database: Database, history: History) -> None:
    with database.session() as s:
        lb = build_lagesbild(s, replace(ReportFilter(), categories=("event",)), today=TODAY)
    assert lb.total == 0 and not lb.hot_cells and not lb.density and not lb.alarms
