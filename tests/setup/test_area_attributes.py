"""`import_attributes`: SCB area types and populations by code, name or 'Kommun (Namn)'; all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.setup.districts import quadrants, write_geojson
from trygg.domain.enums import AreaLevel
from trygg.setup.area_attributes import import_attributes
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.storage import areas as area_store
from trygg.storage.database import Database


@pytest.fixture
def districts(database: Database, tmp_path: Path) -> Database:
    """Vänersborg with four districts 1487S01–04 (no type, no population)."""
    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
        import_areas(s, write_geojson(tmp_path / "d.geojson", quadrants("1487")), "district",
                     FieldMap("kod", "namn"))
    return database


def _types(db: Database) -> dict[str, tuple[int | None, int | None]]:
    with db.session() as s:
        return {a.code: (a.area_type, a.population) for a in area_store.list_areas(s, AreaLevel.REGSO)}


def test_scb_table_by_code_name_and_scb_name_form(districts: Database, tmp_path: Path) -> None:
    table = tmp_path / "scb.csv"
    table.write_text("omrade;typ;folk\n1487S01;5;1 200\nNordost;4;900\nVänersborg (Sydväst);2;3000\n"
                     "Upplands Väsby (Bollstanäs);4;100\n", encoding="utf-8")
    with districts.session() as s:
        result = import_attributes(s, table, key_column="omrade", type_column="typ", population_column="folk")
    assert (result.matched, result.skipped, result.errors) == (3, 1, [])
    assert _types(districts) == {"1487S01": (5, 1200), "1487S02": (4, 900), "1487S03": (2, 3000),
                                 "1487S04": (None, None)}


def test_an_unknown_area_or_bad_type_stores_nothing(districts: Database, tmp_path: Path) -> None:
    table = tmp_path / "scb.csv"
    table.write_text("kod,typ\n1487S01,5\n1487S09,3\n1487S02,6\n", encoding="utf-8")
    with districts.session() as s:
        result = import_attributes(s, table, key_column="kod", type_column="typ")
    assert result.errors == ["row 3: no area '1487S09' in the database",
                             "row 4 (1487S02): area type '6' is not 1–5"]
    assert _types(districts)["1487S01"] == (None, None)


def test_the_municipalitys_own_row_sets_its_population(districts: Database, tmp_path: Path) -> None:
    table = tmp_path / "folk.csv"
    table.write_text("kod,typ,folk\n1487,,39 800\n1487S01,3,1000\n", encoding="utf-8")
    with districts.session() as s:
        result = import_attributes(s, table, key_column="kod", type_column="typ", population_column="folk")
        assert (result.matched, result.errors) == (2, [])
        muni = area_store.municipality(s)
        assert muni is not None and (muni.population, muni.area_type) == (39800, None)
    assert _types(districts)["1487S01"] == (3, 1000)
    bad = tmp_path / "bad.csv"
    bad.write_text("kod,folk\n1487,många\n", encoding="utf-8")
    with districts.session() as s:
        result = import_attributes(s, bad, key_column="kod", population_column="folk")
    assert result.errors == ["row 2 (1487): population 'många' is not a whole number ≥ 0"]
