"""The Kontaktcenter's triage queue: routing rules, statuses, duplicates, audit, access."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import AuditEntry, Report


def _resident_report(client, lon: float = 12.29, lat: float = 58.285, category: str = "vandalism") -> str:  # type: ignore[no-untyped-def]
    client.get("/kontakt")
    r = client.post("/kontakt", data={"category": category, "lon": str(lon), "lat": str(lat), "when": "now",
                                      "csrf_token": client.cookies.get("trygg_csrf"),
                                      "contact_phone": "0701234567"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"].rsplit("/", 1)[1])


def _id(database: Database, public_id: str) -> int:
    with database.session() as s:
        return int(s.scalar(select(Report.id).where(Report.public_id == public_id)))


def test_a_rule_routes_by_area_and_category_and_the_queue_suggests_it(
        client, login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    kc = login("kc")
    kc.post("/triage/rules", data={"organisation": world.org_ids["bostad"], "area": world.area_ids["T002"],
                                   "category": "vandalism"})
    kc.post("/triage/rules", data={"organisation": world.org_ids["kommun"], "area": "", "category": ""})
    rid = _id(database, _resident_report(client))
    with database.session() as s:
        assert s.get(Report, rid).routed_to_id == world.org_ids["bostad"]  # routed on arrival
    other = _id(database, _resident_report(client, category="littering"))
    with database.session() as s:
        assert s.get(Report, other).routed_to_id == world.org_ids["kommun"]
    queue = kc.get("/triage")
    assert queue.status_code == 200 and f'href="/triage/{rid}"' in queue.text and "Eidar" in queue.text


def test_statuses_move_along_are_audited_and_shown_publicly(client, login, database: Database) -> None:  # type: ignore[no-untyped-def]
    public_id = _resident_report(client)
    rid = _id(database, public_id)
    kc = login("kc")
    page = kc.get(f"/triage/{rid}")
    assert page.status_code == 200 and "0701234567" in page.text  # the Kontaktcenter sees the contact
    r = kc.post(f"/triage/{rid}", data={"status": "triaged", "feedback_note": "Skickat till fastighetsägaren"},
                follow_redirects=False)
    assert r.status_code == 303
    bad = kc.post(f"/triage/{rid}", data={"status": "received2"})
    assert bad.status_code == 422
    kc.post(f"/triage/{rid}", data={"status": "resolved"})
    assert kc.post(f"/triage/{rid}", data={"status": "triaged"}).status_code == 422  # closed: only reopen
    status = client.get(f"/kontakt/status/{public_id}").text
    assert "Åtgärdad" in status and "Skickat till fastighetsägaren" in status
    with database.session() as s:
        actions = [(e.action, e.detail) for e in s.scalars(select(AuditEntry).where(AuditEntry.object_id == str(rid)))]
    assert ("read_contact", None) in actions
    assert [d["status"]["to"] for a, d in actions if a == "update" and "status" in d] == ["triaged", "resolved"]


def test_a_duplicate_names_the_report_it_duplicates(client, login, database: Database) -> None:  # type: ignore[no-untyped-def]
    first = _id(database, _resident_report(client))
    second = _id(database, _resident_report(client, lon=12.2901))
    kc = login("kc")
    assert f'href="/triage/{first}"' in kc.get(f"/triage/{second}").text  # shown as a nearby candidate
    assert kc.post(f"/triage/{second}", data={"status": "duplicate"}).status_code == 422
    assert kc.post(f"/triage/{second}", data={"status": "duplicate", "duplicate_of": str(first)},
                   follow_redirects=False).status_code == 303
    with database.session() as s:
        r = s.get(Report, second)
        assert r.status == "duplicate" and r.duplicate_of_id == first


def test_triage_is_for_the_kontaktcenter_and_coordinators(client, login) -> None:  # type: ignore[no-untyped-def]
    assert login("rapportor").get("/triage").status_code == 403
    assert login("samordnare").get("/triage").status_code == 200
    signed_out = client.get("/triage", headers={"accept": "text/html"}, follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login?next=%2Ftriage"


def test_the_queue_shows_a_report_filed_a_second_ago_on_its_first_page(client, login, database: Database,  # type: ignore[no-untyped-def]
                                                                       world) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from trygg.storage.schema import Report

    with database.session() as s:  # 120 older residents' reports, received 30 days ago (beyond one page)
        s.execute(update(Report).values(source="resident"))
        old = s.get(Report, world.report_ids[0])
        for i in range(120):
            insert_report(s, category="littering", description=f"Gammal {i}", lon=old.lon, lat=old.lat, x=old.x,
                          y=old.y, precision="exact", area_id=old.area_id, occurred_from=old.occurred_from,
                          source="resident", status="received")
        s.execute(update(Report).values(created_at=datetime.now(UTC) - timedelta(days=30)))
        fresh = insert_report(s, category="vandalism", description="Nyss", lon=old.lon, lat=old.lat, x=old.x,
                              y=old.y, precision="exact", area_id=old.area_id, occurred_from=old.occurred_from,
                              source="resident", status="received")
        fresh_id, fresh_public = fresh.id, fresh.public_id
    c = login("kc")
    page = c.get("/triage").text
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert f'href="/triage/{fresh_id}"' in first_row and "badge-bad" not in first_row
    assert "Sida 1 av 3" in page and 'id="next-page"' in page
    assert page.count('class="overdue"') == 49  # the 30-day-old cases are past the agreed 5 working days
    assert "Mottagen (127)" in page
    # Search by public id, and the filters.
    found = c.get(f"/triage?q={fresh_public[:8]}").text
    assert f'href="/triage/{fresh_id}"' in found and "1 rapporter" in found
    assert f'href="/triage/{fresh_id}"' not in c.get("/triage?age=10").text
    assert f'href="/triage/{fresh_id}"' in c.get("/triage?category=vandalism&routed=0").text
    assert "Sida 3 av 3" in c.get("/triage?page=3").text
