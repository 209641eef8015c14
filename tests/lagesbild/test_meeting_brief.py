"""What an EST group sees before its meeting, and the meeting records in storage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import World
from tests.lagesbild.conftest import TODAY
from tests.lagesbild.seed import History
from trygg.errors import ValidationError
from trygg.lagesbild.est_groups import GroupInput, create_group
from trygg.lagesbild.meeting import build_meeting_brief
from trygg.storage import meetings as store
from trygg.storage.database import Database


def test_the_brief_covers_the_time_since_the_last_meeting(database: Database, world: World,
                                                         history: History) -> None:
    areas = (world.area_ids["T002"], world.area_ids["T003"])
    since = history.cluster_week
    with database.session() as s:
        brief = build_meeting_brief(s, areas, since=since, today=TODAY)
    lb = brief.picture
    assert lb.period.first_day == since and lb.period.last_day == TODAY
    assert lb.total >= history.n_cluster + 3
    assert all(a.current == 0 for a in lb.areas if a.area_id not in areas)
    assert lb.new_hot, "the planted cluster is a new hot spot"
    places: dict[tuple[str, tuple[str, ...]], int] = {}
    for p in brief.repeat_places:  # several places can share an area and categories: keep the largest
        places[(p.area_name, p.categories)] = max(p.count, places.get((p.area_name, p.categories), 0))
    assert places[("Kronogården", ("vandalism",))] >= 25
    assert places.get(("Sylte", ("burglary",)), 0) >= 2  # three burglaries within 100 m (a lattice may split them)
    assert brief.near_repeat is not None and brief.near_repeat.n_events >= 10


def test_meetings_and_actions_are_recorded_and_followed_up(database: Database, world: World) -> None:
    with database.session() as s:
        areas = (world.area_ids["T002"], world.area_ids["T003"])
        group = create_group(s, GroupInput(name="EST Öst", description="Kronogården och Sylte", area_ids=areas)).group
        assert [a.name for a in store.group_areas(s, group.id)] == ["Kronogården", "Sylte"]
        m1 = store.create_meeting(s, group.id, TODAY - timedelta(days=14), "Fokus torget", world.user_ids["samordnare"])
        a1 = store.add_action(s, m1.id, title="Extra väktarrond vid torget",
                              owner_organisation_id=world.org_ids["vakt"], due=TODAY - timedelta(days=7),
                              area_id=world.area_ids["T002"], category="vandalism")
        store.add_action(s, m1.id, title="Laga belysningen", owner_organisation_id=world.org_ids["kommun"],
                         due=TODAY + timedelta(days=7))
        with pytest.raises(ValidationError) as err:
            store.add_action(s, m1.id, title=" ", owner_organisation_id=999, due=TODAY - timedelta(days=30))
        assert set(err.value.fields) == {"title", "owner_organisation_id", "due"}
        assert [a.title for a in store.open_actions(s, group.id, due_by=TODAY)] == ["Extra väktarrond vid torget"]
        store.update_action(s, a1.id, status="done", outcome="Genomfört fre–lör, lugnare")
        with pytest.raises(ValidationError):
            store.update_action(s, a1.id, status="finished", outcome="")
        assert store.last_meeting(s, group.id, before=TODAY).id == m1.id
        assert store.last_meeting(s, group.id, before=m1.held_on) is None
        overview = store.group_overviews(s)[0]
        assert overview.open_actions == 1 and overview.last_meeting is not None
        assert [a.status for a in store.meeting_actions(s, m1.id)] == ["done", "open"]
        assert store.actions_in_areas(s, [world.area_ids["T002"]])[0].outcome == "Genomfört fre–lör, lugnare"
