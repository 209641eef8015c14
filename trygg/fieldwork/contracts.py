"""The contracts of field work: the input of a safety walk, a night-walker shift and a shift
observation, and the fields of a walk as both surfaces show them (`walk_fields`).

One pydantic model per entity is both the JSON API's request body (OpenAPI documents its fields)
and the reader of the page's posted form: a before-validator reads the plain mapping (a JSON object,
or the form with repeated fields as lists), collects every problem per field with the messages the
page has always shown, and raises one `ValidationError` (422, `details` = {field: message}). So a
page and the API answer the same bad input with the same field messages (English msgids, shown in
the page's language by its error block; marked with `_` so the catalogs must translate them).

The one difference is a naive time: a browser's `datetime-local` input has no time zone, so a page
passes `context={"timezone": <Swedish zone>}` and a time without a zone is Swedish local time; the
API has no such context and asks for the zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from trygg.domain.msgid import _
from trygg.errors import ValidationError
from trygg.fieldwork.walks import parse_route
from trygg.storage.schema.fieldwork import SafetyWalk

WHOLE_NUMBER = _("Give a whole number.")
WHEN = _("Give a date and time (YYYY-MM-DD HH:MM).")
WHEN_ZONE = _("Give the date and time with a time zone.")
TEXT = _("Give a text.")
NUMBER = _("Give a number.")
PLACE = _("Place it on the map.")
WALK_TITLE = _("Give the walk a name of 1–200 characters.")
ROUTE = _("Draw the route on the map, or give a GeoJSON LineString of [lon, lat] points.")


class FieldReader:
    """Reads one mapping field by field; every problem lands in `errors` under its field."""

    def __init__(self, data: Mapping[str, Any], context: Mapping[str, Any]) -> None:
        self.data = data
        self.timezone: tzinfo | None = context.get("timezone")
        #: A form may write a decimal comma ("12,5"); in a JSON body that is no number.
        self.form: bool = bool(context.get("form"))
        self.errors: dict[str, str] = {}

    def _one(self, name: str) -> Any:
        """A single value as given: a list where one value belongs is refused by each reader (a form's
        repeated field has already been reduced to its last value by `read_contract`)."""
        return self.data.get(name)

    def text(self, name: str, default: str = "") -> str:
        value = self._one(name)
        if value is None:
            return default
        if not isinstance(value, str):
            self.errors[name] = TEXT
            return default
        return value

    def opt_int(self, name: str, *, field: str | None = None, required: bool = False) -> int | None:
        value = self._one(name)
        if isinstance(value, bool):
            self.errors[field or name] = WHOLE_NUMBER
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
            return int(value)
        text = value.strip() if isinstance(value, str) else None
        if value is None or text == "":
            if required:
                self.errors[field or name] = WHOLE_NUMBER
            return None
        if text is None or not text.lstrip("-").isdigit() or len(text) > 18:
            self.errors[field or name] = WHOLE_NUMBER
            return None
        return int(text)

    def ints(self, name: str) -> list[int]:
        raw = self.data.get(name)
        items = [] if raw in (None, "") else raw if isinstance(raw, list | tuple) else [raw]
        out: list[int] = []
        for item in items:
            if isinstance(item, str) and item.strip() == "":
                continue
            if isinstance(item, int) and not isinstance(item, bool):
                out.append(item)
            elif isinstance(item, str) and item.strip().isdigit() and len(item.strip()) <= 18:
                out.append(int(item.strip()))
            else:
                self.errors[name] = WHOLE_NUMBER
        return out

    def texts(self, name: str, *, lines: bool = False) -> list[str] | None:
        """A list of texts; a single text is one item, or one item a line when `lines` (a textarea)."""
        raw = self.data.get(name)
        if raw is None:
            return None
        if isinstance(raw, str):
            return [t for t in raw.replace("\r", "").split("\n") if t.strip()] if lines else [raw]
        if not isinstance(raw, list | tuple) or not all(isinstance(t, str) for t in raw):
            self.errors[name] = TEXT
            return []
        return list(raw)

    def number(self, name: str, *, field: str | None = None) -> float | None:
        value = self._one(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        text = value.strip() if isinstance(value, str) else None
        if text is not None and self.form:
            text = text.replace(",", ".")
        if value is None or text == "":
            self.errors[field or name] = PLACE
            return None
        try:
            number = float(text) if text is not None else None
        except ValueError:
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            self.errors[field or name] = NUMBER
        return number

    def when(self, name: str, *, required: bool = True) -> datetime | None:
        value = self._one(name)
        if isinstance(value, datetime):
            parsed: datetime | None = value
        elif isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                parsed = None
        else:
            if required or value not in (None, ""):
                self.errors[name] = WHEN
            return None
        if parsed is None:
            self.errors[name] = WHEN
            return None
        if parsed.tzinfo is None:
            if self.timezone is None:
                self.errors[name] = WHEN_ZONE
                return None
            parsed = parsed.replace(tzinfo=self.timezone)
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            self.errors[name] = WHEN
            return None


class Contract(BaseModel):
    """One typed contract for the API body and the page's form (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    _message: ClassVar[str] = "The input is not valid."
    LISTS: ClassVar[frozenset[str]] = frozenset()  # the form fields that repeat (read as lists)

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError(cls._message, fields={"body": _("Send an object with the fields.")})
        f = FieldReader(data, info.context or {})
        out = cls._parse(f)
        if f.errors:
            raise ValidationError(cls._message, fields=f.errors)
        return out

    @classmethod
    def _parse(cls, f: FieldReader) -> dict[str, Any]:
        raise NotImplementedError



