"""Volunteer night walkers: shifts (walkers, area, time) and their observations, which enter the
lägesbild as reports from the volunteer organisation (source "field")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from trygg.domain.geo import valid_wgs84
from trygg.domain.personal_data import check_fields
from trygg.domain.text import check_text
from trygg.errors import NotFound, PermissionDenied, PersonalDataError, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.reporting import file_report
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import Activity, Area, Report, User
from trygg.storage.schema.fieldwork import NightShift

MAX_SHIFT = timedelta(hours=14)


def log_shift(session: Session, user: User, *, organisation_id: int | None, starts_at: datetime,
              ends_at: datetime, walkers: int, area_id: int | None = None, notes: str = "",
              activity_id: int | None = None, lang: str = "sv") -> NightShift:
    org_id = organisation_id or user.organisation_id
    if not policy.can_log_shift(user, org_id):
        raise PermissionDenied("You may log shifts only for your own organisation.",
                               hint="Leave the organisation empty to log for your own.")
    errors: dict[str, str] = {}
    if not 1 <= walkers <= 200:
        errors["walkers"] = "Give the number of walkers (1–200)."
    if ends_at <= starts_at or ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = "The shift must end after it starts, within 14 hours."
    if area_id is not None and session.get(Area, area_id) is None:
        errors["area_id"] = f"No area with id {area_id}."
    if activity_id is not None and session.get(Activity, activity_id) is None:
        errors["activity_id"] = f"No plan activity with id {activity_id}."
    if not store.organisations(session, [org_id]):
        errors["organisation_id"] = "No such organisation."
    errors.update(check_text({"notes": notes}, lang))
    if errors:
        raise ValidationError("The shift could not be logged.", fields=errors)
    found = check_fields({"notes": notes}, lang)
    if found:
        raise PersonalDataError("The text contains personal data.", fields=found)
    shift = store.add(session, NightShift(organisation_id=org_id, starts_at=starts_at, ends_at=ends_at,
                                          walkers=walkers, area_id=area_id, notes=notes.strip(),
                                          activity_id=activity_id, created_by=user.id))
    audit.record(session, user.id, "create", "night_shift", shift.id, {"walkers": walkers})
    return shift


def visible_shift(user: User, shift: NightShift | None) -> NightShift:
    if shift is None or not policy.can_see_shift(user, shift):
        raise NotFound("No such shift.")
    return shift


def add_shift_observation(session: Session, user: User, shift: NightShift, *, category: str, description: str,
                          lon: float, lat: float, occurred_at: datetime | None = None,
                          insecurity: int | None = None, key: str = "", lang: str = "sv") -> Report:
    """A night walkers' observation: a report from the volunteer organisation, linked to the shift."""
    if not policy.can_log_shift(user, shift.organisation_id):
        raise PermissionDenied("Only the shift's organisation records its observations.")
    errors: dict[str, str] = {}
    if category not in taxonomy(session).active_codes:
        errors["category"] = f"Unknown category {category!r}."
    if not valid_wgs84(lon, lat):
        errors["location"] = "Give the place as longitude and latitude (WGS 84)."
    when = occurred_at or shift.starts_at
    if not shift.starts_at - timedelta(hours=1) <= when <= shift.ends_at + timedelta(hours=1):
        errors["occurred_at"] = "The time must lie within the shift."
    if insecurity is not None and not 1 <= insecurity <= 5:
        errors["insecurity"] = "Assess the insecurity from 1 (little) to 5 (much)."
    errors.update(check_text({"category": category, "description": description}, lang))
    if errors:
        raise ValidationError("The observation could not be stored.", fields=errors)
    found = check_fields({"description": description}, lang)
    if found:
        raise PersonalDataError("The text contains personal data.", fields=found)
    n = store.shift_report_count(session, shift.id)
    external = f"shift:{shift.id}:{key or n + 1}"
    report = file_report(session, category=category, description=description.strip(), lon=lon, lat=lat,
                         occurred_from=when, organisation_id=shift.organisation_id, reporter_id=user.id,
                         routed_to_id=None, external_id=external, insecurity=insecurity)
    if report.id not in {r.id for r in store.shift_reports(session, shift.id)}:
        store.link_shift_report(session, shift.id, report.id)
        audit.record(session, user.id, "create", "report", report.id, {"night_shift": shift.id})
    return report
