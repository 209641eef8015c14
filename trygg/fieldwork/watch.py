"""Neighbourhood watch (grannsamverkan): areas drawn on the map, counted per district."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import shapely
from sqlalchemy.orm import Session

from trygg.domain.geo import valid_wgs84
from trygg.domain.personal_data import check_fields
from trygg.domain.text import check_text
from trygg.errors import PersonalDataError, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import WATCH_STATUSES
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity, User
from trygg.storage.schema.fieldwork import WatchArea


def parse_polygon(value: Any) -> shapely.Polygon:
    """A polygon from GeoJSON (Polygon, or a ring [[lon, lat], …]) or WKT."""
    try:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith(("{", "[")) else shapely.geometry.mapping(
                shapely.from_wkt(text))
        if isinstance(value, dict):
            coords = value["coordinates"][0] if value.get("type") == "Polygon" else value["coordinates"]
        else:
            coords = value
        ring = [(float(c[0]), float(c[1])) for c in coords]
    except (ValueError, TypeError, KeyError, IndexError, shapely.errors.GEOSException):
        raise ValidationError("The area could not be read.", fields={
            "geom": "Draw the area on the map, or give a GeoJSON Polygon of [lon, lat] points."}) from None
    if len(ring) < 3 or not all(valid_wgs84(x, y) for x, y in ring):
        raise ValidationError("The area needs at least three points.", fields={
            "geom": "Click at least three corners on the map."})
    poly = shapely.Polygon(ring)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
        if not isinstance(poly, shapely.Polygon):
            raise ValidationError("The area crosses itself.", fields={"geom": "Draw the outline without crossings."})
    return poly


def register(session: Session, user: User, *, name: str, geom: Any, households: int, contact_role: str,
             police_contact: str, signed_up_on: date, status: str = "active", activity_id: int | None = None,
             lang: str = "sv") -> WatchArea:
    policy.require_manager(user)
    poly = parse_polygon(geom)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the area a name (a street or block, not a person)."
    if not 1 <= households <= 100000:
        errors["households"] = "Give the number of households (at least 1)."
    if status not in WATCH_STATUSES:
        errors["status"] = f"Use one of {', '.join(WATCH_STATUSES)}."
    if activity_id is not None and session.get(Activity, activity_id) is None:
        errors["activity_id"] = f"No plan activity with id {activity_id}."
    errors.update(check_text({"name": name, "contact_role": contact_role, "police_contact": police_contact}, lang))
    if errors:
        raise ValidationError("The watch area could not be registered.", fields=errors)
    found = check_fields({"name": name, "contact_role": contact_role, "police_contact": police_contact}, lang)
    if found:
        raise PersonalDataError("Write roles, not personal contact details.", fields=found)
    point = poly.representative_point()
    area_id = area_store.build_area_index(session).locate(point.x, point.y)
    wa = store.add(session, WatchArea(name=name.strip(), geom=poly, area_id=area_id, households=households,
                                      contact_role=contact_role.strip(), police_contact=police_contact.strip(),
                                      signed_up_on=signed_up_on, status=status, activity_id=activity_id))
    audit.record(session, user.id, "create", "watch_area", wa.id, {"households": households})
    return wa


def set_status(session: Session, user: User, wa: WatchArea, status: str) -> WatchArea:
    policy.require_manager(user)
    if status not in WATCH_STATUSES:
        raise ValidationError("Unknown status.", fields={"status": f"Use one of {', '.join(WATCH_STATUSES)}."})
    wa.status = status
    audit.record(session, user.id, "update", "watch_area", wa.id, {"status": status})
    session.flush()
    return wa


def counts_per_area(session: Session, on: date | None = None) -> dict[int | None, tuple[int, int]]:
    """{district id (None = outside): (active watch areas, households)} for the lägesbild."""
    return store.watch_counts_by_area(session, on)


def feature(wa: WatchArea) -> dict[str, Any]:
    return {"type": "Feature", "id": wa.id, "geometry": shapely.geometry.mapping(wa.geom),
            "properties": {"id": wa.id, "name": wa.name, "households": wa.households, "status": wa.status,
                           "area_id": wa.area_id, "area_name": wa.area.name if wa.area else None,
                           "signed_up_on": wa.signed_up_on.isoformat(), "contact_role": wa.contact_role,
                           "police_contact": wa.police_contact, "layer": "watch"}}
