"""Where a safety-walk finding goes: the department responsible for fixing it.

Order of precedence:
1. the field-work checklist route (``walk_checklist_routes``: e.g. lighting → Gata/park), set by a
   coordinator on the routing page or with ``trygg fieldwork route``;
2. the intake's routing rules (area × category → organisation), when the intake has one for the
   finding's category in its district;
3. the walk's organiser, who then passes it on by hand.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from trygg.fieldwork.vocab import WALK_ITEMS
from trygg.storage import fieldwork as store
from trygg.storage import intake as intake_store
from trygg.storage.schema import Organisation


def intake_route(session: Session, area_id: int | None, category: str) -> int | None:
    """The intake's routing rule for (area, category), or None when there is none."""
    return intake_store.route_for(session, area_id, category)


def route_for(session: Session, item: str, area_id: int | None, organiser_id: int) -> int:
    """The organisation id that should fix a finding of checklist `item` in district `area_id`."""
    routes: dict[str, Organisation] = store.checklist_routes(session)
    if item in routes:
        return routes[item].id
    category = WALK_ITEMS[item].category if item in WALK_ITEMS else "unsafe_place"
    return intake_route(session, area_id, category) or organiser_id
