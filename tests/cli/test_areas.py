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
