"""Safety walks: planning, observations stored once per device key, routing, resolution, access."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.domain import clock
from trygg.errors import NotFound, PermissionDenied, PersonalDataError, ValidationError
from trygg.fieldwork import policy, walks
from trygg.storage import fieldwork as store
from trygg.storage import intake as intake_store
from trygg.storage import reports as report_store
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import SafetyWalk

CENTRUM = (12.27, 58.285)


def test_a_planned_walk_has_its_route_district_organisations_and_full_checklist(walk: SafetyWalk,
                                                                                  world: World) -> None:
    assert walk.area_id == world.area_ids["T001"]  # placed by the route's middle
    assert walk.route is not None and len(walk.route.coords) == 3
    assert [o.id for o in walk.organisations] == [world.org_ids["bostad"]]
    assert walk.checklist == ["lighting", "vegetation", "litter", "graffiti", "damage", "unsafe_place",
                              "accessibility"]
    assert walk.status == "planned"


def test_a_route_with_one_point_or_a_personal_number_in_the_notes_is_refused(
        session: Session, user_of: Callable[[str], User]) -> None:
    with pytest.raises(ValidationError) as bad:
        walks.plan_walk(session, user_of("samordnare"), title="X", planned_for=clock.now(),
                        route=[[12.27, 58.28]])
    assert "route" in bad.value.fields
    with pytest.raises(PersonalDataError):
        walks.plan_walk(session, user_of("samordnare"), title="X", planned_for=clock.now(),
                        notes="Kontakt 19811218-9876")


def test_the_same_device_key_stores_one_observation_only(session: Session, walk: SafetyWalk,
                                                         user_of: Callable[[str], User]) -> None:
    user = user_of("rapportor")  # the housing company takes part
    first, created = walks.record_observation(session, user, walk, key="device-key-0001", item="lighting",
                                              lon=CENTRUM[0], lat=CENTRUM[1], note="Trasig lampa")
    again, created_again = walks.record_observation(session, user, walk, key="device-key-0001", item="lighting",
                                                    lon=CENTRUM[0], lat=CENTRUM[1], note="Trasig lampa")
    assert created and not created_again and again.id == first.id
    assert len(walk.observations) == 1 and walk.status == "walking"
    assert first.report_id is not None
    report = report_store.get_report(session, first.report_id)
    assert report is not None and report.source == "field" and report.category == "unsafe_place"


def test_routing_prefers_the_checklist_route_then_the_intake_rule_then_the_organiser(
        session: Session, walk: SafetyWalk, user_of: Callable[[str], User], world: World) -> None:
    user = user_of("samordnare")
    o1, _ = walks.record_observation(session, user, walk, key="k-organiser1", item="litter", lon=CENTRUM[0],
                                     lat=CENTRUM[1])
    assert o1.routed_to_id == world.org_ids["kommun"]  # nothing configured: the organiser
    intake_store.add_rule(session, world.org_ids["vakt"], category="littering")
    o2, _ = walks.record_observation(session, user, walk, key="k-intake0001", item="litter", lon=CENTRUM[0],
                                     lat=CENTRUM[1])
    assert o2.routed_to_id == world.org_ids["vakt"]
    store.set_checklist_route(session, "litter", world.org_ids["polis"])
    o3, _ = walks.record_observation(session, user, walk, key="k-checklist1", item="litter", lon=CENTRUM[0],
                                     lat=CENTRUM[1])
    assert o3.routed_to_id == world.org_ids["polis"]
    assert o3.report_id is not None
    linked = report_store.get_report(session, o3.report_id)
    assert linked is not None and linked.routed_to_id == world.org_ids["polis"]


def test_the_routed_organisation_resolves_a_finding_and_the_report_follows(
        session: Session, walk: SafetyWalk, user_of: Callable[[str], User], world: World) -> None:
    store.set_checklist_route(session, "lighting", world.org_ids["skola"])
    obs, _ = walks.record_observation(session, user_of("rapportor"), walk, key="k-resolve01", item="lighting",
                                      lon=CENTRUM[0], lat=CENTRUM[1])
    with pytest.raises(PermissionDenied):  # a participant, but not the one it is routed to
        walks.set_observation_status(session, user_of("rapportor"), obs, "resolved", "Fixat")
    with pytest.raises(ValidationError):  # resolving needs a note for the walkers
        walks.set_observation_status(session, user_of("rapportor2"), obs, "resolved", "")
    walks.set_observation_status(session, user_of("rapportor2"), obs, "resolved", "Lampan bytt")
    assert obs.status == "resolved" and obs.resolved_at is not None
    assert [u.status for u in obs.updates] == ["resolved"]
    assert obs.report_id is not None
    report = report_store.get_report(session, obs.report_id)
    assert report is not None and report.status == "resolved" and report.feedback_note == "Lampan bytt"
    assert walks.summary(walk).resolved == 1


def test_only_members_of_the_walk_organisations_record_and_outsiders_do_not_see_it(
        session: Session, walk: SafetyWalk, user_of: Callable[[str], User]) -> None:
    outsider = user_of("rapportor2")  # the school is not part of the walk
    with pytest.raises(PermissionDenied):
        walks.record_observation(session, outsider, walk, key="k-outsider1", item="litter", lon=CENTRUM[0],
                                 lat=CENTRUM[1])
    with pytest.raises(NotFound):
        walks.get_visible_walk(session, outsider, walk.id)
    assert policy.can_see_walk(user_of("lasare"), walk)


def test_bad_keys_items_and_places_are_refused_field_by_field(session: Session, walk: SafetyWalk,
                                                             user_of: Callable[[str], User]) -> None:
    user = user_of("samordnare")
    with pytest.raises(ValidationError) as bad_key:
        walks.record_observation(session, user, walk, key="x", item="litter", lon=CENTRUM[0], lat=CENTRUM[1])
    assert "idempotency_key" in bad_key.value.fields
    with pytest.raises(ValidationError) as bad:
        walks.record_observation(session, user, walk, key="k-bad-fields", item="weather", lon=500.0, lat=0.0)
    assert {"item", "location"} <= set(bad.value.fields)
    with pytest.raises(PersonalDataError):
        walks.record_observation(session, user, walk, key="k-personal01", item="litter", lon=CENTRUM[0],
                                 lat=CENTRUM[1], note="Ring 070-123 45 67")
