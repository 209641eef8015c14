"""JSON shapes of safety walks and their observations, shared by the field-work pages and API."""

from __future__ import annotations

from typing import Any

from trygg.fieldwork import walks as walk_service
from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_ITEMS
from trygg.storage.schema.fieldwork import SafetyWalk, WalkObservation
from trygg.web.i18n import gettext_for


def walk_json(walk: SafetyWalk, lang: str, details: bool = False) -> dict[str, Any]:
    import shapely

    out: dict[str, Any] = {
        "id": walk.id, "title": walk.title, "planned_for": walk.planned_for.isoformat(), "status": walk.status,
        "area_id": walk.area_id, "area_name": walk.area.name if walk.area else None,
        "organiser_id": walk.organiser_id, "organisation_ids": [o.id for o in walk.organisations],
        "resident_groups": walk.resident_groups, "checklist": walk.checklist, "activity_id": walk.activity_id,
        "route": shapely.geometry.mapping(walk.route) if walk.route is not None else None,
        "url": f"/fieldwork/walks/{walk.id}"}
    if details:
        s = walk_service.summary(walk)
        out["observations"] = [observation_json(o, lang) for o in walk.observations]
        out["summary"] = {"total": s.total, "open": s.open, "in_progress": s.in_progress, "resolved": s.resolved}
    return out


def observation_json(o: WalkObservation, lang: str) -> dict[str, Any]:
    _ = gettext_for(lang)
    return {"id": o.id, "item": o.item, "item_label": _(WALK_ITEMS[o.item].label) if o.item in WALK_ITEMS else o.item,
            "note": o.note, "lon": o.lon, "lat": o.lat, "status": o.status,
            "status_label": _(OBSERVATION_STATUSES.get(o.status, o.status)),
            "observed_at": o.observed_at.isoformat(), "key": o.client_key,
            "routed_to": o.routed_to.short_name or o.routed_to.name if o.routed_to else None,
            "photos": [f"/fieldwork/photos/{p.id}" for p in o.photos]}
