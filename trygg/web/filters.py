"""Parse the filter query parameters shared by lists, maps, exports and the lägesbild.

``?start=2024-01-01&end=2024-02-01&area=3&area=4&area_type=1&category=vandalism&organisation=2
&status=received&source=est`` → a `ReportFilter`. Bad values raise a ValidationError naming the field.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time

from starlette.datastructures import QueryParams

from trygg.domain.categories import Taxonomy
from trygg.domain.enums import ReportStatus, Source
from trygg.errors import ValidationError
from trygg.storage.reports import DetailScope, ReportFilter
from trygg.web.i18n import TIMEZONE


def _parse_when(value: str, field: str, errors: dict[str, str]) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), TIMEZONE).astimezone(UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=TIMEZONE) if parsed.tzinfo is None else parsed
    except ValueError:
        errors[field] = f"{value!r} is not a date (YYYY-MM-DD) or ISO 8601 time"
        return None


def _ints(params: QueryParams, name: str, errors: dict[str, str], lo: int | None = None,
          hi: int | None = None) -> tuple[int, ...]:
    out: list[int] = []
    for raw in params.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                errors[name] = f"{part!r} is not a whole number"
                continue
            n = int(part)
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                errors[name] = f"{n} is outside {lo}–{hi}"
                continue
            out.append(n)
    return tuple(out)


def _codes(params: QueryParams, name: str, allowed: set[str], errors: dict[str, str]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in params.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if part not in allowed:
                errors[name] = f"unknown value {part!r}; allowed: {', '.join(sorted(allowed))}"
                continue
            out.append(part)
    return tuple(out)


def parse_report_filter(params: QueryParams, visible: DetailScope | None = None, *, tax: Taxonomy) -> ReportFilter:
    """The filter of `params`; a category includes the categories merged into it (`Taxonomy.expand`)."""
    errors: dict[str, str] = {}
    start = _parse_when(params.get("start", ""), "start", errors)
    end = _parse_when(params.get("end", ""), "end", errors)
    if start and end and end <= start:
        errors["end"] = "must be after start"
    flt = ReportFilter(
        start=start, end=end,
        area_ids=_ints(params, "area", errors, 1),
        area_types=_ints(params, "area_type", errors, 1, 5),
        categories=tax.expand(_codes(params, "category", set(tax.codes), errors)),
        organisation_ids=_ints(params, "organisation", errors, 1),
        statuses=_codes(params, "status", {str(s) for s in ReportStatus}, errors),
        sources=_codes(params, "source", {str(s) for s in Source}, errors),
        visible=visible,
    )
    if errors:
        raise ValidationError("Some filters are not valid.", fields=errors)
    return flt


def make_cursor(occurred_from: datetime, report_id: int) -> str:
    """The opaque keyset cursor after a row: its time and id (URL-safe base64)."""
    raw = f"{occurred_from.astimezone(UTC).isoformat()}|{report_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(cursor: str) -> tuple[datetime, int]:
    """(occurred_from, id) of a `make_cursor` value; 422 on anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, rid = raw.partition("|")
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError(at)
        return when, int(rid)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The paging cursor is not valid.",
                              fields={"cursor": "Pass the next_cursor of the previous page unchanged."}) from None


def paging(params: QueryParams, default_limit: int = 50, max_limit: int = 1000) -> tuple[int, int]:
    errors: dict[str, str] = {}
    limit = _ints(params, "limit", errors, 1, max_limit)
    offset = _ints(params, "offset", errors, 0)
    if errors:
        raise ValidationError("Paging parameters are not valid.", fields=errors)
    return (limit[0] if limit else default_limit), (offset[0] if offset else 0)
