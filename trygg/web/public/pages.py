"""The public dashboard (no login): suppressed counts per area and month for a category group.

Every figure on the page comes from the stored publications through the suppression gate
(``trygg.publication.gate``), like the open data API; filters only choose which table, and which
rows of it, to show.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.publication.gate import public_table, published_years
from trygg.publication.groups import GROUPS, GROUPS_BY_CODE
from trygg.web.deps import get_settings, language
from trygg.web.nav import register_nav
from trygg.web.public.api import table_json
from trygg.web.public_data import public_db
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/public", "Public statistics", roles=None, order=80)


@router.get("/public")
def public_dashboard(request: Request, session: Session = Depends(public_db),
                     group: str = Query("violence"), year: str = Query(""), area: str = Query(""),
                     level: str = Query("regso")) -> Response:
    years = published_years(session)
    g = GROUPS_BY_CODE.get(group, GROUPS[0])
    chosen_year = int(year) if year.isdigit() and int(year) in years else (years[-1] if years else None)
    level = level if level in ("regso", "municipality") else "regso"
    table = None
    if chosen_year is not None:
        pt = public_table(session, g, chosen_year)
        codes = {a.code for a in pt.areas}
        table = table_json(pt, language(request), area if area in codes else None, level)
        areas = [(a.code, a.name) for a in pt.areas]
    else:
        areas = []
    return render(request, "public/dashboard.html", {
        "groups": GROUPS, "group": g, "years": years, "year": chosen_year, "areas": areas,
        "area": area, "level": level, "table": table,
        "settling_days": get_settings(request).publication_settling_days,
    })
