"""`trygg surveys import`: a bad row exits 2 with its row number and stores nothing; then a good file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.setup.districts import quadrants, write_geojson
from trygg.cli import app

runner = CliRunner()


def test_survey_import_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "vbg.db")
    assert runner.invoke(app, ["init", "--municipality", "1487", "--admin", "admin", "--admin-password",
                               "hemligt-ord", "--db", db]).exit_code == 0
    districts = str(write_geojson(tmp_path / "d.geojson", quadrants("1487")))
    assert runner.invoke(app, ["areas", "import", districts, "--level", "district", "--code-field", "kod",
                               "--name-field", "namn", "--db", db]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("omrade,indikator,n,andel\n1487S01,Oro,0,0.2\n1487S02,Oro,50,0.2\n", encoding="utf-8")
    result = runner.invoke(app, ["surveys", "import", str(bad), "--survey", "T", "--year", "2024", "--db", db])
    assert result.exit_code == 2
    assert "row 2 (1487S01, Oro): n must be a whole number of answers ≥ 1, not '0'" in result.output
    good = tmp_path / "good.csv"
    good.write_text("omrade,indikator,n,andel\n1487S01,Oro,40,0.2\n1487S02,Oro,50,0.2\n", encoding="utf-8")
    dry = runner.invoke(app, ["surveys", "import", str(good), "--survey", "T", "--year", "2024", "--dry-run",
                              "--db", db])
    assert dry.exit_code == 0 and "would store 2 figure(s) of 2024" in dry.output
    done = runner.invoke(app, ["surveys", "import", str(good), "--survey", "T", "--year", "2024", "--db", db])
    assert done.exit_code == 0 and "Stored 2 figure(s) of T 2024." in done.output
    again = runner.invoke(app, ["surveys", "import", str(good), "--survey", "T", "--year", "2024", "--db", db])
    assert "(replacing 2024)" in again.output
