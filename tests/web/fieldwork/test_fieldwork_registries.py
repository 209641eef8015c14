"""Premises and inspections, neighbourhood watch, night walkers, gyms and meetings over HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from tests.factories import World
from trygg.cli import app as cli_app
from trygg.domain import clock
from trygg.storage.database import Database
from trygg.storage.schema import ActionPlan, Activity

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[12.281, 58.281], [12.289, 58.281], [12.289, 58.288],
                                                         [12.281, 58.281]]]})


def test_premises_and_inspections_are_managed_and_inspections_hidden_from_reporters(login, api) -> None:
    boss = login("analytiker")
    r = boss.post("/fieldwork/premises", data={"name": "Krogen Ankaret", "lon": "12.27", "lat": "58.285",
                                                "licence_type": "public", "opens_at": "11:00", "closes_at": "02:00",
                                                "kmk_status": "trained", "ras_status": "planned"},
                  follow_redirects=False)
    assert r.status_code == 303
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    r = boss.post(f"/fieldwork/premises/{pid}/inspections", data={
        "inspected_on": "2024-05-04", "joint": "1", "check_age_checks": "remark", "check_over_serving": "ok",
        "findings": "Brister i ålderskontrollen", "follow_up": "revisit"}, follow_redirects=False)
    assert r.status_code == 303
    page = boss.get(f"/fieldwork/premises/{pid}")
    assert "Brister i ålderskontrollen" in page.text and "Ålderskontroll" in page.text and "Återbesök" in page.text
    listed = api("analytiker").get("/api/v1/premises").json()["premises"]
    assert listed[0]["last_inspected_on"] == "2024-05-04"
    reporter = api("rapportor")
    assert reporter.get(f"/api/v1/premises/{pid}/inspections").status_code == 404
    assert "Brister" not in login("rapportor").get(f"/fieldwork/premises/{pid}").text
    assert reporter.get("/api/v1/premises").json()["premises"][0]["last_inspected_on"] is None
    analysis = boss.get("/fieldwork/premises/analysis?start=2024-01-01&end=2024-12-31")
    assert analysis.status_code == 200 and "Krogen Ankaret" in analysis.text
    bad = boss.post("/fieldwork/premises", data={"name": "", "lon": "", "lat": "", "licence_type": "x"})
    assert bad.status_code == 422


def test_watch_areas_form_map_layer_and_counts_per_district(login, api, world: World) -> None:
    boss = login("samordnare")
    r = boss.post("/fieldwork/watch", data={"name": "Kvarteret Solen", "geom": SQUARE, "households": "40",
                                             "contact_role": "Kontaktombud", "police_contact": "Kommunpolis",
                                             "signed_up_on": "2022-03-01", "status": "active"},
                  follow_redirects=False)
    assert r.status_code == 303
    fc = api("rapportor").get("/api/v1/watch-areas.geojson").json()
    assert fc["features"][0]["geometry"]["type"] == "Polygon"
    assert fc["features"][0]["properties"]["households"] == 40
    per_area = api("lasare").get("/api/v1/watch-areas/per-area").json()["areas"]
    assert per_area == [{"area_id": world.area_ids["T002"], "watch_areas": 1, "households": 40}]
    assert "Kvarteret Solen" in boss.get("/fieldwork/watch").text
    refused = login("rapportor").post("/fieldwork/watch", data={"name": "x", "geom": SQUARE, "households": "2",
                                                                 "signed_up_on": "2022-03-01"})
    assert refused.status_code == 403


def test_a_night_shift_and_its_observation_reach_the_lagesbild(login, api, world: World) -> None:
    walker = login("rapportor")
    r = walker.post("/fieldwork/shifts", data={"starts_at": "2024-05-03T21:00", "ends_at": "2024-05-04T02:00",
                                                "walkers": "6", "area_id": str(world.area_ids["T002"])},
                    follow_redirects=False)
    assert r.status_code == 303
    sid = int(r.headers["location"].rsplit("/", 1)[1])
    r = walker.post(f"/fieldwork/shifts/{sid}/observations", data={
        "category": "disorder", "lon": "12.29", "lat": "58.285", "occurred_at": "2024-05-03T23:30",
        "description": "Grupp som stökar vid torget", "insecurity": "3"}, follow_redirects=False)
    assert r.status_code == 303
    reports = api("samordnare").get("/api/v1/reports?source=field").json()["reports"]
    assert len(reports) == 1 and reports[0]["organisation_id"] == world.org_ids["bostad"]
    via_api = api("rapportor").post(f"/api/v1/night-shifts/{sid}/observations", headers={"Idempotency-Key": "s-1"},
                                    json={"category": "littering", "lon": 12.29, "lat": 58.285,
                                          "occurred_at": "2024-05-03T22:00:00+02:00"})
    replay = api("rapportor").post(f"/api/v1/night-shifts/{sid}/observations", headers={"Idempotency-Key": "s-1"},
                                   json={"category": "littering", "lon": 12.29, "lat": 58.285,
                                         "occurred_at": "2024-05-03T22:00:00+02:00"})
    assert via_api.status_code == 201 and replay.json()["id"] == via_api.json()["id"]
    assert "Grupp som stökar" in walker.get(f"/fieldwork/shifts/{sid}").text
    assert login("rapportor2").get(f"/fieldwork/shifts/{sid}").status_code == 404


def test_gyms_meetings_and_the_activity_counts(login, api, database: Database) -> None:
    with database.session() as s:
        plan = ActionPlan(year=2024, title="Plan")
        act = Activity(title="Två informationsmöten om ANDTS", kind="information")
        plan.activities.append(act)
        s.add(plan)
        s.flush()
        act_id = act.id
    boss = login("samordnare")
    soon = (clock.today() + timedelta(days=10)).isoformat()
    r = boss.post("/fieldwork/gyms", data={"name": "Stålgymmet", "status": "certified", "certified_on": "2024-01-01",
                                            "expires_on": soon, "activity_id": str(act_id)}, follow_redirects=False)
    assert r.status_code == 303
    page = boss.get("/fieldwork/gyms")
    assert "Stålgymmet" in page.text and "10 dagar kvar" in page.text
    assert "Stålgymmet" in boss.get("/fieldwork").text
    r = boss.post("/fieldwork/meetings", data={"title": "ANDTS-kväll för föräldrar", "topic": "andts",
                                                "planned_for": "2024-04-20T18:00", "activity_id": str(act_id)},
                  follow_redirects=False)
    assert r.status_code == 303
    mid = api("samordnare").get("/api/v1/info-meetings").json()["meetings"][0]["id"]
    assert boss.post(f"/fieldwork/meetings/{mid}", data={"status": "held", "attendance": "55"},
                     follow_redirects=False).status_code == 303
    counts = api("lasare").get(f"/api/v1/activities/{act_id}/fieldwork?start=2024-01-01&end=2025-01-01").json()
    assert counts["counts"]["meetings_held"] == 1 and counts["counts"]["meeting_attendance"] == 55
    assert counts["counts"]["certified_gyms"] == 1

    runner = CliRunner()
    result = runner.invoke(cli_app, ["fieldwork", "reminders", "--db", database.url])
    assert result.exit_code == 1 and "Stålgymmet" in result.output


def test_field_work_pages_need_a_partner_and_answer_in_swedish(client, login) -> None:
    assert client.get("/fieldwork").status_code == 401
    page = login("lasare").get("/fieldwork")
    assert page.status_code == 200 and "Fältarbete" in page.text and "Trygghetsronder" in page.text
