"""The weekly EST meeting in the browser: prepare, record decisions, follow them up next time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import World
from tests.lagesbild.seed import seed_history
from trygg.domain.clock import today
from trygg.lagesbild.est_groups import GroupInput, create_group
from trygg.lagesbild.service import clear_cache
from trygg.storage import meetings as store
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, ShortTermAction

HTML = {"Accept": "text/html"}


@pytest.fixture
def group_id(database: Database, world: World) -> int:
    """An EST group owning Kronogården and Sylte, with a report history ending today."""
    clear_cache()
    seed_history(database, world, end=today())
    with database.session() as s:
        data = GroupInput(name="EST Öst", area_ids=(world.area_ids["T002"], world.area_ids["T003"]))
        return create_group(s, data).group.id


def _record(client, group_id: int, world: World, **extra: object):  # type: ignore[no-untyped-def]
    data = {"held_on": (today() - timedelta(days=7)).isoformat(), "notes": "Fokus: torget i Kronogården",
            "title": ["Extra väktarrond vid torget", "", "Laga belysningen vid gångvägen"],
            "owner": [str(world.org_ids["vakt"]), "", str(world.org_ids["kommun"])],
            "due": [today().isoformat(), "", (today() + timedelta(days=7)).isoformat()],
            "area": [str(world.area_ids["T002"]), "", ""], "category": ["vandalism", "", "unsafe_place"]}
    data.update(extra)
    return client.post(f"/meetings/{group_id}/record", data=data, follow_redirects=False, headers=HTML)


def test_the_group_page_shows_what_is_new_since_the_last_meeting(login, group_id: int) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert "EST Öst" in c.get("/meetings", headers=HTML).text
    page = c.get(f"/meetings/{group_id}", headers=HTML).text
    for text in ("Nytt de senaste 7 dagarna", "Trendlarm", "Nya brännpunkter", "Varningar för upprepning i närheten",
                 "Registrera mötet", 'name="owner"', "Kronogården", "Sylte"):
        assert text in page, text


def test_a_meeting_and_its_decisions_are_recorded_and_followed_up(login, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                                   group_id: int) -> None:
    c = login("samordnare")
    r = _record(c, group_id, world)
    assert r.status_code == 303 and r.headers["location"].startswith("/meetings/m/")
    meeting_page = c.get(r.headers["location"], headers=HTML).text
    assert "Extra väktarrond vid torget" in meeting_page and "Laga belysningen vid gångvägen" in meeting_page
    with database.session() as s:
        actions = list(s.scalars(select(ShortTermAction).order_by(ShortTermAction.id)))
        assert [(a.title, a.status, a.category) for a in actions] == [
            ("Extra väktarrond vid torget", "open", "vandalism"),
            ("Laga belysningen vid gångvägen", "open", "unsafe_place")]
        assert s.scalar(select(AuditEntry).where(AuditEntry.object_type == "est_meeting")) is not None
    # The next meeting (today) shows the open actions and the last meeting's decisions; record how one went.
    page = c.get(f"/meetings/{group_id}", headers=HTML).text
    assert "Nytt sedan förra mötet" in page and "Beslut från förra mötet" in page
    done = c.post(f"/meetings/actions/{actions[0].id}", data={"status": "done", "outcome": "Genomfört, lugnare",
                                                             "next": f"/meetings/{group_id}#actions"},
                  follow_redirects=False, headers=HTML)
    assert done.status_code == 303 and done.headers["location"] == f"/meetings/{group_id}?saved=action#actions"
    page = c.get(f"/meetings/{group_id}", headers=HTML).text
    assert "Genomfört, lugnare" in page and "Klar" in page
    with database.session() as s:
        assert [a.title for a in store.open_actions(s, group_id)] == ["Laga belysningen vid gångvägen"]


def test_a_decision_without_an_owner_is_refused_and_nothing_is_stored(login, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                                     group_id: int) -> None:
    r = _record(login("samordnare"), group_id, world, owner=["", "", str(world.org_ids["kommun"])])
    assert r.status_code == 422
    assert "Välj organisationen som äger åtgärden." in r.text and 'value="Extra väktarrond vid torget"' in r.text
    with database.session() as s:
        assert store.list_meetings(s, group_id) == []


def test_more_actions_can_be_added_to_a_meeting(login, database: Database, world: World, group_id: int) -> None:  # type: ignore[no-untyped-def]
    c = login("analytiker")
    with database.session() as s:
        meeting_id = store.create_meeting(s, group_id, today(), "").id
    r = c.post(f"/meetings/m/{meeting_id}/actions", headers=HTML, follow_redirects=False, data={
        "title": ["Riktad kontroll vid Sylte centrum"], "owner": [str(world.org_ids["polis"])],
        "due": [(today() + timedelta(days=3)).isoformat()], "area": [str(world.area_ids["T003"])], "category": [""]})
    assert r.status_code == 303
    assert "Riktad kontroll vid Sylte centrum" in c.get(f"/meetings/m/{meeting_id}", headers=HTML).text
    bad = c.post(f"/meetings/m/{meeting_id}/actions", headers=HTML, data={"title": [""], "owner": [""], "due": [""]})
    assert bad.status_code == 422


def test_meetings_need_the_right_role_and_a_csrf_token(client, login, world: World, group_id: int) -> None:  # type: ignore[no-untyped-def]
    assert login("lasare").get(f"/meetings/{group_id}").status_code == 403
    assert client.get(f"/meetings/{group_id}", headers=HTML, follow_redirects=False).status_code == 303
    c = login("samordnare")
    c.headers.pop("X-CSRF-Token")
    assert _record(c, group_id, world).status_code == 403
    assert login("samordnare").get("/meetings/99999", headers=HTML).status_code == 404