class WalkCreate(Contract):
    """A safety walk to plan (`POST /api/v1/walks` and the planning form)."""

    _message: ClassVar[str] = "The walk could not be planned."
    LISTS: ClassVar[frozenset[str]] = frozenset({"organisation_ids", "checklist"})
    title: str = Field(min_length=1, max_length=200)
    planned_for: datetime = Field(description="with a time zone (ISO 8601)")
    area_id: int | None = None
    route: list[list[float]] | dict[str, Any] | str | None = Field(
        None, description="GeoJSON LineString (WGS 84), its [lon, lat] coordinates, or WKT; read as "
                          "its [lon, lat] coordinates")
    organisation_ids: list[int] = Field([], description="the organisations taking part")
    resident_groups: list[str] = []
    checklist: list[str] | None = Field(None, description="checklist item codes; all items when left out")
    notes: str = ""
    activity_id: int | None = None
    organiser_id: int | None = Field(None, description="another organiser than your own (managers only)")

    @classmethod
    def _parse(cls, f: FieldReader) -> dict[str, Any]:
        title = f.text("title")
        if not title.strip() or len(title.strip()) > 200:
            f.errors["title"] = WALK_TITLE
        route: list[list[float]] | None = None
        raw_route = f.data.get("route")
        if raw_route is not None and not isinstance(raw_route, str | dict | list):
            f.errors["route"] = ROUTE
        else:
            try:
                line = parse_route(raw_route)
            except ValidationError as exc:
                f.errors.update(exc.fields)
            else:
                route = [list(c) for c in line.coords] if line is not None else None
        return {"title": title.strip(), "planned_for": f.when("planned_for"), "area_id": f.opt_int("area_id"),
                "route": route, "organisation_ids": f.ints("organisation_ids"),
                "resident_groups": f.texts("resident_groups", lines=True) or [],
                "checklist": f.texts("checklist") or None, "notes": f.text("notes"),
                "activity_id": f.opt_int("activity_id"), "organiser_id": f.opt_int("organiser_id")}


def walk_fields(walk: SafetyWalk) -> dict[str, Any]:
    """A walk's own fields as the API answers them (`walk_json`): the read side of `WalkCreate`."""
    import shapely

    return {
        "id": walk.id, "title": walk.title, "planned_for": walk.planned_for.isoformat(), "status": walk.status,
        "area_id": walk.area_id, "area_name": walk.area.name if walk.area else None,
        "organiser_id": walk.organiser_id, "organisation_ids": [o.id for o in walk.organisations],
        "resident_groups": walk.resident_groups, "checklist": walk.checklist, "activity_id": walk.activity_id,
        "route": shapely.geometry.mapping(walk.route) if walk.route is not None else None,
        "url": f"/fieldwork/walks/{walk.id}"}


class ShiftCreate(Contract):
    """A night-walker shift to log (`POST /api/v1/night-shifts` and the shifts form)."""

    _message: ClassVar[str] = "The shift could not be logged."
    starts_at: datetime = Field(description="with a time zone (ISO 8601)")
    ends_at: datetime = Field(description="after starts_at, within 14 hours")
    walkers: int = Field(description="1–200")
    area_id: int | None = None
    organisation_id: int | None = Field(None, description="your own when left out")
    notes: str = ""
    activity_id: int | None = None

    @classmethod
    def _parse(cls, f: FieldReader) -> dict[str, Any]:
        return {"starts_at": f.when("starts_at"), "ends_at": f.when("ends_at"),
                "walkers": f.opt_int("walkers", required=True), "area_id": f.opt_int("area_id"),
                "organisation_id": f.opt_int("organisation_id"), "notes": f.text("notes"),
                "activity_id": f.opt_int("activity_id")}


class ShiftObservationCreate(Contract):
    """A night walkers' observation (`POST /api/v1/night-shifts/{id}/observations` and the shift page)."""

    _message: ClassVar[str] = "The observation could not be stored."
    category: str = Field(description="a report category code (GET /api/v1/categories)")
    description: str = ""
    lon: float
    lat: float
    occurred_at: datetime | None = Field(None, description="with a time zone (ISO 8601); now when left out")
    insecurity: int | None = Field(None, description="1 (little) – 5 (very much)")

    @classmethod
    def _parse(cls, f: FieldReader) -> dict[str, Any]:
        return {"category": f.text("category"), "description": f.text("description"),
                "lon": f.number("lon", field="location"), "lat": f.number("lat", field="location"),
                "occurred_at": f.when("occurred_at", required=False), "insecurity": f.opt_int("insecurity")}
