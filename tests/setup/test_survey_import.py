"""`import_surveys`: row-numbered errors, nothing stored on error, a re-import replaces the survey-year."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.setup.districts import quadrants, write_geojson
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.setup.survey_import import import_surveys
from trygg.storage.database import Database
from trygg.storage.surveys import survey_results

GOOD = ("omrade;ar;indikator;n;andel;nedre;ovre\n"
        "1487S01;2024;Otrygg utomhus sent;120;0,31;0,23;0,40\n"
        "1487S02;2024;Otrygg utomhus sent;95;0,22;;\n")


@pytest.fixture
def districts(database: Database, tmp_path: Path) -> Database:
    """Vänersborg with four districts 1487S01–04."""
    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
        import_areas(s, write_geojson(tmp_path / "d.geojson", quadrants("1487")), "district",
                     FieldMap("kod", "namn"))
    return database


def _csv(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shares_are_stored_as_percent_with_their_interval(districts: Database, tmp_path: Path) -> None:
    with districts.session() as s:
        result = import_surveys(s, _csv(tmp_path, GOOD), "Trygghetsmätning")
    assert result.errors == [] and result.stored == 2
    with districts.session() as s:
        first = sorted(survey_results(s, year=2024), key=lambda r: r.area_id)[0]
        assert (first.survey, first.value, first.scale, first.n, first.lower, first.upper) == (
            "Trygghetsmätning", 31.0, "percent", 120, 23.0, 40.0)


@pytest.mark.parametrize("line,message", [
    ("1487S01;2024;Otrygg;0;0,3;;", "row 2 (1487S01, Otrygg): n must be a whole number of answers ≥ 1, not '0'"),
    ("1487S01;2024;Otrygg;50;1,3;;", "row 2 (1487S01, Otrygg): the share '1,3' is not between 0 and 1"),
    ("1487X99;2024;Otrygg;50;0,3;;", "row 2 (1487X99, Otrygg): unknown area code '1487X99'"),
    ("1487S01;2024;Otrygg;50;0,3;0,35;0,5", "row 2 (1487S01, Otrygg): the interval must hold the share"),
])
def test_a_bad_row_is_named_and_nothing_is_stored(districts: Database, tmp_path: Path, line: str,
                                                  message: str) -> None:
    text = "omrade;ar;indikator;n;andel;nedre;ovre\n" + line + "\n1487S02;2024;Otrygg;40;0,2;;\n"
    with districts.session() as s:
        result = import_surveys(s, _csv(tmp_path, text), "Trygghetsmätning")
    assert result.errors and result.errors[0].startswith(message), result.errors
    assert result.stored == 0
    with districts.session() as s:
        assert survey_results(s) == []


def test_a_reimport_replaces_the_survey_year_only(districts: Database, tmp_path: Path) -> None:
    with districts.session() as s:
        import_surveys(s, _csv(tmp_path, GOOD), "Trygghetsmätning")
        import_surveys(s, _csv(tmp_path, GOOD.replace("2024", "2023"), "old.csv"), "Trygghetsmätning")
    again = "omrade;indikator;n;medel\n1487S03;Problem med nedskräpning;80;2,4\n"
    with districts.session() as s:
        result = import_surveys(s, _csv(tmp_path, again, "new.csv"), "Trygghetsmätning", year=2024)
    assert result.replaced_years == {2024} and result.stored == 1
    with districts.session() as s:
        assert [(r.year, r.scale, r.value) for r in survey_results(s, year=2024)] == [(2024, "mean", 2.4)]
        assert len(survey_results(s, year=2023)) == 2


def test_excel_and_a_missing_column(districts: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Område", "År", "Indikator", "N", "Andel"])
    ws.append(["1487S04", 2025, "Oro för brott", 210, 0.27])
    wb.save(tmp_path / "s.xlsx")
    with districts.session() as s:
        assert import_surveys(s, tmp_path / "s.xlsx", "Polisens trygghetsmätning").stored == 1
        bad = import_surveys(s, _csv(tmp_path, "omrade;indikator;andel\n1487S01;x;0,2\n"), "X")
    assert bad.errors[0].startswith("no column for n, year;")
