"""Going live from nothing with the command line only — the steps of docs/going-live.md.

Luleå (2580), not Trollhättan: `trygg init`, a districts file, `trygg areas import`, SCB's area
types, organisations, a coordinator with a one-time link (`trygg users import`), known places, the
police's events from ../shared/data and a survey; then the coordinator chooses a password, signs in
and the lägesbild shows Luleå's events (and none of the other 289 municipalities') and the survey;
an EST group of two districts holds its first meeting.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.setup.districts import quadrants, write_geojson
from trygg.cli import app as cli
from trygg.config import Settings
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.storage import users as user_store
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
                    and DEFAULT_TAXONOMY.for_police_type(e["type"]) is not None)
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
    # 3. SCB's area types (here by the districts' names, in SCB's "Kommun (Namn)" form)
    types = tmp_path / "omradestyp.csv"
    types.write_text(",2022\nLuleå (Nordväst),5\nLuleå (Nordost),4\nLuleå (Sydväst),2\nLuleå (Sydost),3\n"
                     "Umeå (Centrum),4\n", encoding="utf-8")
    out = _run("areas", "attributes", str(types), "--type-column", "2022", "--db", db)
    assert "set 4 area(s), skipped 1" in " ".join(out.split())
    # 4. the partner organisations, the coordinator (a one-time link, no password), known places
    orgs = tmp_path / "organisationer.csv"
    orgs.write_text("namn;kortnamn;typ;utanför\nPolisen – LPO Luleå;Polisen;polis;nej\n"
                    "Lulebo AB;Lulebo;bostad;nej\n", encoding="utf-8")
    assert "2 organisation(s) created" in _run("orgs", "import", str(orgs), "--db", db)
    users = tmp_path / "anvandare.csv"
    users.write_text("användarnamn,namn,e-post,roll,organisation\n"
                     "samordnare,Trygghetssamordnare,,samordnare,Luleå kommun\n"
                     "lpo-analys,Polisanalytiker,,polisanalytiker,Polisen\n", encoding="utf-8")
    out = _run("users", "import", str(users), "--base-url", "https://trygg.lulea.example", "--db", db)
    links = dict(re.findall(r"(samordnare|lpo-analys)\s.*?(https://\S+/set-password/\S+)", out))
    assert set(links) == {"samordnare", "lpo-analys"}
    places = tmp_path / "platser.csv"
    places.write_text("namn;lon;lat;typ\nSmedjan;22,1545;65,5842;plats\n", encoding="utf-8")
    assert "1 place(s) created" in _run("places", "import", str(places), "--db", db)
    # 5. the police's open events
    out = _run("import", str(shared_dir / EVENTS), "--format", "polisen", "--db", db)
    expected = _expected_lulea_events(shared_dir / EVENTS)
    assert expected >= 10
    assert f"{expected} imported" in " ".join(out.split()), out
    # 6. the municipality's own survey
    survey = tmp_path / "trygghetsmatning.csv"
    survey.write_text("omrade;ar;indikator;n;andel\n2580S01;2023;Otrygg utomhus sent på kvällen;200;0,25\n"
                      "2580S02;2023;Otrygg utomhus sent på kvällen;200;0,35\n", encoding="utf-8")
    assert "Stored 2 figure(s)" in _run("surveys", "import", str(survey), "--survey", "Trygghetsmätning Luleå",
                                        "--db", db)
    # 7. the coordinator chooses a password through the link and opens the lägesbild
    from trygg.web.app import create_app

    database = Database(db)
    settings = Settings(database_url=db, secret_key="going-live-test", require_totp=False,
                        secure_cookies="false")  # plain http://testserver
    with TestClient(create_app(settings, database)) as client:
        client.get("/login")
        csrf = client.cookies.get("trygg_csrf") or ""
        token_path = urlparse(links["samordnare"]).path
        chosen = client.post(token_path, data={"new_password": "samordnare-lulea", "repeat_password":
                                               "samordnare-lulea", "csrf_token": csrf}, follow_redirects=False)
        assert chosen.status_code == 303
        signed_in = client.post("/login", data={"username": "samordnare", "password": "samordnare-lulea",
                                                "csrf_token": csrf, "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303
        csrf = client.cookies.get("trygg_csrf") or ""  # renewed at sign-in, tied to the session
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
        # 8. the first EST meeting: a group of two districts with the police and the housing company
        client.headers["X-CSRF-Token"] = csrf
        areas = {a["code"]: a["id"] for a in body["areas"]}
        with database.session() as s:
            members = [o.id for o in user_store.list_organisations(s) if o.short_name in ("Polisen", "Lulebo")]
        created = client.post("/meetings/groups/new", data={
            "name": "EST Luleå norr", "areas": [str(areas["2580S01"]), str(areas["2580S02"])],
            "members": [str(m) for m in members], "meeting_weekday": "1", "meeting_time": "09:00",
            "csrf_token": csrf}, follow_redirects=False)
        assert created.status_code == 303, created.text
        group_path = created.headers["location"].split("?")[0]
        assert client.get(group_path).status_code == 200
        held = client.post(f"{group_path}/record", data={
            "held_on": "2023-04-25", "notes": "Första mötet", "title": ["Trygghetsvandring i centrum"],
            "owner": [str(members[0])], "due": ["2023-05-09"], "area": [str(areas["2580S01"])], "category": [""],
            "csrf_token": csrf}, follow_redirects=False)
        assert held.status_code == 303 and "/meetings/m/" in held.headers["location"], held.text
    database.dispose()
