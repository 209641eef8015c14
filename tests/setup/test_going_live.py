"""Going live from nothing with the command line only — the steps of docs/going-live.md.

Luleå (2580), not Trollhättan: `trygg init`, a districts file, `trygg areas import`, a coordinator
with `trygg users add`, the police's events from ../shared/data; then the coordinator signs in and
the lägesbild shows Luleå's events (and none of the other 289 municipalities').
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.setup.districts import quadrants, write_geojson
from trygg.cli import app as cli
from trygg.config import Settings
from trygg.domain.categories import category_for_police_type
from trygg.storage.database import Database

runner = CliRunner()
EVENTS = "data/polisen_events_2023-04-13_to_04-25.json"


def _run(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, f"trygg {' '.join(args)}\n{result.output}"
    return result.output


def _expected_lulea_events(path: Path) -> int:
    """Events the police placed in Luleå (the feed's gps is the municipality's centre) with a Trygg category."""
    events = json.loads(path.read_text(encoding="utf-8"))
    kinds = Counter(e["type"] for e in events
                    if e["location"]["name"] == "Luleå" and not e["type"].startswith("Sammanfattning")
                    and category_for_police_type(e["type"]) is not None)
    return sum(kinds.values())


@pytest.mark.shared_data
def test_a_municipality_goes_live_with_cli_commands_only(tmp_path: Path, shared_dir: Path) -> None:
    db = str(tmp_path / "lulea.db")
    # 1. the municipality, its organisation and the first administrator (one-time link)
    out = _run("init", "--municipality", "Luleå", "--admin", "admin", "--db", db)
    assert "Luleå (2580)" in out and "Luleå kommun" in out and "/set-password/" in out
    # 2. the districts, from a file in SWEREF 99 TM
    districts = write_geojson(tmp_path / "stadsdelar.geojson", quadrants("2580"))
    _run("areas", "import", str(districts), "--level", "district", "--code-field", "kod",
         "--name-field", "namn", "--type-field", "typ", "--population-field", "folk", "--db", db)
    # 3. the police as an organisation, a coordinator of the municipality
    _run("users", "add", "samordnare", "--role", "coordinator", "--org", "Luleå kommun",
         "--password", "samordnare-lulea", "--db", db)
    # 4. the police's open events
    out = _run("import", str(shared_dir / EVENTS), "--format", "polisen", "--db", db)
    expected = _expected_lulea_events(shared_dir / EVENTS)
    assert expected >= 10
    assert f"{expected} imported" in " ".join(out.split()), out
    # 5. the municipality's own survey
    survey = tmp_path / "trygghetsmatning.csv"
    survey.write_text("omrade;ar;indikator;n;andel\n2580S01;2023;Otrygg utomhus sent på kvällen;200;0,25\n"
                      "2580S02;2023;Otrygg utomhus sent på kvällen;200;0,35\n", encoding="utf-8")
    assert "Stored 2 figure(s)" in _run("surveys", "import", str(survey), "--survey", "Trygghetsmätning Luleå",
                                        "--db", db)
    # 6. the coordinator's lägesbild shows them
    from trygg.web.app import create_app

    database = Database(db)
    settings = Settings(database_url=db, secret_key="going-live-test", require_totp=False)
    with TestClient(create_app(settings, database)) as client:
        client.get("/login")
        csrf = client.cookies.get("trygg_csrf") or ""
        signed_in = client.post("/login", data={"username": "samordnare", "password": "samordnare-lulea",
                                                "csrf_token": csrf, "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303
        period = {"start": "2023-04-13", "end": "2023-04-26"}
        lb = client.get("/api/v1/lagesbild", params=period)
        assert lb.status_code == 200, lb.text
        body = lb.json()
        assert body["totals"]["current"] == expected
        assert {a["code"] for a in body["areas"]} == {"2580S01", "2580S02", "2580S03", "2580S04"}
        page = client.get("/lagesbild", params=period)
        assert page.status_code == 200
        assert "<title>" in page.text and "– Luleå</title>" in page.text and "Trollhättan" not in page.text
        assert "Otrygg utomhus sent på kvällen" in page.text and "Trygghetsmätning Luleå" in page.text
        assert "30,0 %" in page.text and "25,7–34,7 %" in page.text  # 400 answers pooled, Wilson 95 %
    database.dispose()
