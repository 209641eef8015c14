"""Areas and categories: the reference data every client needs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from trygg.errors import NotFound
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.web.deps import db_session, language, taxonomy
from trygg.web.serialize import area_feature, area_json, edition_json

router = APIRouter(prefix="/api/v1", tags=["reference data"])


EDITION_HELP = "id of an edition: its areas instead of the current ones (GET /api/v1/area-editions lists them)"


def _edition_id(session: Session, edition: int | None) -> int | None:
    if edition is not None and edition_store.get_edition(session, edition) is None:
        raise NotFound(f"No area edition with id {edition}.", hint="List them at /api/v1/area-editions.")
    return edition


@router.get("/areas", summary="List areas (municipality, RegSO, DeSO): the current ones, or an edition's")
def list_areas(level: str | None = Query(None, description="municipality, regso, deso or subarea"),
               edition: int | None = Query(None, description=EDITION_HELP),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    edition_id = _edition_id(session, edition)
    return {"areas": [area_json(a) for a in area_store.list_areas(session, level, edition_id=edition_id)]}


@router.get("/areas.geojson", summary="Areas as a GeoJSON FeatureCollection (WGS 84)")
def areas_geojson(level: str = Query("regso", description="municipality, regso, deso, subarea or all"),
                  edition: int | None = Query(None, description=EDITION_HELP),
                  session: Session = Depends(db_session)) -> dict[str, Any]:
    levels = None if level == "all" else level
    edition_id = _edition_id(session, edition)
    features = []
    if level == "regso":
        muni = area_store.municipality(session)
        if muni is not None:
            features.append(area_feature(muni))
    features += [area_feature(a) for a in area_store.list_areas(session, levels, edition_id=edition_id)]
    return {"type": "FeatureCollection", "features": features}


@router.get("/area-editions", summary="The editions of each level's boundaries (DeSO 2018, DeSO 2025, …)")
def list_area_editions(level: str | None = Query(None, description="regso or deso"),
                       session: Session = Depends(db_session)) -> dict[str, Any]:
    counts = edition_store.area_counts(session)
    return {"editions": [edition_json(e, counts.get(e.id, 0)) for e in edition_store.list_editions(session, level)]}


@router.get("/areas/{area_id}", summary="One area")
def get_area(area_id: int, session: Session = Depends(db_session)) -> dict[str, Any]:
    area = area_store.get_area(session, area_id)
    if area is None:
        raise NotFound(f"No area with id {area_id}.", hint="List the areas at /api/v1/areas.")
    return area_json(area)


@router.get("/categories", summary="The category taxonomy in Swedish and English")
def list_categories(request: Request) -> dict[str, Any]:
    """Every category, retired and merged ones too (their reports keep their code): ``active`` says
    whether forms offer it, ``merged_into`` under which category it is counted."""
    lang = language(request)
    return {"categories": [
        {"code": c.code, "name": c.name(lang), "name_sv": c.name_sv, "name_en": c.name_en,
         "sensitivity": str(c.sensitivity), "police_types": list(c.police_types),
         "focus_areas": list(c.focus_areas), "public": c.public, "active": c.active,
         "retired_on": c.retired_on.isoformat() if c.retired_on else None, "merged_into": c.merged_into}
        for c in taxonomy(request).categories]}


@router.get("/places", summary="Known places matching a text (for the place picker)")
def search_places(q: str = Query("", max_length=100), session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"places": [{"id": p.id, "name": p.name, "kind": p.kind, "lon": p.lon, "lat": p.lat,
                        "area_id": p.area_id} for p in area_store.search_places(session, q)]}


@router.get("/where", summary="The district and nearest known place of a position (for 'Use my position')")
def where(lon: float = Query(..., ge=-180, le=180), lat: float = Query(..., ge=-90, le=90),
          session: Session = Depends(db_session)) -> dict[str, Any]:
    index = area_store.build_area_index(session)
    area_id = index.locate(lon, lat)
    area = area_store.get_area(session, area_id) if area_id is not None else None
    near = area_store.nearest_place(session, lon, lat)
    return {"inside_municipality": index.inside_municipality(lon, lat),
            "area": {"id": area.id, "name": area.name} if area is not None else None,
            "nearest_place": {"name": near[0].name, "distance_m": int(round(near[1], -1))} if near else None}
