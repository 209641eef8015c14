"""The lägesbild's filters of a request, shared by its pages, its PDF and its API.

The report filters are those of `trygg.web.filters.parse_report_filter`, plus ``weeks=N`` for the
last N complete weeks; reports of sensitive categories are left out for users not cleared for them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import quote

from sqlalchemy.orm import object_session
from starlette.datastructures import QueryParams

from trygg.domain.clock import today
from trygg.domain.permissions import Permission, roles_for
from trygg.errors import ValidationError
from trygg.lagesbild.periods import last_complete_week
from trygg.storage.reports import ReportFilter
from trygg.storage.schema import User
from trygg.web.access import can_see_sensitive, sensitive_codes, taxonomy_of
from trygg.web.filters import parse_report_filter

#: Who sees the lägesbild (aggregates, hot spots, map).
VIEW_ROLES = roles_for(Permission.LAGESBILD_VIEW)
WEEK_CHOICES = (1, 2, 4, 13, 26, 52)
FILTER_KEYS = ("weeks", "start", "end", "area", "area_type", "category", "organisation", "source")


def dashboard_filter(params: QueryParams, user: User, *, on: date | None = None) -> ReportFilter:
    """The report filter of the query parameters; ``weeks=N`` means the last N complete weeks."""
    flt = parse_report_filter(params, tax=taxonomy_of(user))
    weeks = params.get("weeks", "").strip()
    if weeks and flt.start is None and flt.end is None:
        if not weeks.isdigit() or not 1 <= int(weeks) <= 260:
            raise ValidationError("Some filters are not valid.", fields={"weeks": "a whole number 1–260"})
        last = last_complete_week(on or today())
        flt = replace(flt, start=last.end - timedelta(weeks=int(weeks)), end=last.end)
    if not can_see_sensitive(user):
        flt = replace(flt, exclude_categories=sensitive_codes(object_session(user)))
    return flt


def query_string(params: QueryParams) -> str:
    """The filter part of the query string (for links: exports, PDF, the API)."""
    pairs = [(k, v) for k, v in params.multi_items() if k in FILTER_KEYS and v != ""]
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)
