"""JSON and GeoJSON shapes of areas and reports, shared by the features (a feature's own objects: its
``serialize.py``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import shapely

from trygg.domain.categories import Taxonomy
from trygg.storage.schema import Area, AreaEdition, Report


def area_json(area: Area) -> dict[str, Any]:
    return {
        "id": area.id, "code": area.code, "name": area.name, "level": area.level,
        "parent_id": area.parent_id, "population": area.population, "area_type": area.area_type,
        "vulnerable": area.vulnerable, "police_class": area.police_class,
        "est_group_id": area.est_group_id, "edition_id": area.edition_id,
        "centroid": {"lon": area.centroid_lon, "lat": area.centroid_lat},
    }


def edition_json(edition: AreaEdition, areas: int) -> dict[str, Any]:
    return {"id": edition.id, "level": edition.level, "name": edition.name, "year": edition.year,
            "imported_at": edition.imported_at.isoformat(), "source_file": edition.source_file,
            "active": edition.active, "areas": areas}


def area_feature(area: Area, extra: dict[str, Any] | None = None, precision: int = 5) -> dict[str, Any]:
    geom = shapely.set_precision(area.geom, 10 ** -precision)
    props = area_json(area)
    props.pop("centroid")
    props["url"] = f"/areas/{area.id}"
    props.update(extra or {})
    return {"type": "Feature", "id": area.id, "geometry": shapely.geometry.mapping(geom), "properties": props}


def report_json(report: Report, lang: str, *, tax: Taxonomy) -> dict[str, Any]:
    return _report_dict(report, report.area.name if report.area else None,
                        report.organisation.name if report.organisation else None, lang, tax)


def report_row_json(row: Any, lang: str, *, tax: Taxonomy) -> dict[str, Any]:
    """The same shape as `report_json`, from a row of `trygg.storage.reports.LIST_COLUMNS` (no ORM object)."""
    return _report_dict(row, row.area_name, row.organisation_name, lang, tax)


def _report_dict(report: Any, area_name: str | None, organisation_name: str | None, lang: str,
                 tax: Taxonomy) -> dict[str, Any]:
    return {
        "id": report.id,
        "public_id": report.public_id,
        "category": report.category,
        "category_name": tax.label(report.category, lang),
        "description": report.description,
        "location": {"lon": report.lon, "lat": report.lat, "x": report.x, "y": report.y,
                     "precision": report.precision},
        "area_id": report.area_id,
        "area_name": area_name,
        "outside": report.outside,
        "occurred_from": _utc(report.occurred_from).isoformat(),
        "occurred_to": _utc(report.occurred_to).isoformat() if report.occurred_to else None,
        "insecurity": report.insecurity,
        "organisation_id": report.organisation_id,
        "organisation_name": organisation_name,
        "people_count": report.people_count,
        "police_called": report.police_called,
        "status": report.status,
        "source": report.source,
        "feedback_note": report.feedback_note,
        "created_at": _utc(report.created_at).isoformat(),
        "updated_at": _utc(report.updated_at).isoformat(),
    }


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def report_feature(report: Report, lang: str, *, tax: Taxonomy) -> dict[str, Any]:
    props = report_json(report, lang, tax=tax)
    loc = props.pop("location")
    props["precision"] = loc["precision"]
    props["occurred"] = report.occurred_from.strftime("%Y-%m-%d %H:%M")
    props["url"] = f"/reports/{report.id}"
    return {"type": "Feature", "id": report.id,
            "geometry": {"type": "Point", "coordinates": [round(report.lon, 6), round(report.lat, 6)]},
            "properties": props}
