"""The input contracts of a plan, a focus area, an activity and an indicator (pydantic models).

The JSON API declares them as request bodies (so OpenAPI documents every field) and the browser
forms validate their posted fields with the same models; every problem is collected per field and
raised as one `ValidationError` (→ 422 with field details, shown beside the field on a page).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from trygg.domain.categories import Taxonomy
from trygg.domain.enums import ActivityKind
from trygg.domain.personal_data import guard
from trygg.errors import ValidationError

SOURCE_KINDS = ("report_category", "survey", "manual")
ACTIVITY_STATUSES = ("planned", "ongoing", "done", "cancelled", "delayed")
PARTIES = ("police", "municipality", "both")


class _Fields:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}
        self.texts: dict[str, str] = {}  # free text read by others: checked for personal data

    def text(self, name: str, *, required: bool = False, max_len: int = 300, default: str = "") -> str:
        value = self.data.get(name)
        text = default if value is None else str(value).strip()
        if required and not text:
            self.errors[name] = "is required"
        elif len(text) > max_len:
            self.errors[name] = f"is longer than {max_len} characters"
        self.texts[name] = text
        return text

    def ints(self, name: str, lo: int | None = None, hi: int | None = None) -> list[int]:
        raw = self.data.get(name)
        if raw in (None, ""):
            return []
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        out: list[int] = []
        for item in items:
            s = str(item).strip()
            if not s:
                continue
            if not s.lstrip("-").isdigit():
                self.errors[name] = f"{s!r} is not a whole number"
                continue
            n = int(s)
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                self.errors[name] = f"{n} is outside {lo}–{hi}"
                continue
            if n not in out:
                out.append(n)
        return out

    def opt_int(self, name: str) -> int | None:
        values = self.ints(name, 1)
        return values[0] if values else None

    def number(self, name: str) -> float | None:
        raw = self.data.get(name)
        if raw is None or str(raw).strip() == "":
            return None
        try:
            return float(str(raw).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            self.errors[name] = f"{raw!r} is not a number"
            return None

    def day(self, name: str, *, required: bool = False) -> date | None:
        raw = self.data.get(name)
        if raw is None or str(raw).strip() == "":
            if required:
                self.errors[name] = "is required (YYYY-MM-DD)"
            return None
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            self.errors[name] = f"{raw!r} is not a date (YYYY-MM-DD)"
            return None

    def choice(self, name: str, allowed: tuple[str, ...], *, default: str | None = None) -> str:
        value = self.text(name) or (default or "")
        if value not in allowed:
            self.errors[name] = f"must be one of {', '.join(allowed)}"
        return value

    def categories(self, name: str = "categories") -> list[str]:
        raw = self.data.get(name)
        if raw in (None, ""):
            return []
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        out = [str(c).strip() for c in items if str(c).strip()]
        bad = [c for c in out if not 1 <= len(c) <= 40]
        if bad:
            self.errors[name] = f"unknown categories: {', '.join(bad)}"
        return [c for c in dict.fromkeys(out) if 1 <= len(c) <= 40]

    def check(self, message: str) -> None:
        guard({k: v for k, v in self.texts.items() if k not in self.errors}, errors=self.errors)
        if self.errors:
            raise ValidationError(message, fields=self.errors)


class _Input(BaseModel):
    """One typed contract, shared by the JSON API (its OpenAPI schema) and the browser forms.

    Both hand over a plain mapping (JSON object or posted form); `_parse` reads it with `_Fields`,
    collecting every problem per field, and raises one `ValidationError` (422, field details)
    before pydantic sees the cleaned values. So a page and the API answer the same bad input with
    the same field messages.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")
    _message: ClassVar[str] = "The input is not valid."

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError(cls._message, fields={"body": "send an object with the fields"})
        f = _Fields(dict(data))
        out = cls._parse(f, info.context or {})
        f.check(cls._message)
        return out

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


AreaType = Annotated[int, Field(ge=1, le=5, description="SCB area type 1 (most vulnerable) – 5")]
Id = Annotated[int, Field(ge=1)]


class FocusAreaInput(_Input):
    """A focus area of an action plan (create and replace)."""

    _message: ClassVar[str] = "The focus area is not valid."
    title: str = Field(max_length=300)
    problem: str = Field("", max_length=5000, description="the problem the focus area addresses")
    target_area_types: list[AreaType] = []
    target_area_ids: list[Id] = Field([], description="ids of the targeted districts")
    categories: list[str] = Field([], description="report category codes (GET /api/v1/categories)")

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        return {"title": f.text("title", required=True), "problem": f.text("problem", max_len=5000),
                "target_area_types": f.ints("target_area_types", 1, 5),
                "target_area_ids": f.ints("target_area_ids", 1), "categories": f.categories()}


class ActivityInput(_Input):
    """An activity of an action plan, linked to its focus areas (create and replace)."""

    _message: ClassVar[str] = "The activity is not valid."
    title: str = Field(max_length=300)
    description: str = Field("", max_length=5000)
    kind: str = Field(json_schema_extra={"enum": [str(k) for k in ActivityKind]})
    responsible_role: str = Field("", max_length=200)
    period_start: date | None = None
    period_end: date | None = Field(None, description="not before period_start")
    owner_ids: list[Id] = Field(min_length=1, description="ids of the owner organisations")
    focus_area_ids: list[Id] = []
    area_id: Id | None = None
    status: str = Field("planned", json_schema_extra={"enum": list(ACTIVITY_STATUSES)})

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        kinds = tuple(str(k) for k in ActivityKind)
        start, end = f.day("period_start"), f.day("period_end")
        out: dict[str, Any] = {
               "title": f.text("title", required=True), "description": f.text("description", max_len=5000),
               "kind": f.choice("kind", kinds), "responsible_role": f.text("responsible_role", max_len=200),
               "period_start": start, "period_end": end,
               "owner_ids": f.ints("owner_ids", 1), "focus_area_ids": f.ints("focus_area_ids", 1),
               "area_id": f.opt_int("area_id"), "status": f.choice("status", ACTIVITY_STATUSES, default="planned")}
        if start and end and end < start:
            f.errors["period_end"] = "must not be before period_start"
        if not out["owner_ids"] and "owner_ids" not in f.errors:
            f.errors["owner_ids"] = "name at least one owner organisation"
        return out


