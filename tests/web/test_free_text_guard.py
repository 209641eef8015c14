"""Every free text that others read refuses personal data with the reports' field-level 422 (issue 16, item 7)."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import World
from trygg.domain.clock import today
from trygg.lagesbild.est_groups import GroupInput, create_group
from trygg.storage import meetings as meeting_store
from trygg.storage.database import Database

PHONE = "Ansvarig nås på 070-123 45 67"
VARIANTS = ["(070) 123 45 67", "070.123.45.67", "\uff10\uff17\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17",
            "811218.9876", "8 1 1 2 1 8 9 8 7 6", "anna.svensson [at] example.se", "anna.svensson\uff20example.se",
            "anna.svensson @ example.se"]
HTML = {"Accept": "text/html"}


def _refused(r, field: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "personal_data" and field in error["details"], error


def test_plan_texts_refuse_personal_data(api, world: World) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    _refused(c.post("/api/v1/plans", json={"year": 2025, "title": "Plan", "summary": PHONE}), "summary")
    plan = c.post("/api/v1/plans", json={"year": 2025, "title": "Åtgärdsplan 2025"}).json()
    for variant in VARIANTS:
        _refused(c.patch(f"/api/v1/plans/{plan['id']}", json={"summary": f"Kontakt: {variant}"}), "summary")
    _refused(c.post(f"/api/v1/plans/{plan['id']}/focus-areas", json={"title": "Klotter", "problem": PHONE}),
             "problem")
    r = c.post(f"/api/v1/plans/{plan['id']}/activities",
               json={"title": "Sanering", "kind": "situational", "owner_ids": [world.org_ids["bostad"]],
                     "description": "Ring anna.svensson [at] example.se"})
    _refused(r, "description")
    _refused(c.post(f"/api/v1/plans/{plan['id']}/status", json={"to": "consultation", "note": PHONE}), "note")
    assert c.get(f"/api/v1/plans/{plan['id']}").json()["summary"] == ""  # nothing was stored


def test_promise_and_activity_notes_refuse_personal_data(api, world: World) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    _refused(c.post("/api/v1/promises", json={"year": 2025, "title": "Löfte", "text": PHONE}), "text")
    promise = c.post("/api/v1/promises", json={"year": 2025, "title": "Medborgarlöfte"}).json()
    _refused(c.post(f"/api/v1/promises/{promise['id']}/commitments",
                    json={"party": "police", "text": "Kontakta 8 1 1 2 1 8 9 8 7 6"}), "text")
    plan = c.post("/api/v1/plans", json={"year": 2025, "title": "Åtgärdsplan 2025"}).json()
    act = c.post(f"/api/v1/plans/{plan['id']}/activities",
                 json={"title": "Sanering", "kind": "situational", "owner_ids": [world.org_ids["bostad"]]}).json()
    _refused(c.post(f"/api/v1/activities/{act['id']}/updates", json={"status": "ongoing", "note": PHONE}), "note")


def test_meeting_notes_and_actions_refuse_personal_data(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        group_id = create_group(s, GroupInput(name="EST Öst", area_ids=(world.area_ids["T002"],))).group.id
    c = login("samordnare")
    day = (today() - timedelta(days=1)).isoformat()
    r = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False,
               data={"held_on": day, "notes": "Fastighetsvärden: 070.123.45.67", "title": [""], "owner": [""],
                     "due": [""], "area": [""], "category": [""]})
    assert r.status_code == 422 and 'id="err-notes"' in r.text and "070.123.45.67" not in r.text.split("</textarea>")[1]
    r = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False,
               data={"held_on": day, "notes": "Fokus: torget", "title": ["Ring anna.svensson @ example.se"],
                     "owner": [str(world.org_ids["kommun"])], "due": [today().isoformat()], "area": [""],
                     "category": [""]})
    assert r.status_code == 422 and "e-postadress" in r.text
    with database.session() as s:
        assert meeting_store.list_meetings(s, group_id) == []
        meeting = meeting_store.create_meeting(s, group_id, today(), "Fokus: torget")
        action = meeting_store.add_action(s, meeting.id, title="Laga belysningen", due=today(),
                                          owner_organisation_id=world.org_ids["kommun"])
    r = c.post(f"/meetings/actions/{action.id}", headers=HTML, follow_redirects=False,
               data={"status": "done", "outcome": "Klart, ring (070) 123 45 67"})
    assert r.status_code == 422


def test_walk_notes_refuse_the_variants(api, world: World) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    for variant in VARIANTS:
        r = c.post("/api/v1/walks", json={"title": "Trygghetsrond", "planned_for": "2024-05-03T19:00:00+02:00",
                                          "notes": f"Samling hos {variant}"})
        _refused(r, "notes")
