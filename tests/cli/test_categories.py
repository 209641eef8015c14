"""`trygg categories export|import`: the export imports again with no change; a bad file exits 2 naming
its lines and stores nothing; a dry run stores nothing; an edited file is applied with a summary."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trygg.cli import app
from trygg.domain.categories import DEFAULT_TAXONOMY

runner = CliRunner()


def _db(tmp_path: Path) -> str:
    db = str(tmp_path / "vbg.db")
    result = runner.invoke(app, ["init", "--municipality", "1487", "--admin", "admin", "--admin-password",
                                 "hemligt-ord", "--db", db])
    assert result.exit_code == 0, result.output
    return db


def test_export_then_import_is_no_change(tmp_path: Path) -> None:
    db = _db(tmp_path)
    path = tmp_path / "kategorier.csv"
    done = runner.invoke(app, ["categories", "export", str(path), "--db", db])
    assert done.exit_code == 0 and f"Wrote {len(DEFAULT_TAXONOMY.categories)} categories" in done.output
    assert path.read_text(encoding="utf-8").startswith("code,name_sv,name_en,sensitivity,public,focus_areas,")
    again = runner.invoke(app, ["categories", "import", str(path), "--db", db])
    n = len(DEFAULT_TAXONOMY.categories)
    assert again.exit_code == 0, again.output
    assert f"Stored: 0 added, 0 changed, 0 retired, 0 merged, {n} unchanged ({n} row(s))." in again.output
    listed = runner.invoke(app, ["categories", "export", "--format", "json", "--db", db])
    assert [r["code"] for r in json.loads(listed.output)] == [c.code for c in DEFAULT_TAXONOMY.categories]


def test_a_bad_file_names_its_lines_and_a_good_one_is_applied(tmp_path: Path) -> None:
    db = _db(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_sv,name_en,police_types\n"
                   "e_scooters,Elsparkcyklar,E-scooters,Skadegörelse\n"
                   "littering,,Littering,\n", encoding="utf-8")
    result = runner.invoke(app, ["categories", "import", str(bad), "--db", db])
    assert result.exit_code == 2
    assert "Line 2 (e_scooters): police_types: A police event type maps to one category only" in result.output
    assert "Line 3 (littering): name_sv: 1–120 characters." in result.output
    assert "Nothing stored: 2 problem(s) in 2 row(s)." in result.output
    good = tmp_path / "good.csv"
    good.write_text("code,name_sv,name_en,police_types,retired_on\n"
                    "e_scooters,Elsparkcyklar,E-scooters,Trafikolycka\n"
                    "event,Arrangemang,Planned event,,2026-11-01\n", encoding="utf-8")
    dry = runner.invoke(app, ["categories", "import", str(good), "--dry-run", "--db", db])
    assert dry.exit_code == 0 and "Would store: 1 added, 0 changed, 1 retired, 0 merged" in dry.output
    exported = runner.invoke(app, ["categories", "export", "--db", db]).output
    assert "e_scooters" not in exported  # neither the bad file nor the dry run stored anything
    done = runner.invoke(app, ["categories", "import", str(good), "--db", db])
    assert done.exit_code == 0 and "added: e_scooters" in done.output and "retired: event" in done.output
    exported = runner.invoke(app, ["categories", "export", "--db", db]).output
    assert "e_scooters,Elsparkcyklar,E-scooters,normal,yes,,Trafikolycka," in exported
    assert "event,Arrangemang,Planned event,normal,yes,,,2026-11-01," in exported
    unknown = runner.invoke(app, ["categories", "export", "--format", "xml", "--db", db])
    assert unknown.exit_code == 2 and "Unknown format 'xml'" in unknown.output
