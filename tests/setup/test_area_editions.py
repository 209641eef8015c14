"""A new edition of the districts: one district split in two, reports placed again by their points,
the old edition readable, the lägesbild's periods unchanged in total, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shapely
from sqlalchemy import func, select

from tests.setup.districts import quadrants, write_geojson
from trygg.domain.enums import AreaLevel
from trygg.domain.geo import to_sweref
from trygg.lagesbild.service import build_lagesbild
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage import intake as intake_store
from trygg.storage import versions
from trygg.storage.database import Database
from trygg.storage.reports import ReportFilter, count_reports, insert_report
from trygg.storage.schema import Area, AreaEdition, Organisation, Report
from trygg.storage.surveys import survey_results, upsert_survey_result

FIELDS = FieldMap("kod", "namn", "typ", "folk")
START = datetime(2026, 9, 28, tzinfo=UTC)  # a Monday: four weeks of reports from here
GRID = 9  # points per axis over each district's bounding box


def split_nw(districts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The second edition: the first district cut into a western and an eastern half, a new code each."""
    nw = districts[0]
    minx, miny, maxx, maxy = nw["geom"].bounds
    cx = (minx + maxx) / 2
    halves = []
    for suffix, box in (("A", (minx, miny, cx, maxy)), ("B", (cx, miny, maxx, maxy))):
        part = nw["geom"].intersection(shapely.box(*box))
        halves.append({**nw, "kod": nw["kod"] + suffix, "namn": f"{nw['namn']} {suffix}",
                       "geom": shapely.MultiPolygon([p for p in shapely.get_parts(part) if p.geom_type == "Polygon"])})
    return halves + districts[1:]


@pytest.fixture
def first(database: Database, tmp_path: Path) -> Database:
    """Vänersborg with four districts (edition 1), reports on a grid over four weeks, a survey figure,
    a routing rule and an EST group on the north-western district."""
    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
    with database.session() as s:
        assert import_areas(s, write_geojson(tmp_path / "d1.geojson", quadrants("1487")), "district", FIELDS).ok
    with database.session() as s:
        index = area_store.build_area_index(s)
        areas = area_store.list_areas(s, AreaLevel.REGSO)
        n = 0
        for a in areas:
            minx, miny, maxx, maxy = a.geom.bounds
            for i in range(GRID):
                for j in range(GRID):
                    lon, lat = minx + (maxx - minx) * (i + 0.5) / GRID, miny + (maxy - miny) * (j + 0.5) / GRID
                    area_id = index.locate(lon, lat)
                    if area_id != a.id:
                        continue
                    x, y = to_sweref(lon, lat)
                    insert_report(s, category="vandalism", lon=lon, lat=lat, x=x, y=y, precision="exact",
                                  area_id=area_id, occurred_from=START + timedelta(days=n % 28, hours=1),
                                  source="est", status="received")
                    n += 1
        nw = next(a for a in areas if a.code == "1487S01")
        for k in range(3):  # placed at the district's centroid: no point of their own
            x, y = to_sweref(nw.centroid_lon, nw.centroid_lat)
            insert_report(s, category="disorder", lon=nw.centroid_lon, lat=nw.centroid_lat, x=x, y=y,
                          precision="area_centroid", area_id=nw.id, occurred_from=START + timedelta(days=k),
                          source="est", status="received")
        se = next(a for a in areas if a.code == "1487S04")  # left as it is by the new edition
        x, y = to_sweref(se.centroid_lon, se.centroid_lat)
        insert_report(s, category="disorder", lon=se.centroid_lon, lat=se.centroid_lat, x=x, y=y,
                      precision="area_centroid", area_id=se.id, occurred_from=START + timedelta(days=5),
                      source="est", status="received")
        upsert_survey_result(s, nw.id, 2025, "worry_evening", 31.0, "percent", 240)
        org = Organisation(name="Polisen", short_name="polis", kind="police")
        s.add(org)
        s.flush()
        intake_store.add_rule(s, org.id, area_id=nw.id)
        from trygg.storage.schema import EstGroup

        group = EstGroup(name="EST Norr")
        s.add(group)
        s.flush()
        nw.est_group_id = group.id
    return database


