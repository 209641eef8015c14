"""Focus areas suggested by a plan's evidence snapshot: its significant increases and hot spots.

Used when a coordinator creates a draft with "suggest focus areas" (page and API) and by the demo.
"""

from __future__ import annotations

from typing import Any

from trygg.domain.categories import Taxonomy
from trygg.plans.inputs import FocusAreaInput

MAX_FOCUS_AREAS = 4


def suggested_focus_areas(evidence: dict[str, Any], tax: Taxonomy,
                          limit: int = MAX_FOCUS_AREAS) -> list[FocusAreaInput]:
    """Focus areas for the largest hot spots (and significant increases) of a snapshot, in Swedish."""
    seen: set[str] = set()
    out: list[FocusAreaInput] = []
    increases = [g for g in evidence.get("groups", []) if g.get("significant") and g.get("direction") == "up"]
    for g in sorted(increases, key=lambda g: -g["current"]):
        if g["category"] in seen or len(out) >= limit:
            continue
        seen.add(g["category"])
        name = tax.label(g["category"], "sv")
        out.append(FocusAreaInput(
            title=f"Vänd ökningen av {name.lower()} i områden av typ {g['group'].replace('-', '–')}",
            problem=f"{name} ökade från {g['previous']} till {g['current']} rapporter på ett år i områden av "
                    f"typ {g['group'].replace('-', '–')} (signifikant ökning).",
            target_area_types=list(g["area_types"]), target_area_ids=[], categories=[g["category"]]))
    for h in evidence.get("hotspots", []):
        if h["category"] in seen or len(out) >= limit:
            continue
        seen.add(h["category"])
        name = tax.label(h["category"], "sv")
        where = h.get("place") or h.get("area_name") or "en hot spot"
        out.append(FocusAreaInput(
            title=f"{name} vid {where}",
            problem=f"{h['count']} rapporter om {name.lower()} på ett år samlas kring {where} "
                    f"({h.get('area_name', '')}); hot spot enligt Gi*.",
            target_area_types=[], target_area_ids=[h["area_id"]] if h.get("area_id") else [],
            categories=[h["category"]]))
    return out
