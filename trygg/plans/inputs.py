"""Parse and check what a user sends for a plan, a focus area, an activity or an indicator.

Both the JSON API and the browser forms hand a plain dict to these functions; every problem is
collected per field and raised as one `ValidationError` (→ 422 with field details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from trygg.domain.categories import BY_CODE
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
        bad = [c for c in out if c not in BY_CODE]
        if bad:
            self.errors[name] = f"unknown categories: {', '.join(bad)}"
        return [c for c in dict.fromkeys(out) if c in BY_CODE]

    def check(self, message: str) -> None:
        guard({k: v for k, v in self.texts.items() if k not in self.errors}, errors=self.errors)
        if self.errors:
            raise ValidationError(message, fields=self.errors)


@dataclass(frozen=True)
class FocusAreaInput:
    title: str
    problem: str
    target_area_types: list[int]
    target_area_ids: list[int]
    categories: list[str]


@dataclass(frozen=True)
class ActivityInput:
    title: str
    description: str
    kind: str
    responsible_role: str
    period_start: date | None
    period_end: date | None
    owner_ids: list[int]
    focus_area_ids: list[int]
    area_id: int | None
    status: str


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    source_kind: str
    category: str | None
    area_id: int | None
    area_types: list[int]
    survey_indicator: str | None
    baseline: float | None
    target: float | None
    unit: str


def focus_area_input(data: dict[str, Any]) -> FocusAreaInput:
    f = _Fields(data)
    out = FocusAreaInput(title=f.text("title", required=True), problem=f.text("problem", max_len=5000),
                         target_area_types=f.ints("target_area_types", 1, 5),
                         target_area_ids=f.ints("target_area_ids", 1), categories=f.categories())
    f.check("The focus area is not valid.")
    return out


def activity_input(data: dict[str, Any]) -> ActivityInput:
    f = _Fields(data)
    kinds = tuple(str(k) for k in ActivityKind)
    out = ActivityInput(
        title=f.text("title", required=True), description=f.text("description", max_len=5000),
        kind=f.choice("kind", kinds), responsible_role=f.text("responsible_role", max_len=200),
        period_start=f.day("period_start"), period_end=f.day("period_end"),
        owner_ids=f.ints("owner_ids", 1), focus_area_ids=f.ints("focus_area_ids", 1),
        area_id=f.opt_int("area_id"), status=f.choice("status", ACTIVITY_STATUSES, default="planned"))
    if out.period_start and out.period_end and out.period_end < out.period_start:
        f.errors["period_end"] = "must not be before period_start"
    if not out.owner_ids and "owner_ids" not in f.errors:
        f.errors["owner_ids"] = "name at least one owner organisation"
    f.check("The activity is not valid.")
    return out


def indicator_input(data: dict[str, Any]) -> IndicatorInput:
    f = _Fields(data)
    kind = f.choice("source_kind", SOURCE_KINDS)
    category = f.text("category", max_len=40) or None
    survey = f.text("survey_indicator", max_len=80) or None
    out = IndicatorInput(name=f.text("name", required=True), source_kind=kind, category=category,
                         area_id=f.opt_int("area_id"), area_types=f.ints("area_types", 1, 5),
                         survey_indicator=survey, baseline=f.number("baseline"), target=f.number("target"),
                         unit=f.text("unit", max_len=40))
    if kind == "report_category":
        if not category:
            f.errors["category"] = "a report-category indicator needs a category"
        elif category not in BY_CODE:
            f.errors["category"] = f"unknown category {category!r}"
    if kind == "survey" and not survey:
        f.errors["survey_indicator"] = "a survey indicator needs the survey question"
    f.check("The indicator is not valid.")
    return out


def plan_fields(data: dict[str, Any], *, require_title: bool = False) -> dict[str, str]:
    f = _Fields(data)
    out = {}
    if require_title or "title" in data:
        out["title"] = f.text("title", required=True)
    if "summary" in data:
        out["summary"] = f.text("summary", max_len=10000)
    f.check("The plan is not valid.")
    return out


def year_of(data: dict[str, Any]) -> int:
    f = _Fields(data)
    years = f.ints("year", 2000, 2100)
    if not years and "year" not in f.errors:
        f.errors["year"] = "is required"
    f.check("The plan is not valid.")
    return years[0]
