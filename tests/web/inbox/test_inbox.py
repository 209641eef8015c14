"""The inbox ("Att göra") and actions tied to their causes: API and pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import World
from trygg.domain.clock import today
from trygg.lagesbild.est_groups import GroupInput, create_group
from trygg.storage import meetings as meeting_store
from trygg.storage.database import Database
from trygg.storage.schema import ActionNote, Notification, User

HTML = {"Accept": "text/html"}


def _new_action(api, world: World, **extra: object):  # type: ignore[no-untyped-def]
    body = {"title": "Städa och laga belysningen vid gångtunneln", "owner_organisation": world.org_ids["skola"],
            "due": (today() + timedelta(days=10)).isoformat(), "report_ids": [world.report_ids[0]]}
    body.update(extra)
    return api("samordnare").post("/api/v1/actions", json=body)


def test_an_action_from_a_report_reaches_the_owners_inbox_and_the_reporter(api, world: World,  # type: ignore[no-untyped-def]
                                                                          database: Database) -> None:
    with database.session() as s:
        s.get(User, world.user_ids["rapportor2"]).email = "skola@example.org"
    r = _new_action(api, world)
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["status"] == "open" and action["report_ids"] == [world.report_ids[0]]
    assert action["owner_organisation"]["id"] == world.org_ids["skola"]
    # The owning organisation finds it in its inbox; another organisation does not, nor can it read it.
    inbox = api("rapportor2").get("/api/v1/inbox").json()
    assert [(i["kind"], i["id"]) for i in inbox["items"]] == [("action", action["id"])]
    assert inbox["counts"] == {"open": 1, "overdue": 0}
    assert api("rapportor").get("/api/v1/inbox").json()["items"] == []
    assert api("rapportor").get(f"/api/v1/actions/{action['id']}").status_code == 404
    # A coordinator sees every inbox, or one organisation's.
    assert action["id"] in [i["id"] for i in api("samordnare").get("/api/v1/inbox").json()["items"]]
    other = api("samordnare").get(f"/api/v1/inbox?organisation={world.org_ids['polis']}").json()
    assert other["items"] == []
    # The owner moves it along with notes; the history keeps each step.
    owner = api("rapportor2")
    assert owner.patch(f"/api/v1/actions/{action['id']}", json={"status": "in_progress"}).status_code == 200
    done = owner.patch(f"/api/v1/actions/{action['id']}",
                       json={"status": "done", "note": "Lampan bytt, tunneln städad"})
    assert done.status_code == 200, done.text
    notes = done.json()["notes"]
    assert [(n["from_status"], n["to_status"]) for n in notes] == [(None, "open"), ("open", "in_progress"),
                                                                   ("in_progress", "done")]
    assert notes[-1]["note"] == "Lampan bytt, tunneln städad"
    assert notes[-1]["organisation"] == "Utbildningsförvaltningen"
    # The reporter of the report sees the action and its status on the report.
    report = api("rapportor").get(f"/api/v1/reports/{world.report_ids[0]}").json()
    assert report["actions"] == [{"id": action["id"], "title": "Städa och laga belysningen vid gångtunneln",
                                  "status": "done", "due": action["due"],
                                  "owner_organisation": "Utbildningsförvaltningen",
                                  "outcome": "Lampan bytt, tunneln städad"}]
    # The owner was told by e-mail (through the outbox), in the same transaction as the action.
    with database.session() as s:
        kinds = [(n.kind, n.recipient) for n in s.scalars(select(Notification))]
    assert ("action_assigned", "skola@example.org") in kinds


def test_bad_actions_are_refused_field_by_field(api, world: World) -> None:  # type: ignore[no-untyped-def]
    r = _new_action(api, world, owner_organisation=99999, report_ids=[99999], cell="nonsense")
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert set(details) >= {"owner_organisation", "report_ids"} or set(details) == {"report_ids"}
    r = _new_action(api, world, owner_organisation=99999, cell="nonsense")
    assert r.status_code == 422 and set(r.json()["error"]["details"]) == {"owner_organisation", "cell"}
    # Only the EST coordinators create actions; a reporter may not.
    assert api("rapportor").post("/api/v1/actions", json={"title": "x", "owner_organisation": 1,
                                                          "due": "2030-01-01"}).status_code == 403
    action_id = _new_action(api, world).json()["id"]
    bad = api("rapportor2").patch(f"/api/v1/actions/{action_id}", json={"status": "finished"})
    assert bad.status_code == 422 and "status" in bad.json()["error"]["details"]
    # A viewer of another organisation cannot change it (not even see it).
    assert api("lasare").patch(f"/api/v1/actions/{action_id}", json={"status": "done"}).status_code == 404


def test_an_overdue_action_counts_working_days_only(api, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    from trygg.domain.holidays import working_days_between

    due = today() - timedelta(days=10)
    action_id = _new_action(api, world, due=due.isoformat()).json()["id"]
    item = next(i for i in api("rapportor2").get("/api/v1/inbox").json()["items"] if i["id"] == action_id)
    assert item["overdue"] is True and item["overdue_working_days"] == working_days_between(due, today())
    assert working_days_between(date(2024, 12, 23), date(2024, 12, 27)) == 1  # Christmas Eve to Boxing Day


def test_the_inbox_page_and_the_action_page_close_an_action_with_a_note(login, api, world: World,  # type: ignore[no-untyped-def]
                                                                        database: Database) -> None:
    action_id = _new_action(api, world).json()["id"]
    c = login("rapportor2")
    page = c.get("/inbox", headers=HTML).text
    assert "Att göra" in page and "Städa och laga belysningen vid gångtunneln" in page
    r = c.post(f"/inbox/actions/{action_id}", data={"status": "done", "note": "Klart, belysningen fungerar"},
               follow_redirects=False, headers=HTML)
    assert r.status_code == 303
    page = c.get(f"/inbox/actions/{action_id}", headers=HTML).text
    assert "Klart, belysningen fungerar" in page and "Klar" in page
    # The reporter's own reports list shows the action and its status.
    mine = login("rapportor").get("/report/mine", headers=HTML).text
    assert "Städa och laga belysningen vid gångtunneln" in mine and 'data-status="done"' in mine
    # The coordinator's next meeting shows what happened since the last one.
    with database.session() as s:
        group = create_group(s, GroupInput(name="EST Centrum", area_ids=(world.area_ids["T001"],))).group
        meeting_store.create_meeting(s, group.id, today() - timedelta(days=7))
        group_id = group.id
    with database.session() as s:
        assert len(list(s.scalars(select(ActionNote).where(ActionNote.action_id == action_id)))) == 2
    page = login("samordnare").get(f"/meetings/{group_id}", headers=HTML).text
    assert "Vad har hänt sedan förra mötet" in page and "Klart, belysningen fungerar" in page


def test_an_action_is_recorded_at_the_meeting_from_a_report(login, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        group_id = create_group(s, GroupInput(name="EST Centrum", area_ids=(world.area_ids["T001"],))).group.id
    c = login("samordnare")
    report_page = c.get(f"/reports/{world.report_ids[0]}", headers=HTML).text
    assert f'href="/meetings/{group_id}?report={world.report_ids[0]}#record-form"' in report_page
    form = c.get(f"/meetings/{group_id}?report={world.report_ids[0]}", headers=HTML).text
    assert f'value="{world.report_ids[0]}"' in form
    r = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False, data={
        "held_on": today().isoformat(), "title": ["Laga lampan"], "owner": [str(world.org_ids["skola"])],
        "due": [(today() + timedelta(days=7)).isoformat()], "area": [""], "category": [""],
        "reports": [str(world.report_ids[0])], "attendee": [str(world.org_ids["skola"])]})
    assert r.status_code == 303, r.text
    with database.session() as s:
        meeting_id = int(r.headers["location"].split("/")[3].split("?")[0])
        assert [o.short_name for o in meeting_store.attendees(s, meeting_id)] == ["skola"]
        action = meeting_store.meeting_actions(s, meeting_id)[0]
        from trygg.storage.actions import report_ids_of

        assert report_ids_of(s, action.id) == [world.report_ids[0]]
    bad = c.post(f"/meetings/{group_id}/record", headers=HTML, data={
        "held_on": today().isoformat(), "title": ["Laga lampan"], "owner": [str(world.org_ids["skola"])],
        "due": [today().isoformat()], "area": [""], "category": [""], "reports": ["123456"]})
    assert bad.status_code == 422 and "Ingen rapport med det numret" in bad.text


def test_a_resident_who_left_an_address_is_told_of_status_and_feedback(login, database: Database,  # type: ignore[no-untyped-def]
                                                                       world: World) -> None:
    from trygg.storage import intake as intake_store
    from trygg.storage import retention
    from trygg.storage.schema import Report

    rid = world.report_ids[1]
    with database.session() as s:
        s.get(Report, rid).source = "resident"
        intake_store.add_contact(s, rid, email="boende@example.org", lang="en")
    r = login("kc").post(f"/triage/{rid}", data={"status": "resolved", "feedback_note": "The lamp is fixed",
                                                 "routed_to": "", "duplicate_of": ""}, follow_redirects=False)
    assert r.status_code == 303
    with database.session() as s:
        rows = list(s.scalars(select(Notification).where(Notification.report_id == rid)))
        assert [(n.kind, n.recipient, n.lang) for n in rows] == [("resident_update", "boende@example.org", "en")]
        assert "Resolved" in rows[0].body and "The lamp is fixed" in rows[0].body
    # Retention deletes the address with the resident's queued e-mails.
    with database.session() as s:
        retention.set_policy(s, s.get(Report, rid).category, 30)  # the report is from 2024
    with database.session() as s:
        retention.run(s)
    with database.session() as s:
        assert list(s.scalars(select(Notification).where(Notification.report_id == rid))) == []
        assert intake_store.contact_of(s, rid) is None


def test_a_user_sets_the_address_for_notifications(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor2")
    bad = c.post("/account/email", data={"email": "inte en adress"}, headers=HTML)
    assert bad.status_code == 422 and "Inte en e-postadress" in bad.text
    ok = c.post("/account/email", data={"email": "park@example.org"}, follow_redirects=False, headers=HTML)
    assert ok.status_code == 303
    with database.session() as s:
        assert s.get(User, world.user_ids["rapportor2"]).email == "park@example.org"  # type: ignore[union-attr]
    assert 'value="park@example.org"' in c.get("/account", headers=HTML).text
    c.post("/account/email", data={"email": ""}, headers=HTML)
    with database.session() as s:
        assert s.get(User, world.user_ids["rapportor2"]).email is None  # type: ignore[union-attr]


def test_a_partner_report_opens_from_lists_and_map_popups_for_those_allowed(login, world: World) -> None:  # type: ignore[no-untyped-def]
    skola_report = world.report_ids[3]  # Utbildningsförvaltningen's littering report
    coordinator = login("samordnare")
    points = coordinator.get("/api/v1/lagesbild/points.geojson?start=2024-04-01&end=2024-06-01").json()
    urls = {f["properties"]["url"] for f in points["features"]}
    assert f"/reports/{skola_report}" in urls
    page = coordinator.get(f"/reports/{skola_report}", headers=HTML)
    assert page.status_code == 200 and "Testrapport 3" in page.text and 'id="handle-in-triage"' in page.text
    assert f'href="/reports/{world.report_ids[0]}"' in coordinator.get("/", headers=HTML).text  # the start page
    # A viewer of another organisation may not read it (the school shares no details): 404, no link on the map.
    viewer = login("lasare")
    assert viewer.get(f"/reports/{skola_report}", headers=HTML).status_code == 404
    mine = viewer.get("/api/v1/lagesbild/points.geojson?start=2024-04-01&end=2024-06-01").json()
    assert f"/reports/{skola_report}" not in {f["properties"]["url"] for f in mine["features"]}


def test_an_action_is_recorded_from_a_hot_spot_cell(login, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    from trygg.domain.geo import to_sweref
    from trygg.storage.schema import ShortTermAction

    with database.session() as s:
        group_id = create_group(s, GroupInput(name="EST Kronogården", area_ids=(world.area_ids["T002"],))).group.id
    x, y = to_sweref(12.29, 58.285)  # inside Kronogården
    cell = f"{x:.0f},{y:.0f}"
    c = login("samordnare")
    form = c.get(f"/meetings/{group_id}?cell={cell}", headers=HTML).text
    assert f'name="cell" value="{cell}"' in form and 'id="from-cell"' in form
    r = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False, data={
        "held_on": today().isoformat(), "title": ["Extra rond kring torget"], "owner": [str(world.org_ids["vakt"])],
        "due": [(today() + timedelta(days=7)).isoformat()], "area": [""], "category": [""], "reports": [""],
        "cell": [cell]})
    assert r.status_code == 303, r.text
    with database.session() as s:
        action = s.scalars(select(ShortTermAction)).one()
        assert action.cell == cell and action.area_id == world.area_ids["T002"]
    bad = c.post(f"/meetings/{group_id}/record", headers=HTML, data={
        "held_on": today().isoformat(), "title": ["X"], "owner": [str(world.org_ids["vakt"])],
        "due": [today().isoformat()], "area": [""], "category": [""], "reports": [""], "cell": ["1,2"]})
    assert bad.status_code == 422 and "SWEREF 99 TM" in bad.text
