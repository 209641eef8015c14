"""EST groups created and managed in the browser: the form, confirmed moves, archive and delete, rights."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import World
from tests.lagesbild.seed import seed_history
from trygg.domain.clock import today
from trygg.lagesbild.service import clear_cache
from trygg.storage import meetings as store
from trygg.storage.database import Database
from trygg.storage.schema import Area, AuditEntry, EstGroup

HTML = {"Accept": "text/html"}


def _form(world: World, name: str = "EST Öst", areas: tuple[str, ...] = ("T002", "T003"),
          members: tuple[str, ...] = ("kommun", "polis", "bostad"), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "description": "Kronogården och Sylte",
                            "areas": [str(world.area_ids[c]) for c in areas],
                            "members": [str(world.org_ids[k]) for k in members],
                            "meeting_weekday": "1", "meeting_time": "09:00"}
    data.update(extra)
    return data


def _create(client, world: World, **kw: Any):  # type: ignore[no-untyped-def]
    return client.post("/meetings/groups/new", data=_form(world, **kw), headers=HTML, follow_redirects=False)


def _audit(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.object_type == "est_group",
                                                       AuditEntry.action == action).order_by(AuditEntry.id)))


def _group_id(database: Database, name: str) -> int:
    with database.session() as s:
        gid = s.scalar(select(EstGroup.id).where(EstGroup.name == name))
        assert gid is not None
        return gid


def test_the_coordinator_creates_a_group_and_runs_its_meeting(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    clear_cache()
    seed_history(database, world, end=today())
    c = login("samordnare")
    index = c.get("/meetings", headers=HTML).text
    assert "Ny EST-grupp" in index and 'href="/meetings/groups/new"' in index
    page = c.get("/meetings/groups/new", headers=HTML).text
    for text in ("Stadsdelar som gruppen omfattar", "Kronogården", "Deltagande organisationer", "Vaktbolaget",
                 'id="group-area-map"', "group-area-data", 'name="csrf_token"', ">Tisdag<"):
        assert text in page, text
    r = _create(c, world)
    assert r.status_code == 303, r.text
    gid = _group_id(database, "EST Öst")
    assert r.headers["location"] == f"/meetings/{gid}?saved=group"
    group_page = c.get(r.headers["location"], headers=HTML).text
    for text in ("Sparat.", "Kronogården", "Sylte", "Eidar", "Ordinarie möte: tisdag 09:00", "Ändra gruppen",
                 "Trendlarm", 'label="Gruppens deltagare"'):
        assert text in group_page, text
    assert "Halvorstorp" not in group_page.split("Registrera mötet")[0]
    listing = c.get("/meetings", headers=HTML).text
    assert "EST Öst" in listing and "Polisen LPO Trollhättan" in listing
    [entry] = _audit(database, "create")
    assert entry.object_id == str(gid) and entry.user_id == world.user_ids["samordnare"]
    assert entry.detail["areas"] == sorted([world.area_ids["T002"], world.area_ids["T003"]])  # type: ignore[index]
    assert len(entry.detail["members"]) == 3  # type: ignore[index]
    # The meeting of the new group is recorded as before.
    rec = c.post(f"/meetings/{gid}/record", headers=HTML, follow_redirects=False, data={
        "held_on": today().isoformat(), "notes": "", "title": ["Belysning vid torget"],
        "owner": [str(world.org_ids["kommun"])], "due": [(today() + timedelta(days=7)).isoformat()],
        "area": [str(world.area_ids["T002"])], "category": [""]})
    assert rec.status_code == 303


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": " "}, "name", "Ge gruppen ett namn."),
    ({"areas": []}, "areas", "Välj minst en stadsdel som gruppen omfattar."),
    ({"areas": ["abc"]}, "areas", "Välj stadsdelar i listan."),
    ({"members": ["99999"]}, "members", "Välj organisationer i listan (en av dem finns inte)."),
    ({"meeting_time": "9.00"}, "meeting_time", "Ange tiden som TT:MM, till exempel 09:30."),
    ({"meeting_weekday": "9"}, "meeting_weekday", "Välj en veckodag i listan."),
])
def test_bad_input_is_refused_with_a_field_message_and_the_form_kept(  # type: ignore[no-untyped-def]
        login, database: Database, world: World, change: dict[str, Any], field: str, message: str) -> None:
    r = login("samordnare").post("/meetings/groups/new", data={**_form(world), **change}, headers=HTML)
    assert r.status_code == 422
    assert message in r.text and f'id="err-{field}"' in r.text
    assert "Kronogården och Sylte" in r.text  # what was typed is kept
    with database.session() as s:
        assert s.scalar(select(EstGroup.id)) is None
    assert _audit(database, "create") == []


def test_a_taken_name_gets_a_friendly_field_error(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert _create(c, world).status_code == 303
    r = _create(c, world, name="est öst", areas=("T001",))
    assert r.status_code == 422
    assert "Det finns redan en EST-grupp med det namnet" in r.text and 'aria-invalid="true"' in r.text


def test_moving_a_district_from_another_group_must_be_confirmed(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("analytiker")
    assert _create(c, world).status_code == 303
    east = _group_id(database, "EST Öst")
    form_page = c.get("/meetings/groups/new", headers=HTML).text
    moving = f'id="move-{world.area_ids["T002"]}" hidden'
    assert "nu i EST Öst" in form_page and moving in form_page  # who owns Kronogården now; no move yet
    r = _create(c, world, name="EST Centrum", areas=("T001", "T002"))
    assert r.status_code == 422
    assert "Bekräfta flytten av varje stadsdel" in r.text and 'id="err-areas"' in r.text
    assert "Flytta Kronogården från EST Öst till den här gruppen" in r.text and moving not in r.text
    with database.session() as s:
        assert s.get(Area, world.area_ids["T002"]).est_group_id == east  # type: ignore[union-attr]
        assert s.scalar(select(EstGroup.id).where(EstGroup.name == "EST Centrum")) is None
    ok = _create(c, world, name="EST Centrum", areas=("T001", "T002"), confirm_move=[str(world.area_ids["T002"])])
    assert ok.status_code == 303
    centre = _group_id(database, "EST Centrum")
    with database.session() as s:
        assert [a.name for a in store.group_areas(s, east)] == ["Sylte"]
        assert [a.name for a in store.group_areas(s, centre)] == ["Centrum", "Kronogården"]
    updates = _audit(database, "update")
    assert [(e.object_id, e.detail) for e in updates] == [
        (str(east), {"areas_moved_to": centre, "areas": [world.area_ids["T002"]]})]
    [created] = [e for e in _audit(database, "create") if e.object_id == str(centre)]
    assert created.detail["moved_from"] == {str(world.area_ids["T002"]): east}  # type: ignore[index]


def test_a_group_is_renamed_and_its_districts_and_members_changed(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("admin")
    assert _create(c, world).status_code == 303
    gid = _group_id(database, "EST Öst")
    edit = c.get(f"/meetings/{gid}/edit", headers=HTML).text
    assert 'value="EST Öst"' in edit and "Arkivera gruppen" in edit and "Ta bort gruppen" in edit
    r = c.post(f"/meetings/{gid}/edit", headers=HTML, follow_redirects=False,
               data=_form(world, name="EST Kronogården", areas=("T002",), members=("polis",), meeting_weekday="",
                          meeting_time=""))
    assert r.status_code == 303
    with database.session() as s:
        group = store.get_group(s, gid)
        assert (group.name, group.meeting_weekday, group.meeting_time) == ("EST Kronogården", None, None)
        assert [a.name for a in store.group_areas(s, gid)] == ["Kronogården"]
        assert [o.name for o in group.members] == ["Polisen LPO Trollhättan"]
    [entry] = _audit(database, "update")
    assert entry.detail["name"] == ["EST Öst", "EST Kronogården"]  # type: ignore[index]
    assert entry.detail["areas_removed"] == [world.area_ids["T003"]]  # type: ignore[index]
    # Saving again without a change writes nothing more to the audit trail.
    c.post(f"/meetings/{gid}/edit", headers=HTML, data=_form(world, name="EST Kronogården", areas=("T002",),
                                                              members=("polis",), meeting_weekday="", meeting_time=""))
    assert len(_audit(database, "update")) == 1


def test_a_group_with_meetings_is_archived_not_deleted(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert _create(c, world).status_code == 303
    gid = _group_id(database, "EST Öst")
    with database.session() as s:
        store.create_meeting(s, gid, today() - timedelta(days=7))
        s.commit()
    edit = c.get(f"/meetings/{gid}/edit", headers=HTML).text
    assert "Gruppen har 1 registrerade möten och kan därför inte tas bort" in edit
    assert f'action="/meetings/{gid}/delete"' not in edit
    refused = c.post(f"/meetings/{gid}/delete", data={"confirm": "1"}, headers=HTML)
    assert refused.status_code == 409
    r = c.post(f"/meetings/{gid}/archive", headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    listing = c.get("/meetings", headers=HTML).text
    active, archived = listing.split("Arkiverade grupper", 1)
    assert "EST Öst" not in active and "EST Öst" in archived
    page = c.get(f"/meetings/{gid}", headers=HTML).text
    assert "Gruppen är arkiverad" in page and "Registrera mötet" not in page and "Tidigare möten" in page
    record = c.post(f"/meetings/{gid}/record", headers=HTML, data={"held_on": today().isoformat()})
    assert record.status_code == 409
    assert c.post(f"/meetings/{gid}/restore", headers=HTML, follow_redirects=False).status_code == 303
    assert "EST Öst" in c.get("/meetings", headers=HTML).text.split("Arkiverade grupper")[0]
    assert [e.action for e in _audit(database, "archive") + _audit(database, "restore")] == ["archive", "restore"]


def test_a_group_without_meetings_is_deleted_after_confirmation(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert _create(c, world).status_code == 303
    gid = _group_id(database, "EST Öst")
    assert c.post(f"/meetings/{gid}/delete", headers=HTML, data={}).status_code == 422
    r = c.post(f"/meetings/{gid}/delete", headers=HTML, data={"confirm": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/meetings?saved=deleted"
    with database.session() as s:
        assert s.get(EstGroup, gid) is None
        assert s.get(Area, world.area_ids["T002"]).est_group_id is None  # type: ignore[union-attr]
    [entry] = _audit(database, "delete")
    assert entry.detail["name"] == "EST Öst"  # type: ignore[index]
    assert "EST-gruppen är borttagen." in c.get("/meetings?saved=deleted", headers=HTML).text


def test_a_group_left_without_districts_shows_no_brief_of_the_whole_municipality(  # type: ignore[no-untyped-def]
        login, database: Database, world: World) -> None:
    c = login("samordnare")
    assert _create(c, world, areas=("T002",)).status_code == 303
    east = _group_id(database, "EST Öst")
    assert _create(c, world, name="EST Centrum", areas=("T002",),
                   confirm_move=[str(world.area_ids["T002"])]).status_code == 303
    page = c.get(f"/meetings/{east}", headers=HTML).text
    assert "Gruppen omfattar inga stadsdelar" in page and "Trendlarm" not in page


def test_only_the_meeting_roles_manage_groups(client, login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    assert login("samordnare").post("/meetings/groups/new", data=_form(world), headers=HTML,
                                    follow_redirects=False).status_code == 303
    gid = _group_id(database, "EST Öst")
    for user in ("lasare", "rapportor", "signatar", "kc"):
        c = login(user)
        assert c.get("/meetings/groups/new", headers=HTML).status_code == 403, user
        assert _create(c, world, name=f"EST {user}").status_code == 403, user
        assert c.post(f"/meetings/{gid}/edit", data=_form(world, name="Kapad"), headers=HTML).status_code == 403
        assert c.post(f"/meetings/{gid}/archive", headers=HTML).status_code == 403
        assert c.post(f"/meetings/{gid}/delete", data={"confirm": "1"}, headers=HTML).status_code == 403
    assert "Ny EST-grupp" not in login("kc").get("/", headers=HTML).text
    anonymous = client.get("/meetings/groups/new", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    with database.session() as s:
        assert [g.name for g in s.scalars(select(EstGroup))] == ["EST Öst"]
        assert s.get(EstGroup, gid).archived is False  # type: ignore[union-attr]


def test_every_group_form_needs_the_csrf_token(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert _create(c, world).status_code == 303
    gid = _group_id(database, "EST Öst")
    c.headers.pop("X-CSRF-Token")
    assert _create(c, world, name="EST Väst", areas=("T001",)).status_code == 403
    assert c.post(f"/meetings/{gid}/edit", data=_form(world, name="Utan token"), headers=HTML).status_code == 403
    assert c.post(f"/meetings/{gid}/archive", headers=HTML).status_code == 403
    assert c.post(f"/meetings/{gid}/delete", data={"confirm": "1"}, headers=HTML).status_code == 403
    with database.session() as s:
        assert [(g.name, g.archived) for g in s.scalars(select(EstGroup))] == [("EST Öst", False)]
    assert len(_audit(database, "create")) == 1 and _audit(database, "update") == []
