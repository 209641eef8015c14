"""Licensed premises (serveringsställen) and their inspections (krogtillsyn)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.geo import valid_wgs84
from trygg.domain.personal_data import check_fields
from trygg.domain.text import check_text
from trygg.errors import NotFound, PersonalDataError, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import FOLLOW_UPS, INSPECTION_CHECKLIST, INSPECTION_RESULTS, LICENCE_TYPES, TRAINING_STATUSES
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity, User
from trygg.storage.schema.fieldwork import Inspection, Premises

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EDITABLE = ("name", "licence_type", "opens_at", "closes_at", "kmk_status", "ras_status", "active")


def _check_premises(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "Give the premises' name."
    if "licence_type" in values and values["licence_type"] not in LICENCE_TYPES:
        errors["licence_type"] = f"Use one of {', '.join(LICENCE_TYPES)}."
    for f in ("opens_at", "closes_at"):
        if f in values and not HHMM.match(str(values[f])):
            errors[f] = "Give the time as HH:MM."
    for f in ("kmk_status", "ras_status"):
        if f in values and values[f] not in TRAINING_STATUSES:
            errors[f] = f"Use one of {', '.join(TRAINING_STATUSES)}."
    if "lon" in values and not valid_wgs84(values["lon"], values["lat"]):
        errors["location"] = "Give the place as longitude and latitude (WGS 84)."
    errors.update(check_text(values))
    return errors


def register(session: Session, user: User, *, name: str, lon: float, lat: float, licence_type: str,
             opens_at: str = "11:00", closes_at: str = "01:00", kmk_status: str = "none",
             ras_status: str = "none") -> Premises:
    policy.require_manager(user)
    values = {"name": name, "lon": lon, "lat": lat, "licence_type": licence_type, "opens_at": opens_at,
              "closes_at": closes_at, "kmk_status": kmk_status, "ras_status": ras_status}
    errors = _check_premises(values)
    if errors:
        raise ValidationError("The premises could not be registered.", fields=errors)
    area_id = area_store.build_area_index(session).locate(lon, lat)
    values["name"] = name.strip()
    p = store.add(session, Premises(area_id=area_id, **values))
    audit.record(session, user.id, "create", "premises", p.id, {"name": p.name})
    return p


def update(session: Session, user: User, premises: Premises, **values: Any) -> Premises:
    policy.require_manager(user)
    values = {k: v for k, v in values.items() if k in EDITABLE and v is not None}
    errors = _check_premises(values)
    if errors:
        raise ValidationError("The premises could not be updated.", fields=errors)
    for k, v in values.items():
        setattr(premises, k, v.strip() if isinstance(v, str) else v)
    audit.record(session, user.id, "update", "premises", premises.id, {k: str(v) for k, v in values.items()})
    session.flush()
    return premises


def get_premises(session: Session, premises_id: int) -> Premises:
    p = store.get(session, Premises, premises_id)
    if p is None:
        raise NotFound("No such premises.")
    return p


def record_inspection(session: Session, user: User, premises: Premises, *, inspected_on: date, joint: bool,
                      checklist: dict[str, str], findings: str = "", follow_up: str = "none",
                      activity_id: int | None = None, lang: str = "sv") -> Inspection:
    policy.require_manager(user)
    errors: dict[str, str] = {}
    bad = {k: v for k, v in checklist.items() if k not in INSPECTION_CHECKLIST or v not in INSPECTION_RESULTS}
    if bad:
        errors["checklist"] = (f"Items are {', '.join(INSPECTION_CHECKLIST)} with results "
                               f"{', '.join(INSPECTION_RESULTS)}.")
    if follow_up not in FOLLOW_UPS:
        errors["follow_up"] = f"Use one of {', '.join(FOLLOW_UPS)}."
    if inspected_on > clock.today():
        errors["inspected_on"] = "An inspection cannot lie in the future."
    if activity_id is not None and session.get(Activity, activity_id) is None:
        errors["activity_id"] = f"No plan activity with id {activity_id}."
    errors.update(check_text({"findings": findings, "follow_up": follow_up, **checklist}, lang))
    if errors:
        raise ValidationError("The inspection could not be recorded.", fields=errors)
    found = check_fields({"findings": findings}, lang)
    if found:
        raise PersonalDataError("The text contains personal data.", fields=found)
    full = {k: checklist.get(k, "na") for k in INSPECTION_CHECKLIST}
    ins = store.add(session, Inspection(premises_id=premises.id, inspected_on=inspected_on, joint=joint,
                                        checklist=full, findings=findings.strip(), follow_up=follow_up,
                                        activity_id=activity_id, organisation_id=user.organisation_id,
                                        created_by=user.id))
    audit.record(session, user.id, "create", "inspection", ins.id, {"premises": premises.id})
    return ins


def remarks(ins: Inspection) -> list[str]:
    """The checklist items with a remark."""
    return [k for k, v in (ins.checklist or {}).items() if v == "remark"]


ANALYSIS_CATEGORIES = ("violence", "disorder")


def closing_time_view(session: Session, start: Any, end: Any, radius: float = 150.0) -> list[dict[str, Any]]:
    """Per active premises: violence and disorder reports nearby in its closing window vs the rest of the night."""
    import numpy as np

    from trygg.domain.geo import many_to_sweref
    from trygg.fieldwork.premises_analysis import closing_time_analysis, hhmm_minutes, local_minutes
    from trygg.storage.reports import ReportFilter, report_arrays

    rows = store.list_premises(session, active_only=True)
    if not rows:
        return []
    arrays = report_arrays(session, ReportFilter(start=start, end=end, categories=ANALYSIS_CATEGORIES))
    px, py = many_to_sweref(np.array([p.lon for p in rows]), np.array([p.lat for p in rows]))
    result = closing_time_analysis(px, py, np.array([hhmm_minutes(p.closes_at) for p in rows]),
                                   arrays.x, arrays.y, local_minutes(arrays.time), radius=radius)
    out = []
    for i, p in enumerate(rows):
        out.append({"premises_id": p.id, "name": p.name, "closes_at": p.closes_at,
                    "window_count": int(result.window_count[i]), "rest_count": int(result.rest_count[i]),
                    "window_rate": _num(result.window_rate[i]), "rest_rate": _num(result.rest_rate[i]),
                    "ratio": _num(result.ratio[i]), "p_value": _num(result.p_value[i])})
    return out


def _num(v: Any) -> float | None:
    import math

    f = float(v)
    return None if math.isnan(f) or math.isinf(f) else round(f, 4)
