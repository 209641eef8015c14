"""`import_areas`: any CRS and format to EPSG:3006; every fault named by feature number and code; all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from sqlalchemy import func, select

from tests.setup.districts import quadrants, write_geojson, write_with_gdal, zipped_shapefile
from trygg.domain.enums import AreaLevel
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.storage import areas as area_store
from trygg.storage.database import Database
from trygg.storage.schema import Area

FIELDS = FieldMap("kod", "namn", "typ", "folk")


@pytest.fixture
def vanersborg(database: Database) -> Database:
    """A database set up for Vänersborg (1487) with `trygg init`'s function."""
    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
    return database


def _count(db: Database, level: str = AreaLevel.REGSO) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Area.id)).where(Area.level == level)) or 0)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "zip"])
def test_districts_import_from_each_format(vanersborg: Database, tmp_path: Path, fmt: str) -> None:
    d = quadrants("1487")
    path = {"geojson": lambda: write_geojson(tmp_path / "d.geojson", d),
            "gpkg": lambda: write_with_gdal(tmp_path / "d.gpkg", d, "GPKG"),
            "zip": lambda: zipped_shapefile(tmp_path, d)}[fmt]()
    with vanersborg.session() as s:
        result = import_areas(s, path, "district", FIELDS)
    assert result.ok and result.stored == 4, [str(e) for e in result.errors]
    with vanersborg.session() as s:
        areas = area_store.list_areas(s, AreaLevel.REGSO)
        assert {a.code for a in areas} == {"1487S01", "1487S02", "1487S03", "1487S04"}
        nw = next(a for a in areas if a.code == "1487S01")
        assert (nw.name, nw.area_type, nw.population, nw.parent.code if nw.parent else None) == (
            "Nordväst", 2, 1000, "1487")
        assert 11 < nw.centroid_lon < 13 and 57.9 < nw.centroid_lat < 58.8  # stored in WGS 84
        index = area_store.build_area_index(s)
        assert index.locate(12.3245, 58.3807) is not None  # Vänersborg's town square lies in a district


def test_dry_run_stores_nothing(vanersborg: Database, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "d.geojson", quadrants("1487"))
    with vanersborg.session() as s:
        result = import_areas(s, path, "district", FIELDS, dry_run=True)
    assert result.ok and len(result.areas) == 4 and result.stored == 0
    assert _count(vanersborg) == 0


def _problems(db: Database, path: Path, **kwargs: object) -> list[str]:
    with db.session() as s:
        result = import_areas(s, path, "district", FIELDS, **kwargs)  # type: ignore[arg-type]
    assert not result.ok and result.stored == 0
    assert _count(db) == 0, "nothing is stored when a feature is wrong"
    return [str(e) for e in result.errors]


def test_a_duplicate_code_names_both_features(vanersborg: Database, tmp_path: Path) -> None:
    d = quadrants("1487")
    d[3]["kod"] = d[1]["kod"]
    errors = _problems(vanersborg, write_geojson(tmp_path / "d.geojson", d))
    assert errors == ["feature 4 (1487S02): the code is the same as feature 2's"]


def test_overlapping_districts_are_refused(vanersborg: Database, tmp_path: Path) -> None:
    d = quadrants("1487")
    d[0]["geom"] = d[0]["geom"].union(d[1]["geom"].buffer(-2000))  # swallows most of the north-east
    errors = _problems(vanersborg, write_geojson(tmp_path / "d.geojson", d))
    assert len(errors) == 1 and errors[0].startswith("feature 1 (1487S01): overlaps feature 2 (1487S02) by ")


def test_a_feature_outside_the_municipality_is_refused(vanersborg: Database, tmp_path: Path) -> None:
    d = quadrants("1487")
    d[2]["geom"] = shapely.affinity.translate(d[2]["geom"], xoff=-60_000)  # 60 km west, into the sea
    errors = _problems(vanersborg, write_geojson(tmp_path / "d.geojson", d))
    assert any(e.startswith("feature 3 (1487S03): lies entirely outside Vänersborg") for e in errors), errors


def test_a_part_sticking_out_is_refused_with_its_share(vanersborg: Database, tmp_path: Path) -> None:
    d = quadrants("1487")
    d[1]["geom"] = d[1]["geom"].union(shapely.box(*d[1]["geom"].bounds).buffer(5000))
    errors = _problems(vanersborg, write_geojson(tmp_path / "d.geojson", d))
    assert any(e.startswith("feature 2 (1487S02): ") and "lies outside Vänersborg" in e for e in errors), errors


def test_a_wrongly_declared_crs_is_caught(vanersborg: Database, tmp_path: Path) -> None:
    """SWEREF 99 TM metres declared as WGS 84 degrees: the coordinates cannot be projected."""
    path = write_geojson(tmp_path / "d.geojson", quadrants("1487"), crs="EPSG:4326")
    errors = _problems(vanersborg, path)
    assert errors[0].startswith("feature 1 (1487S01): has coordinates (") and "EPSG:4326" in errors[0], errors


