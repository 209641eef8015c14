"""JSON shapes of safety walks and their observations, shared by the field-work pages and API (a walk's
own fields are `fieldwork.contracts.walk_fields`, beside its input contract)."""

from __future__ import annotations

from typing import Any

from trygg.fieldwork import walks as walk_service
from trygg.fieldwork.contracts import walk_fields
from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_ITEMS
from trygg.storage.schema.fieldwork import SafetyWalk, WalkObservation
from trygg.web.i18n import gettext_for


def walk_json(walk: SafetyWalk, lang: str, details: bool = False) -> dict[str, Any]:
    out = walk_fields(walk)
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