class IndicatorInput(_Input):
    """An indicator of an activity or a promise commitment (create and replace)."""

    _message: ClassVar[str] = "The indicator is not valid."
    name: str = Field(max_length=300)
    source_kind: str = Field(json_schema_extra={"enum": list(SOURCE_KINDS)})
    category: str | None = Field(None, max_length=40, description="report category code (report_category)")
    area_id: Id | None = None
    area_types: list[AreaType] = []
    survey_indicator: str | None = Field(None, max_length=80, description="the survey question (survey)")
    baseline: float | None = None
    target: float | None = None
    unit: str = Field("", max_length=40)

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        kind = f.choice("source_kind", SOURCE_KINDS)
        category = f.text("category", max_len=40) or None
        survey = f.text("survey_indicator", max_len=80) or None
        out = {"name": f.text("name", required=True), "source_kind": kind, "category": category,
               "area_id": f.opt_int("area_id"), "area_types": f.ints("area_types", 1, 5),
               "survey_indicator": survey, "baseline": f.number("baseline"), "target": f.number("target"),
               "unit": f.text("unit", max_len=40)}
        if kind == "report_category" and not category:
            f.errors["category"] = "a report-category indicator needs a category"
        if kind == "survey" and not survey:
            f.errors["survey_indicator"] = "a survey indicator needs the survey question"
        return out


class PlanCreate(_Input):
    """A new draft plan for a year, its evidence taken from the current lägesbild."""

    _message: ClassVar[str] = "The plan is not valid."
    year: int = Field(ge=2000, le=2100)
    title: str = Field("", max_length=300, description="default: Åtgärdsplan <year>")
    summary: str = Field("", max_length=10000)
    suggest_focus_areas: bool = Field(False, description="add focus areas suggested by the evidence")
    as_of: date | None = Field(None, description="the day the evidence is taken on (default: today)")

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        years = f.ints("year", 2000, 2100)
        if not years and "year" not in f.errors:
            f.errors["year"] = "is required"
        year = years[0] if years else 0
        title = f.text("title") or f"Åtgärdsplan {year}"
        if len(title) > 300:
            f.errors["title"] = "is longer than 300 characters"
        as_of = f.day("as_of")
        if as_of is not None and not 2000 <= as_of.year <= 2100:  # the evidence looks two years back
            f.errors["as_of"] = f"{as_of.isoformat()} is outside 2000–2100"
        return {"year": year, "title": title, "summary": f.text("summary", max_len=10000),
                "suggest_focus_areas": bool(f.data.get("suggest_focus_areas")), "as_of": as_of}


class PlanUpdate(_Input):
    """A change of a plan's title or summary; fields left out stay as they are.

    Validated with ``context={"require_title": True}`` (the edit form) a title must be given.
    """

    _message: ClassVar[str] = "The plan is not valid."
    title: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=10000)

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if context.get("require_title") or "title" in f.data:
            out["title"] = f.text("title", required=True)
        if "summary" in f.data:
            out["summary"] = f.text("summary", max_len=10000)
        return out

    def changes(self) -> dict[str, str]:
        """The fields given, as {name: value}."""
        return {k: v for k, v in self.model_dump(include=self.model_fields_set).items() if v is not None}


class PlanTransition(_Input):
    """A move of a plan in its lifecycle (signed is reached by signing)."""

    _message: ClassVar[str] = "The status change is not valid."
    to: str = Field(description="consultation, approved, draft, active or evaluated")
    note: str = Field("", description="why (the first 500 characters are kept)")
    acknowledge_warnings: bool = Field(False, description="move on although the plan has warnings")

    @classmethod
    def _parse(cls, f: _Fields, context: dict[str, Any]) -> dict[str, Any]:
        return {"to": str(f.data.get("to") or ""), "note": str(f.data.get("note") or "")[:500],
                "acknowledge_warnings": bool(f.data.get("acknowledge_warnings"))}


def check_categories(tax: Taxonomy, data: FocusAreaInput | IndicatorInput) -> None:
    """Raise the input's field error for a category code the taxonomy `tax` does not know (the
    taxonomy is data: the services check against it, the input only checks the form of a code)."""
    if isinstance(data, FocusAreaInput):
        bad = [c for c in data.categories if c not in tax]
        if bad:
            raise ValidationError(type(data)._message, fields={"categories": f"unknown categories: {', '.join(bad)}"})
    elif data.source_kind == "report_category" and data.category and data.category not in tax:
        raise ValidationError(type(data)._message, fields={"category": f"unknown category {data.category!r}"})


def focus_area_input(data: Mapping[str, Any]) -> FocusAreaInput:
    return FocusAreaInput.model_validate(data)


def activity_input(data: Mapping[str, Any]) -> ActivityInput:
    return ActivityInput.model_validate(data)


def indicator_input(data: Mapping[str, Any]) -> IndicatorInput:
    return IndicatorInput.model_validate(data)


def plan_fields(data: Mapping[str, Any], *, require_title: bool = False) -> dict[str, str]:
    """The title and summary given in `data` (the title required on the edit form)."""
    return PlanUpdate.model_validate(data, context={"require_title": require_title}).changes()