def test_lon_lat_declared_as_sweref_lies_outside(vanersborg: Database, tmp_path: Path) -> None:
    from shapely.geometry import MultiPolygon

    d = [{"kod": "1487S01", "namn": "Allt", "typ": 3, "folk": 1, "geom": MultiPolygon(
        [p for p in shapely.get_parts(__import__("trygg.setup.municipalities", fromlist=["x"])
                                      .find_municipality("1487").geom)])}]
    errors = _problems(vanersborg, write_geojson(tmp_path / "d.geojson", d, crs="EPSG:3006"))
    assert "lies entirely outside Vänersborg" in errors[0] and "is the declared CRS EPSG:3006 right?" in errors[0]


def test_an_invalid_geometry_is_repaired_and_reported(vanersborg: Database, tmp_path: Path) -> None:
    d = quadrants("1487")
    minx, miny, maxx, maxy = d[0]["geom"].bounds
    bowtie = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])
    d[0]["geom"] = shapely.MultiPolygon([bowtie])
    path = write_geojson(tmp_path / "d.geojson", d)
    with vanersborg.session() as s:
        result = import_areas(s, path, "district", FIELDS, dry_run=True)
    assert any(str(w).startswith("feature 1 (1487S01): invalid geometry (Self-intersection")
               for w in result.warnings), [str(w) for w in result.warnings]


def test_missing_fields_and_bad_values_are_named(vanersborg: Database, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "d.geojson", quadrants("1487"))
    with vanersborg.session() as s:
        result = import_areas(s, path, "district", FieldMap("code", "namn"))
    assert [str(e) for e in result.errors] == ["file: no field 'code'; the file has kod, namn, typ, folk"]
    d = quadrants("1487")
    d[1]["typ"] = 7
    d[2]["kod"] = ""
    errors = _problems(vanersborg, write_geojson(tmp_path / "e.geojson", d))
    assert "feature 2 (1487S02): area type '7' is not 1–5 (SCB områdestyp)" in errors
    assert "feature 3: has no code in field 'kod'" in errors


def test_a_database_without_municipality_is_refused(database: Database, tmp_path: Path) -> None:
    from trygg.errors import ValidationError

    path = write_geojson(tmp_path / "d.geojson", quadrants("1487"))
    with pytest.raises(ValidationError, match="no municipality yet"), database.session() as s:
        import_areas(s, path, "district", FIELDS)


def test_a_second_import_of_a_level_is_refused(vanersborg: Database, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "d.geojson", quadrants("1487"))
    with vanersborg.session() as s:
        assert import_areas(s, path, "district", FIELDS).stored == 4
    with vanersborg.session() as s:
        again = import_areas(s, path, "district", FIELDS)
    assert again.errors[0].message.startswith("the database already has district areas")
    assert _count(vanersborg) == 4


def test_deso_are_placed_under_their_district(vanersborg: Database, tmp_path: Path) -> None:
    districts = quadrants("1487")
    with vanersborg.session() as s:
        import_areas(s, write_geojson(tmp_path / "d.geojson", districts), "district", FIELDS)
    deso = []
    for i, d in enumerate(districts, start=1):
        halves = [d["geom"].intersection(shapely.box(*b)) for b in _halves(d["geom"].bounds)]
        for j, h in enumerate(halves, start=1):
            deso.append({"kod": f"1487C{i}{j:03d}", "namn": f"{d['namn']} {j}", "typ": 3, "folk": 500,
                         "geom": shapely.MultiPolygon([p for p in shapely.get_parts(h) if p.geom_type == "Polygon"])})
    deso = [x for x in deso if not x["geom"].is_empty]
    with vanersborg.session() as s:
        result = import_areas(s, write_geojson(tmp_path / "deso.geojson", deso), "deso", FIELDS)
    assert result.ok, [str(e) for e in result.errors]
    with vanersborg.session() as s:
        for a in area_store.list_areas(s, AreaLevel.DESO):
            assert a.parent is not None and a.parent.code == f"1487S{a.code[5:6].zfill(2)}"


def _halves(bounds: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    minx, miny, maxx, maxy = bounds
    cx = (minx + maxx) / 2
    return [(minx, miny, cx, maxy), (cx, miny, maxx, maxy)]


def test_police_class_marks_districts_vulnerable_and_a_wrong_class_stores_nothing(vanersborg: Database,
                                                                                  tmp_path: Path) -> None:
    d = quadrants("1487")
    for area, cls in zip(d, ["Utsatt område", "", "särskilt utsatt område", "riskområde"], strict=True):
        area["klass"] = cls
    fields = FieldMap("kod", "namn", police_class="klass")
    bad = [dict(a) for a in d]
    bad[1]["klass"] = "farligt"
    with vanersborg.session() as s:
        refused = import_areas(s, write_geojson(tmp_path / "bad.geojson", bad), "district", fields)
    assert [str(e) for e in refused.errors] == [
        "feature 2 (1487S02): police class 'farligt' is not one of utsatt område, riskområde, "
        "särskilt utsatt område (or empty)"]
    assert _count(vanersborg) == 0
    with vanersborg.session() as s:
        assert import_areas(s, write_geojson(tmp_path / "d.geojson", d), "district", fields).stored == 4
    with vanersborg.session() as s:
        stored = {a.code: (a.police_class, a.vulnerable) for a in area_store.list_areas(s, AreaLevel.REGSO)}
    assert stored == {"1487S01": ("utsatt område", True), "1487S02": (None, False),
                      "1487S03": ("särskilt utsatt område", True), "1487S04": ("riskområde", True)}
