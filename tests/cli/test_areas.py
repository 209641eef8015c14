"""`trygg areas import|attributes|list` from the command line: messages with feature numbers, exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.setup.districts import quadrants, write_geojson
from trygg.cli import app

runner = CliRunner()
IMPORT = ["areas", "import", "--level", "district", "--code-field", "kod", "--name-field", "namn",
          "--type-field", "typ", "--population-field", "folk"]


def _init(tmp_path: Path) -> str:
    db = str(tmp_path / "vbg.db")
    assert runner.invoke(app, ["init", "--municipality", "1487", "--admin", "admin", "--admin-password",
                               "hemligt-ord", "--db", db]).exit_code == 0
    return db


def test_dry_run_then_import_then_list(tmp_path: Path) -> None:
    db = _init(tmp_path)
    path = str(write_geojson(tmp_path / "d.geojson", quadrants("1487")))
    dry = runner.invoke(app, [*IMPORT, path, "--dry-run", "--db", db])
    assert dry.exit_code == 0 and "would store 4 district area(s)" in dry.output, dry.output
    done = runner.invoke(app, [*IMPORT, path, "--db", db])
    assert done.exit_code == 0 and "stored 4 district area(s)" in done.output
    listed = runner.invoke(app, ["areas", "list", "--level", "regso", "--db", db])
    assert "1487S01" in listed.output and "Nordväst" in listed.output


def test_a_bad_file_exits_2_naming_each_feature(tmp_path: Path) -> None:
    db = _init(tmp_path)
    d = quadrants("1487")
    d[2]["kod"] = d[0]["kod"]
    result = runner.invoke(app, [*IMPORT, str(write_geojson(tmp_path / "d.geojson", d)), "--db", db])
    assert result.exit_code == 2
    assert "feature 3 (1487S01): the code is the same as feature 1's" in result.output
    assert "Nothing stored: 1 problem(s) in 4 feature(s)." in result.output


def test_a_file_without_crs_needs_crs_option(tmp_path: Path) -> None:
    db = _init(tmp_path)
    path = tmp_path / "d.geojson"
    write_geojson(path, quadrants("1487"), crs=None)  # GeoJSON without crs means WGS 84: metres fail
    bad = runner.invoke(app, [*IMPORT, str(path), "--dry-run", "--db", db])
    assert bad.exit_code == 2 and "not valid in the declared CRS" in bad.output
    good = runner.invoke(app, [*IMPORT, str(path), "--crs", "EPSG:3006", "--dry-run", "--db", db])
    assert good.exit_code == 0, good.output


def test_a_new_edition_moves_reports_and_keeps_the_old_one_listed(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import shapely
    from sqlalchemy import select

    from tests.setup.test_area_editions import split_nw
    from trygg.domain.geo import to_sweref
    from trygg.storage import areas as area_store
    from trygg.storage.database import Database
    from trygg.storage.reports import insert_report
    from trygg.storage.schema import Report

    db = _init(tmp_path)
    assert runner.invoke(app, [*IMPORT, str(write_geojson(tmp_path / "d.geojson", quadrants("1487"))),
                               "--db", db]).exit_code == 0
    database = Database(db)
    with database.session() as s:
        nw = area_store.get_area(s, "1487S01")
        assert nw is not None
        minx, miny, maxx, maxy = nw.geom.bounds
        for lon in (minx + (maxx - minx) * 0.3, minx + (maxx - minx) * 0.7):
            lat = (miny + maxy) / 2
            if nw.geom.contains(shapely.Point(lon, lat)):
                x, y = to_sweref(lon, lat)
                insert_report(s, category="vandalism", lon=lon, lat=lat, x=x, y=y, precision="exact",
                              area_id=nw.id, occurred_from=datetime(2026, 11, 2, 12, tzinfo=UTC),
                              source="est", status="received")
    path = str(write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487"))))
    unnamed = runner.invoke(app, [*IMPORT, path, "--db", db])
    assert unnamed.exit_code == 2 and "import the file as a new edition (--edition NAME" in unnamed.output
    dry = runner.invoke(app, [*IMPORT, path, "--edition", "Distrikt 2027", "--dry-run", "--db", db])
    assert dry.exit_code == 0 and "would store 5 district area(s) as edition 'Distrikt 2027'" in dry.output, dry.output
    assert "2 would land in an area with another code" in dry.output
    done = runner.invoke(app, [*IMPORT, path, "--edition", "Distrikt 2027", "--year", "2027", "--db", db])
    assert done.exit_code == 0, done.output
    assert "Edition 'first import' is no longer active." in done.output
    assert "2 report(s) with a point placed again: 2 land in an area with another code" in done.output, done.output
    editions = runner.invoke(app, ["areas", "editions", "--level", "district", "--db", db])
    lines = editions.output.splitlines()
    assert editions.exit_code == 0 and len(lines) == 2, editions.output
    assert "regso 'first import': 4 area(s), imported " in lines[0] and not lines[0].endswith("(active)")
    assert "regso 'Distrikt 2027', year 2027: 5 area(s)" in lines[1] and lines[1].endswith("from d2.geojson (active)")
    old = runner.invoke(app, ["areas", "list", "--level", "regso", "--edition", "first import", "--db", db])
    assert old.exit_code == 0 and "1487S01 " in old.output and "1487S01A" not in old.output
    new = runner.invoke(app, ["areas", "list", "--level", "regso", "--db", db])
    assert "1487S01A" in new.output and "1487S01 " not in new.output
    missing = runner.invoke(app, ["areas", "list", "--edition", "DeSO 1999", "--db", db])
    assert missing.exit_code == 2 and "No edition 'DeSO 1999'" in missing.output
    with database.session() as s:
        placed = {code for (code,) in s.execute(select(Report.area_id))}
        halves = {a.id for a in area_store.list_areas(s, "regso") if a.code.startswith("1487S01")}
    assert placed == halves
    database.dispose()
