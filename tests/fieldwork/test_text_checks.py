"""Field work refuses characters no database can store (NUL and other control characters) in every
text, with a message per field, before anything is written: found by tests/reliability (a NUL in a
walk or night-shift observation was stored on SQLite and a 500 on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.errors import PersonalDataError, ValidationError
from trygg.fieldwork import gyms, meetings, premises, shifts, walks, watch
from trygg.storage.schema import Report, User
from trygg.storage.schema.fieldwork import SafetyWalk, WalkObservation

NIGHT = datetime(2024, 5, 3, 20, 0, tzinfo=UTC)
SQUARE = [[12.281, 58.281], [12.289, 58.281], [12.289, 58.288], [12.281, 58.288]]


def _stored(session: Session) -> tuple[int, int]:
    session.flush()
    return (int(session.scalar(select(func.count(Report.id))) or 0),
            int(session.scalar(select(func.count(WalkObservation.id))) or 0))


def test_a_walk_observation_with_nul_in_its_note_is_refused_and_nothing_stored(
        session: Session, walk: SafetyWalk, user_of: Callable[[str], User]) -> None:
    before = _stored(session)
    with pytest.raises(ValidationError) as bad:
        walks.record_observation(session, user_of("rapportor"), walk, key="device-key-nul1", item="lighting",
                                 lon=12.27, lat=58.285, note="Trasig\x00 lampa", lang="en")
    assert not isinstance(bad.value, PersonalDataError)
    assert set(bad.value.fields) == {"note"} and "U+0000" in bad.value.fields["note"]
    assert _stored(session) == before


def test_walk_texts_and_status_notes_are_checked(session: Session, walk: SafetyWalk,
                                                 user_of: Callable[[str], User]) -> None:
    boss = user_of("samordnare")
    with pytest.raises(ValidationError) as bad:
        walks.plan_walk(session, boss, title="Rond\x00", planned_for=NIGHT, notes="a\x1bb",
                        resident_groups=["Grupp\x07"])
    assert {"title", "notes", "resident_groups"} <= set(bad.value.fields)
    obs, _ = walks.record_observation(session, boss, walk, key="device-key-ok01", item="lighting", lon=12.27,
                                      lat=58.285, note="Rad ett\r\nRad\ttvå")  # tab and line breaks are text
    with pytest.raises(ValidationError) as bad:
        walks.set_observation_status(session, boss, obs, "resolved", note="Lagad\x00")
    assert set(bad.value.fields) == {"note"}


def test_night_shift_texts_are_checked(session: Session, user_of: Callable[[str], User], world: World) -> None:
    walker = user_of("rapportor")
    with pytest.raises(ValidationError) as bad:
        shifts.log_shift(session, walker, organisation_id=None, starts_at=NIGHT, ends_at=NIGHT + timedelta(hours=4),
                         walkers=4, notes="Lugn\x00 kväll")
    assert set(bad.value.fields) == {"notes"}
    shift = shifts.log_shift(session, walker, organisation_id=None, starts_at=NIGHT,
                             ends_at=NIGHT + timedelta(hours=4), walkers=4, area_id=world.area_ids["T002"])
    before = _stored(session)
    with pytest.raises(ValidationError) as bad:
        shifts.add_shift_observation(session, walker, shift, category="disorder", description="Grupp\x00",
                                     lon=12.29, lat=58.285, occurred_at=NIGHT + timedelta(hours=1))
    assert set(bad.value.fields) == {"description"}
    assert _stored(session) == before


def test_the_registries_check_their_texts(session: Session, user_of: Callable[[str], User]) -> None:
    boss = user_of("samordnare")
    with pytest.raises(ValidationError) as bad:
        premises.register(session, boss, name="Krogen\x00", lon=12.285, lat=58.284, licence_type="public")
    assert "name" in bad.value.fields
    with pytest.raises(ValidationError) as bad:
        gyms.register(session, boss, name="Gymmet", contact_role="Ägare\x00")
    assert "contact_role" in bad.value.fields
    with pytest.raises(ValidationError) as bad:
        meetings.plan(session, boss, title="Möte", planned_for=NIGHT, venue="Aulan\x00")
    assert "venue" in bad.value.fields
    with pytest.raises(ValidationError) as bad:
        watch.register(session, boss, name="Storgatan\x00", geom={"type": "Polygon", "coordinates": [SQUARE]},
                       households=12, contact_role="Ordförande", police_contact="Kommunpolisen",
                       signed_up_on=date(2024, 5, 1))
    assert "name" in bad.value.fields
