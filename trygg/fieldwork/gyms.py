"""Certified gyms ("100 % Ren Hårdträning"): certification status, expiry and reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.geo import valid_wgs84
from trygg.domain.text import check_text
from trygg.errors import ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import GYM_STATUSES, REMINDER_DAYS
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity, User
from trygg.storage.schema.fieldwork import Gym


def _check(values: dict[str, Any], session: Session) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "Give the gym's name."
    status = values.get("status")
    if status is not None and status not in GYM_STATUSES:
        errors["status"] = f"Use one of {', '.join(GYM_STATUSES)}."
    if status == "certified" and not (values.get("certified_on") and values.get("expires_on")):
        errors["expires_on"] = "A certified gym needs the certification date and its expiry date."
    if values.get("certified_on") and values.get("expires_on") and values["expires_on"] <= values["certified_on"]:
        errors["expires_on"] = "The certification must expire after it was granted."
    if values.get("lon") is not None and not valid_wgs84(values["lon"], values.get("lat") or 0.0):
        errors["location"] = "Give the place as longitude and latitude (WGS 84)."
    aid = values.get("activity_id")
    if aid is not None and session.get(Activity, aid) is None:
        errors["activity_id"] = f"No plan activity with id {aid}."
    errors.update(check_text(values))
    return errors


def register(session: Session, user: User, *, name: str, status: str = "none", certified_on: date | None = None,
             expires_on: date | None = None, contact_role: str = "", lon: float | None = None,
             lat: float | None = None, activity_id: int | None = None) -> Gym:
    policy.require_manager(user)
    values: dict[str, Any] = {"name": name, "status": status, "certified_on": certified_on,
                              "expires_on": expires_on, "contact_role": contact_role, "lon": lon, "lat": lat,
                              "activity_id": activity_id}
    errors = _check(values, session)
    if errors:
        raise ValidationError("The gym could not be registered.", fields=errors)
    area_id = area_store.build_area_index(session).locate(lon, lat) if lon is not None and lat is not None else None
    values["name"] = name.strip()
    gym = store.add(session, Gym(area_id=area_id, **values))
    audit.record(session, user.id, "create", "gym", gym.id, {"status": status})
    return gym


def update(session: Session, user: User, gym: Gym, *, status: str, certified_on: date | None,
           expires_on: date | None) -> Gym:
    policy.require_manager(user)
    values: dict[str, Any] = {"status": status, "certified_on": certified_on, "expires_on": expires_on}
    errors = _check(values, session)
    if errors:
        raise ValidationError("The gym could not be updated.", fields=errors)
    for k, v in values.items():
        setattr(gym, k, v)
    audit.record(session, user.id, "update", "gym", gym.id, {"status": status})
    session.flush()
    return gym


@dataclass(frozen=True)
class Reminder:
    gym_id: int
    name: str
    expires_on: date
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def reminders(session: Session, today: date | None = None, days: int = REMINDER_DAYS) -> list[Reminder]:
    """Certified gyms whose certification expires within `days` (or has expired), soonest first."""
    today = today or clock.today()
    return [Reminder(g.id, g.name, g.expires_on, (g.expires_on - today).days)
            for g in store.gyms_expiring(session, today + timedelta(days=days + 1)) if g.expires_on is not None]


def effective_status(gym: Gym, today: date | None = None) -> str:
    """"expired" for a certified gym past its expiry date, else the stored status."""
    today = today or clock.today()
    if gym.status == "certified" and gym.expires_on is not None and gym.expires_on < today:
        return "expired"
    return gym.status
