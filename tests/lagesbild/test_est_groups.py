"""The EST groups service: validation, confirmed area moves, members, archive and delete rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import World
from trygg.errors import Conflict, ValidationError
from trygg.lagesbild import est_groups as service
from trygg.storage import meetings as store
from trygg.storage.database import Database
from trygg.storage.schema import Area, EstGroup, est_group_members


def _input(world: World, name: str = "EST Öst", areas: tuple[str, ...] = ("T002", "T003"),
           members: tuple[str, ...] = ("kommun", "polis"), **extra: object) -> service.GroupInput:
    return service.GroupInput(name=name, description="Kronogården och Sylte",
                              area_ids=tuple(world.area_ids[c] for c in areas),
                              member_ids=tuple(world.org_ids[k] for k in members), **extra)  # type: ignore[arg-type]


def test_a_group_is_created_with_its_districts_members_and_meeting_day(database: Database, world: World) -> None:
    with database.session() as s:
        saved = service.create_group(s, _input(world, meeting_weekday=1, meeting_time="09:30"))
        s.commit()
        gid = saved.group.id
    with database.session() as s:
        group = store.get_group(s, gid)
        assert [a.name for a in store.group_areas(s, gid)] == ["Kronogården", "Sylte"]
        assert [o.name for o in service.group_members(s, gid)] == ["Polisen LPO Trollhättan", "Trollhättans Stad"]
        assert (group.archived, group.meeting_weekday, group.meeting_time) == (False, 1, "09:30")


def test_a_name_is_unique_whatever_its_case(database: Database, world: World) -> None:
    with database.session() as s:
        service.create_group(s, _input(world))
        s.commit()
        with pytest.raises(ValidationError) as exc:
            service.create_group(s, _input(world, name="  est öst ", areas=("T001",)))
        assert "already exists" in exc.value.fields["name"]


def test_bad_input_gives_one_error_per_field(database: Database, world: World) -> None:
    with database.session() as s:
        errors = service.validate(s, service.GroupInput(
            name=" ", description="x" * 4001, area_ids=(world.area_ids["muni"],), member_ids=(99999,),
            meeting_weekday=7, meeting_time="25:00"))
    assert set(errors) == {"name", "description", "areas", "members", "meeting_weekday", "meeting_time"}
    with database.session() as s:
        assert service.validate(s, service.GroupInput(name="EST Ny"))["areas"].startswith("Choose at least one")
        assert "meeting_weekday" in service.validate(s, _input(world, meeting_time="18:00"))


def test_taking_a_district_of_another_group_needs_a_confirmed_move(database: Database, world: World) -> None:
    with database.session() as s:
        east = service.create_group(s, _input(world)).group
        s.commit()
        taking = _input(world, name="EST Centrum", areas=("T001", "T002"))
        with pytest.raises(ValidationError) as exc:
            service.create_group(s, taking)
        assert "another EST group" in exc.value.fields["areas"]
        s.rollback()
        assert [c.area.name for c in service.pending_moves(s, taking.area_ids, None)] == ["Kronogården"]
        saved = service.create_group(s, _input(world, name="EST Centrum", areas=("T001", "T002"),
                                               confirm_moves=frozenset({world.area_ids["T002"]})))
        s.commit()
        assert saved.moved_from == {world.area_ids["T002"]: east.id}
        assert [a.name for a in store.group_areas(s, east.id)] == ["Sylte"]
        assert [a.name for a in store.group_areas(s, saved.group.id)] == ["Centrum", "Kronogården"]


def test_an_update_renames_and_frees_the_districts_left_out(database: Database, world: World) -> None:
    with database.session() as s:
        gid = service.create_group(s, _input(world)).group.id
        s.commit()
        saved = service.update_group(s, gid, _input(world, name="EST Öster", areas=("T002",), members=("polis",)))
        s.commit()
        assert saved.changes == {"name": ["EST Öst", "EST Öster"], "areas_removed": [world.area_ids["T003"]],
                                 "members_removed": [world.org_ids["kommun"]]}
        assert s.get(Area, world.area_ids["T003"]).est_group_id is None  # type: ignore[union-attr]
        # Keeping its own districts and its own name is no move and no clash.
        assert service.update_group(s, gid, _input(world, name="EST Öster", areas=("T002",),
                                                   members=("polis",))).changes == {}


def test_a_group_with_meetings_cannot_be_deleted_but_can_be_archived(database: Database, world: World) -> None:
    with database.session() as s:
        gid = service.create_group(s, _input(world)).group.id
        store.create_meeting(s, gid, date(2024, 5, 7))
        s.commit()
        with pytest.raises(Conflict):
            service.delete_group(s, gid)
        service.set_archived(s, gid, True)
        s.commit()
        assert [o.group.id for o in store.group_overviews(s, archived=True)] == [gid]
        assert store.group_overviews(s) == []
        assert [a.name for a in store.group_areas(s, gid)] == ["Kronogården", "Sylte"]  # history kept


def test_deleting_a_group_without_meetings_frees_its_districts(database: Database, world: World) -> None:
    with database.session() as s:
        gid = service.create_group(s, _input(world)).group.id
        s.commit()
        gone = service.delete_group(s, gid)
        s.commit()
        assert gone["areas"] == sorted([world.area_ids["T002"], world.area_ids["T003"]])
        assert s.get(EstGroup, gid) is None
        assert s.scalar(select(Area.id).where(Area.est_group_id == gid)) is None
        assert list(s.execute(select(est_group_members))) == []