def _report_areas(db: Database) -> dict[int, int | None]:
    with db.session() as s:
        return {int(i): a for i, a in s.execute(select(Report.id, Report.area_id))}


def _weekly_totals(db: Database) -> list[int]:
    with db.session() as s:
        return [count_reports(s, ReportFilter(start=START + timedelta(weeks=w), end=START + timedelta(weeks=w + 1)))
                for w in range(4)]


def _new_edition(db: Database, path: Path, **kwargs: Any) -> Any:
    with db.session() as s:
        return import_areas(s, path, "district", FIELDS, edition="Distrikt 2027", year=2027, **kwargs)


def test_reports_follow_their_points_into_the_new_edition(first: Database, tmp_path: Path) -> None:
    weeks_before = _weekly_totals(first)
    with first.session() as s:
        old_nw = area_store.get_area(s, "1487S01")
        assert old_nw is not None
        old_nw_id, old_edition_id = old_nw.id, old_nw.edition_id
        lb = build_lagesbild(s, ReportFilter(start=START, end=START + timedelta(weeks=4)), today=START.date(),
                             use_cache=False)
        lagesbild_total, nw_before = lb.total, next(a.current for a in lb.areas if a.code == "1487S01")
        version_before = versions.current(s, versions.REPORTS)
        in_nw = s.scalar(select(func.count(Report.id)).where(Report.area_id == old_nw_id, Report.precision == "exact"))
    stages: list[tuple[str, int, int]] = []
    result = _new_edition(first, write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487"))),
                          progress=lambda *a: stages.append(a))
    assert result.ok and result.stored == 5, [str(e) for e in result.errors]
    c = result.change
    assert c is not None and c.previous == "first import"
    assert c.reports_without_point == 3 and c.reports_following == 1
    assert c.reports_moved == in_nw > 0  # only the split district's reports land in an area with another code
    assert stages and stages[-1][1] == stages[-1][2] == c.reports_checked

    with first.session() as s:
        assert versions.current(s, versions.REPORTS) > version_before, "the lägesbild caches go stale"
        # the new edition is the active one; the old one is listed and readable
        editions = edition_store.list_editions(s, AreaLevel.REGSO)
        assert [(e.name, e.active, e.year) for e in editions] == [("first import", False, None),
                                                                  ("Distrikt 2027", True, 2027)]
        assert editions[1].source_file == "d2.geojson"
        old = area_store.list_areas(s, AreaLevel.REGSO, edition_id=old_edition_id)
        assert sorted(a.code for a in old) == ["1487S01", "1487S02", "1487S03", "1487S04"]
        current = {a.code: a for a in area_store.list_areas(s, AreaLevel.REGSO)}
        assert sorted(current) == ["1487S01A", "1487S01B", "1487S02", "1487S03", "1487S04"]
        assert area_store.get_area(s, "1487S02").edition_id == editions[1].id  # type: ignore[union-attr]
        assert area_store.get_area(s, old_nw_id).geom.equals(old_nw.geom)  # type: ignore[union-attr]

        # reports per new area = the reports whose point lies in it (point-in-polygon, independently)
        points = s.execute(select(Report.lon, Report.lat).where(Report.precision == "exact")).all()
        for code, area in current.items():
            inside = sum(1 for lon, lat in points if area.geom.intersects(shapely.Point(lon, lat)))
            placed = s.scalar(select(func.count(Report.id)).where(Report.area_id == area.id,
                                                                   Report.precision == "exact"))
            following = 1 if code == "1487S04" else 0  # the centroid report of the unchanged district
            assert placed == inside == c.per_area[code] - following, code
        assert current["1487S01A"].id != old_nw_id and c.per_area["1487S01A"] > 0 and c.per_area["1487S01B"] > 0
        # the centroid reports of the split district keep it
        kept = s.scalars(select(Report.area_id).where(Report.precision == "area_centroid").order_by(Report.id)).all()
        assert kept == [old_nw_id] * 3 + [current["1487S04"].id]

        # what belongs to the area is carried: EST group and routing to both halves, DeSO none here
        assert current["1487S01A"].est_group_id == current["1487S01B"].est_group_id is not None
        assert intake_store.route_for(s, current["1487S01B"].id, "vandalism") is not None

        # survey figures stay with the edition they were imported for
        figures = survey_results(s)
        assert [(f.area_id, f.year) for f in figures] == [(old_nw_id, 2025)]
        assert not s.get(Area, old_nw_id).edition.active  # type: ignore[union-attr]

        # a filter on the old district still counts its ground: both halves and its centroid reports
        halves = count_reports(s, ReportFilter(area_ids=(current["1487S01A"].id, current["1487S01B"].id)))
        assert count_reports(s, ReportFilter(area_ids=(old_nw_id,))) == halves + 3

        lb = build_lagesbild(s, ReportFilter(start=START, end=START + timedelta(weeks=4)), today=START.date())
        assert lb.total == lagesbild_total
        by_code = {a.code: a.current for a in lb.areas}
        assert by_code["1487S01A"] + by_code["1487S01B"] + 3 == nw_before
    assert _weekly_totals(first) == weeks_before


