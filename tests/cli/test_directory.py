"""`trygg orgs|places|users import`, `orgs deactivate`, `users invite|deactivate` from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trygg.cli import app

runner = CliRunner()


def test_organisations_users_and_places_from_tables(tmp_path: Path) -> None:
    db = str(tmp_path / "vbg.db")
    assert runner.invoke(app, ["init", "--municipality", "1487", "--admin", "admin", "--admin-password",
                               "hemligt-ord", "--db", db]).exit_code == 0
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("namn;kortnamn;typ\nPolisen – LPO Vänersborg;Polisen;polis\n", encoding="utf-8")
    result = runner.invoke(app, ["orgs", "import", str(orgs), "--db", db])
    assert result.exit_code == 0 and "1 organisation(s) created" in result.output, result.output
    users = tmp_path / "users.csv"
    users.write_text("username,role,organisation\nlpo1,police_analyst,Polisen\n", encoding="utf-8")
    result = runner.invoke(app, ["users", "import", str(users), "--base-url", "https://t.example", "--db", db])
    assert result.exit_code == 0 and "https://t.example/set-password/" in result.output, result.output
    invite = runner.invoke(app, ["users", "invite", "lpo1", "--db", db])
    assert invite.exit_code == 0 and "/set-password/" in invite.output
    places = tmp_path / "places.csv"
    places.write_text("namn,lon,lat\nTorget,12.3245,58.3807\nLångt bort,18.0,59.3\n", encoding="utf-8")
    bad = runner.invoke(app, ["places", "import", str(places), "--db", db])
    assert bad.exit_code == 2 and "row 3 (Långt bort): the point" in bad.output
    off = runner.invoke(app, ["orgs", "deactivate", "Polisen", "--db", db])
    assert off.exit_code == 0 and "1 user(s) of it can no longer sign in" in off.output
    listed = runner.invoke(app, ["orgs", "list", "--db", db])
    assert "no" in listed.output
    gone = runner.invoke(app, ["users", "deactivate", "admin", "--db", db])
    assert gone.exit_code == 0
