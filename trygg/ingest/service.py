"""Creating a report: validation, the personal-data guard, placing it in its area, routing.

Every way in — the EST form, the weekly batch, the JSON API, the resident form, Open311 and the
importers — goes through `prepare_report` and `create_report`, so every report is checked and
placed the same way. Problems are collected per field and raised together as one
`ValidationError(fields={...})` (HTTP 422 with field-level messages).

Messages are English msgids translated by the `gettext` of the `IntakeContext` (the web layer
passes the request language's; the CLI keeps English).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain import clock, personal_data
from trygg.domain.categories import Taxonomy
from trygg.domain.enums import Precision, ReportStatus, Source
from trygg.domain.geo import to_sweref, to_wgs84, valid_wgs84
from trygg.domain.text import check_text, whole_number
from trygg.domain.timespans import SPANS, span
from trygg.errors import PersonalDataError, ValidationError
from trygg.storage import areas as area_store
from trygg.storage import categories
from trygg.storage import intake as intake_store
from trygg.storage.areas import AreaIndex, area_index
from trygg.storage.reports import insert_report
from trygg.storage.schema import Organisation, Place, Report

MAX_DESCRIPTION = 4000
MAX_SPAN = timedelta(days=14)
FUTURE_SLACK = timedelta(minutes=15)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _english(message: str, **params: object) -> str:
    return message.format(**params) if params else message


@dataclass
class ReportInput:
    """What a reporter sends. Give a place as lon/lat, x/y (SWEREF 99 TM), a known place or an area."""

    category: str | None = None
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    x: float | None = None
    y: float | None = None
    place: str | None = None  # a known place's name or id
    area: str | int | None = None  # an area id, code or name
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    span: str | None = None  # a named span (trygg.domain.timespans.SPANS), instead of times
    insecurity: int | None = None
    people_count: int | None = None
    police_called: bool | None = None
    external_id: str | None = None
    precision: str | None = None  # forced precision (e.g. police municipality centroids)
    category_by_name: bool = False  # a file's category: a code, a name or a police type (`Taxonomy.resolve`)


@dataclass
class IntakeContext:
    """Who is reporting and how: shared by every report of one request or import run."""

    source: str = Source.EST
    organisation: Organisation | None = None
    reporter_id: int | None = None
    public: bool = False  # residents: only categories marked public
    lang: str = "sv"
    gettext: Callable[..., str] = _english
    now: datetime | None = None
    allow_outside: bool | None = None  # None: as the organisation allows
    area_index: AreaIndex | None = None
    status: str = ReportStatus.RECEIVED
    _muni_name: str | None = field(default=None, repr=False)
    _taxonomy: Taxonomy | None = field(default=None, repr=False)

    def taxonomy(self, session: Session) -> Taxonomy:
        """The category taxonomy, read once per request or import run."""
        if self._taxonomy is None:
            self._taxonomy = categories.taxonomy(session)
        return self._taxonomy

    def index(self, session: Session) -> AreaIndex:
        if self.area_index is None:
            self.area_index = area_index(session)
        return self.area_index

    def municipality_name(self, session: Session) -> str:
        if self._muni_name is None:
            muni = area_store.municipality(session)
            self._muni_name = muni.name if muni is not None else ""
        return self._muni_name


@dataclass(frozen=True)
class PreparedReport:
    values: dict[str, Any]


def _time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _resolve_place(session: Session, ref: str) -> Place | None:
    ref = ref.strip()
    place_id = whole_number(ref)
    if place_id is not None:
        return session.get(Place, place_id)
    matches = area_store.search_places(session, ref, limit=10)
    exact = [p for p in matches if p.name.lower() == ref.lower()]
    if exact:
        return exact[0]
    return matches[0] if len(matches) == 1 else None


#: Sources that report what happens now: they may not use a retired category (imports of history may).
_NEW_ONLY = frozenset({Source.EST, Source.RESIDENT, Source.FIELD})


def prepare_report(session: Session, data: ReportInput, ctx: IntakeContext) -> PreparedReport:
    """Check `data` and work out place, area and times; raise ValidationError naming every bad field."""
    _ = ctx.gettext
    # Characters no database can store (NUL, other control characters, lone surrogates) are refused
    # first, per field; such a field is then looked at no further (no query, no personal-data check).
    errors: dict[str, str] = check_text({
        "category": data.category, "description": data.description, "place": data.place, "area": data.area,
        "span": data.span, "external_id": data.external_id, "precision": data.precision}, ctx.lang)
    now = ctx.now or clock.now()

    tax = ctx.taxonomy(session)
    cat = tax.get((data.category or "").strip())
    if cat is None and data.category_by_name:  # a file (another system's export): a name or a police type
        cat = tax.resolve(data.category)
    if "category" in errors:
        cat = None
    elif not data.category:
        errors["category"] = _("Choose a category.")
    elif cat is None or (ctx.public and not cat.public):
        errors["category"] = _("Unknown category {code!r}.", code=data.category)
    elif not cat.active and ctx.source in _NEW_ONLY:
        errors["category"] = _("The category {code!r} is no longer in use.", code=data.category)

    description = "" if "description" in errors else (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("At most {n} characters.", n=MAX_DESCRIPTION)
    place_ref = None if "place" in errors else data.place
    pd_errors = personal_data.check_fields({"description": description, "place": place_ref}, ctx.lang)

    # ---- place
    lon, lat = data.lon, data.lat
    precision = data.precision or Precision.EXACT
    area_id: int | None = None
    if (lon is None) != (lat is None):
        errors["location"] = _("Give both longitude and latitude.")
    if lon is None and lat is None and data.x is not None and data.y is not None:
        if math.isfinite(data.x) and math.isfinite(data.y):
            lon, lat = to_wgs84(data.x, data.y)
        else:
            errors["location"] = _("The coordinates are not numbers.")
    if lon is not None and lat is not None and not valid_wgs84(lon, lat):
        errors["location"] = _("Longitude must be within −180…180 and latitude within −90…90.")
        lon = lat = None
    if lon is None and "location" not in errors and place_ref and "place" not in pd_errors:
        place = _resolve_place(session, str(place_ref))
        if place is None:
            errors["place"] = _("No known place matches {text!r}. Tap the map or pick an area instead.",
                                text=str(place_ref)[:80])
        else:
            lon, lat, precision = place.lon, place.lat, data.precision or Precision.ADDRESS
    area_ref = data.area
    if isinstance(area_ref, str) and area_ref.strip().isdigit():
        area_ref = whole_number(area_ref) or -1  # "²" and 5,000 digits are no area id (and no int)
    if lon is None and not ({"location", "place", "area"} & set(errors)) and area_ref not in (None, ""):
        area = area_store.get_area(session, area_ref)
        if area is None or not area_store.is_current(area):  # an old edition's area takes no new reports
            errors["area"] = _("Unknown area {ref!r}.", ref=str(data.area)[:40])
        else:
            lon, lat, area_id = area.centroid_lon, area.centroid_lat, area.id
            precision = data.precision or Precision.AREA_CENTROID
    outside = False
    if lon is None and not ({"location", "place", "area"} & set(errors)):
        errors["location"] = _("Give a place: tap the map, pick an area or type a known place name.")
    if lon is not None and lat is not None and "location" not in errors:
        index = ctx.index(session)
        if not index.inside_municipality(lon, lat):
            allowed = ctx.allow_outside if ctx.allow_outside is not None else bool(
                ctx.organisation is not None and ctx.organisation.allow_outside)
            if not allowed:
                errors["location"] = _(
                    "The place ({lat:.5f}, {lon:.5f}) lies outside {municipality}. "
                    "Pick a place inside the municipality.",
                    lat=lat, lon=lon, municipality=ctx.municipality_name(session) or _("the municipality"))
            outside = True
            area_id = None
        elif area_id is None and precision != Precision.MUNICIPALITY_CENTROID:
            area_id = index.locate(lon, lat)

    # ---- time
    start, end = _time(data.occurred_from), _time(data.occurred_to)
    if data.span and "span" not in errors:
        if data.span not in SPANS:
            errors["span"] = _("Unknown time span {code!r}.", code=data.span)
        else:
            start, end = (t.astimezone(UTC) for t in span(data.span, now))
    if start is None:
        start = now
    if start > now + FUTURE_SLACK:
        errors["occurred_from"] = _("The time lies in the future.")
    elif start < EARLIEST:
        errors["occurred_from"] = _("The time is before the year 2000.")
    if end is not None:
        if end < start:
            errors["occurred_to"] = _("The end of the span is before its start.")
        elif end - start > MAX_SPAN:
            errors["occurred_to"] = _("A span may be at most 14 days long.")
        elif end > now + timedelta(hours=12):
            errors["occurred_to"] = _("The time lies in the future.")

    # ---- judgements and counts
    if data.insecurity is not None and not 1 <= data.insecurity <= 5:
        errors["insecurity"] = _("Give a number from 1 (little) to 5 (very much).")
    if data.people_count is not None and not 0 <= data.people_count <= 10000:
        errors["people_count"] = _("Give a number of people from 0 to 10000.")
    if data.external_id is not None and len(data.external_id) > 120 and "external_id" not in errors:
        errors["external_id"] = _("At most {n} characters.", n=120)

    if pd_errors:
        raise PersonalDataError(_("The report contains personal data and was not stored."),
                                fields={**errors, **pd_errors},
                                hint=_("Remove identity numbers, phone numbers, e-mail addresses and names."))
    if errors:
        raise ValidationError(_("The report has invalid or missing fields."), fields=errors)
    assert lon is not None and lat is not None
    x, y = to_sweref(lon, lat)
    return PreparedReport({
        "category": cat.code if cat else "", "description": description, "lon": lon, "lat": lat, "x": x, "y": y,
        "precision": str(precision), "area_id": area_id, "outside": outside,
        "occurred_from": start, "occurred_to": end, "insecurity": data.insecurity,
        "people_count": data.people_count, "police_called": data.police_called,
        "external_id": data.external_id,
    })


def create_report(session: Session, data: ReportInput, ctx: IntakeContext) -> Report:
    """Validate and store one report (flushed, not committed); routed by the area × category rules."""
    prepared = prepare_report(session, data, ctx)
    values = dict(prepared.values)
    routed = intake_store.route_for(session, values["area_id"], values["category"])
    return insert_report(session, **values, source=str(ctx.source), status=str(ctx.status),
                         organisation_id=ctx.organisation.id if ctx.organisation else None,
                         reporter_id=ctx.reporter_id, routed_to_id=routed)
