"""Meeting minutes (protokoll): generated from the meeting, archived, sent to the participants."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from tests.factories import World
from trygg.domain.clock import today
from trygg.lagesbild.est_groups import GroupInput, create_group
from trygg.notify.mailer import MboxTransport
from trygg.notify.sender import run_once
from trygg.storage import meetings as meeting_store
from trygg.storage.database import Database
from trygg.storage.schema import MeetingMinutes, Notification, User

HTML = {"Accept": "text/html"}


def test_minutes_list_new_and_followed_up_actions_and_reach_the_participants(  # type: ignore[no-untyped-def]
        login, api, world: World, database: Database, tmp_path: Path) -> None:
    with database.session() as s:
        s.get(User, world.user_ids["rapportor2"]).email = "skola@example.org"
        group_id = create_group(s, GroupInput(name="EST Centrum", area_ids=(world.area_ids["T001"],))).group.id
    c = login("samordnare")
    first = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False, data={
        "held_on": (today() - timedelta(days=14)).isoformat(), "notes": "Fokus: gångtunneln",
        "title": ["Laga belysningen i gångtunneln"], "owner": [str(world.org_ids["skola"])],
        "due": [(today() - timedelta(days=7)).isoformat()], "area": [""], "category": [""],
        "reports": [str(world.report_ids[0])], "attendee": [str(world.org_ids["skola"])]})
    first_id = int(first.headers["location"].split("/")[3].split("?")[0])
    r = c.post(f"/meetings/m/{first_id}/minutes", headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    with database.session() as s:
        minutes = s.scalars(select(MeetingMinutes)).one()
        assert minutes.pdf.startswith(b"%PDF") and minutes.version == 1
        assert "Laga belysningen i gångtunneln" in minutes.html and "Utbildningsförvaltningen" in minutes.html
        assert f">{world.report_ids[0]}<" in minutes.html  # the report that caused it
        mail = s.scalars(select(Notification).where(Notification.kind == "minutes")).one()
        assert mail.recipient == "skola@example.org" and mail.minutes_id == minutes.id
        action_id = meeting_store.meeting_actions(s, first_id)[0].id
    page = c.get(f"/meetings/m/{first_id}", headers=HTML).text
    assert f"/meetings/m/{first_id}/minutes/{minutes.id}.pdf" in page
    pdf = c.get(f"/meetings/m/{first_id}/minutes/{minutes.id}.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content == minutes.pdf
    # The participants get the PDF attached.
    path = tmp_path / "mail.mbox"
    assert run_once(database, MboxTransport(path), sender_address="trygg@example.org").sent >= 1
    box = mailbox.mbox(str(path))
    sent = next(m for m in box if m["To"] == "skola@example.org" and "Protokoll" in m["Subject"])
    attachments = [p.get_filename() for p in sent.walk() if p.get_filename()]
    assert attachments == [f"protokoll-{(today() - timedelta(days=14)).isoformat()}-v1.pdf"]
    box.close()
    # The owner closes the action; the next meeting's minutes follow it up as finished.
    api("rapportor2").patch(f"/api/v1/actions/{action_id}", json={"status": "done", "note": "Lamporna bytta"})
    second = c.post(f"/meetings/{group_id}/record", headers=HTML, follow_redirects=False, data={
        "held_on": today().isoformat(), "title": [""], "owner": [""], "due": [""], "area": [""],
        "category": [""], "reports": [""], "attendee": [str(world.org_ids["skola"])]})
    second_id = int(second.headers["location"].split("/")[3].split("?")[0])
    c.post(f"/meetings/m/{second_id}/minutes", headers=HTML)
    with database.session() as s:
        latest = s.scalars(select(MeetingMinutes).where(MeetingMinutes.meeting_id == second_id)).one()
        followed = latest.html.split('id="followed-actions"')[1]
        assert "Laga belysningen i gångtunneln" in followed and "Klar" in followed and "Lamporna bytta" in followed