def test_dry_run_previews_and_stores_nothing(first: Database, tmp_path: Path) -> None:
    before = _report_areas(first)
    result = _new_edition(first, write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487"))), dry_run=True)
    assert result.ok and result.stored == 0 and result.change is not None
    assert result.change.carried == {"est_groups": 2, "parents": 0, "routing_rules": 2}  # to both halves
    assert result.change.reports_moved > 0 and set(result.change.per_area) == {
        "1487S01A", "1487S01B", "1487S02", "1487S03", "1487S04"}
    assert _report_areas(first) == before
    with first.session() as s:
        assert s.scalar(select(func.count(AreaEdition.id))) == 1
        assert s.scalar(select(func.count(Area.id)).where(Area.level == AreaLevel.REGSO)) == 4


def test_a_bad_edition_file_stores_nothing_and_the_old_edition_stays(first: Database, tmp_path: Path) -> None:
    before = _report_areas(first)
    bad = split_nw(quadrants("1487"))
    bad[2]["geom"] = bad[2]["geom"].union(bad[3]["geom"].buffer(-2000))  # overlaps its neighbour
    result = _new_edition(first, write_geojson(tmp_path / "bad.geojson", bad))
    assert not result.ok and result.stored == 0 and result.change is None
    assert any("overlaps feature 4 (1487S03)" in str(e) for e in result.errors), [str(e) for e in result.errors]
    assert _report_areas(first) == before
    with first.session() as s:
        assert [(e.name, e.active) for e in edition_store.list_editions(s)] == [("first import", True)]


def test_a_level_with_areas_needs_a_new_edition_name(first: Database, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487")))
    with first.session() as s:
        unnamed = import_areas(s, path, "district", FIELDS)
    assert str(unnamed.errors[0]).startswith("file: the database already has district areas; to replace them, "
                                             "import the file as a new edition (--edition NAME")
    with first.session() as s:
        same = import_areas(s, path, "district", FIELDS, edition="first import")
    assert str(same.errors[0]) == ("file: the district level has an edition named 'first import' already; "
                                   "choose another name")


def test_deso_follow_a_new_district_edition(first: Database, tmp_path: Path) -> None:
    """DeSO stay (no new DeSO edition) but are placed under the new district holding them."""
    deso = []
    for i, d in enumerate(quadrants("1487"), start=1):
        deso.append({**d, "kod": f"1487C{i:04d}", "namn": f"DeSO {i}",
                     "geom": d["geom"].buffer(-500).intersection(d["geom"])})
    deso[0]["geom"] = shapely.MultiPolygon([shapely.box(*split_nw(quadrants("1487"))[1]["geom"].bounds)
                                            .intersection(deso[0]["geom"])])
    with first.session() as s:
        assert import_areas(s, write_geojson(tmp_path / "deso.geojson", deso), "deso", FIELDS).ok
    assert _new_edition(first, write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487")))).ok
    with first.session() as s:
        parents = {a.code: a.parent.code for a in area_store.list_areas(s, AreaLevel.DESO)}  # type: ignore[union-attr]
    assert parents == {"1487C0001": "1487S01B", "1487C0002": "1487S02", "1487C0003": "1487S03",
                       "1487C0004": "1487S04"}


def test_published_months_keep_their_districts_across_a_new_edition(first: Database, tmp_path: Path) -> None:
    """September is published with edition 1, October with edition 2: the year's table shows both,
    an unchanged district in one row, the split one as its old row and its two new rows."""
    from tests.publication.helpers import due_at
    from trygg.publication import schedule
    from trygg.publication.gate import public_table
    from trygg.publication.groups import GROUP_OF_CATEGORY

    with first.session() as s:
        assert [(p.year, p.month) for p in schedule.publish_due_months(s, due_at(2026, 9))] == [(2026, 9)]
        old_ids = {a.code: a.id for a in area_store.list_areas(s, AreaLevel.REGSO)}
    assert _new_edition(first, write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487")))).ok
    with first.session() as s:
        assert [(p.year, p.month) for p in schedule.publish_due_months(s, due_at(2026, 10))] == [(2026, 10)]
    with first.session() as s:
        group = GROUP_OF_CATEGORY["vandalism"]
        table = public_table(s, group, 2026)
        new_ids = {a.code: a.id for a in area_store.list_areas(s, AreaLevel.REGSO)}
        assert [a.code for a in table.areas] == ["1487S01A", "1487S01B", "1487S02", "1487S03", "1487S04", "1487S01"]
        assert table.areas[-1].id == old_ids["1487S01"]
        from trygg.storage.publication import current_versions

        sept, octo = current_versions(s, 2026)
        published = [{c.area_id: None if c.hidden else c.count for c in p.cells if c.group_code == group.code}
                     for p in (sept, octo)]
        row = {a.code: cells for a, cells in zip(table.areas, table.cells, strict=True)}
        assert row["1487S02"] == [published[0][old_ids["1487S02"]], published[1][new_ids["1487S02"]]]
        assert row["1487S01"] == [published[0][old_ids["1487S01"]], None]
        assert row["1487S01A"] == [None, published[1][new_ids["1487S01A"]]]
        assert old_ids["1487S02"] not in published[1] and new_ids["1487S02"] not in published[0]


def test_new_reports_go_to_the_active_edition_only(first: Database, tmp_path: Path) -> None:
    from trygg.errors import ValidationError
    from trygg.ingest.service import IntakeContext, ReportInput, prepare_report

    with first.session() as s:
        old_nw = area_store.get_area(s, "1487S01")
        assert old_nw is not None
        old_id, lon, lat = old_nw.id, old_nw.centroid_lon, old_nw.centroid_lat
    assert _new_edition(first, write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487")))).ok
    with first.session() as s:
        with pytest.raises(ValidationError) as refused:
            prepare_report(s, ReportInput(category="vandalism", area=old_id), IntakeContext(lang="en"))
        assert set(refused.value.fields) == {"area"}
        halves = {a.id for a in area_store.list_areas(s, AreaLevel.REGSO) if a.code.startswith("1487S01")}
        by_point = prepare_report(s, ReportInput(category="vandalism", lon=lon, lat=lat), IntakeContext(lang="en"))
        assert by_point.values["area_id"] in halves
        s.rollback()
