"""The form helpers the field-work pages share: posted values → typed values and field errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypeVar

from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.domain.enums import AreaLevel
from trygg.errors import ValidationError
from trygg.fieldwork.contracts import Contract
from trygg.storage import areas as area_store
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity
from trygg.web.i18n import TIMEZONE

C = TypeVar("C", bound=Contract)


def form_values(form: FormData) -> dict[str, str]:
    """The posted text fields (the last of a repeated one), to show again beside the field errors."""
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


def read_contract(contract: type[C], form: FormData) -> C:
    """The posted form read by the entity's contract, the one the API takes as its body: the same
    field messages for the same bad input. A time without a zone is Swedish local time (the
    `datetime-local` input); the fields the contract lists as repeating are read as lists."""
    data: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if key in contract.LISTS else (values[-1] if values else "")
    for key in contract.LISTS:
        data.setdefault(key, [])
    return contract.model_validate(data, context={"timezone": TIMEZONE, "form": True})


def local_datetime(value: str, field: str, errors: dict[str, str]) -> datetime:
    """A `datetime-local` form value (Swedish local time) as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        errors[field] = "Give a date and time (YYYY-MM-DD HH:MM)."
        return clock.now()
    return (parsed.replace(tzinfo=TIMEZONE) if parsed.tzinfo is None else parsed).astimezone(UTC)


def form_date(value: str, field: str, errors: dict[str, str], required: bool = True) -> date | None:
    value = value.strip()
    if not value:
        if required:
            errors[field] = "Give a date (YYYY-MM-DD)."
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "Give a date (YYYY-MM-DD)."
        return None


def form_int(value: str, field: str, errors: dict[str, str], required: bool = False) -> int | None:
    value = value.strip()
    if not value:
        if required:
            errors[field] = "Give a whole number."
        return None
    try:
        return int(value)
    except ValueError:
        errors[field] = "Give a whole number."
        return None


def form_float(value: str, field: str, errors: dict[str, str]) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        errors[field] = "Place it on the map."
        return None
    try:
        return float(value)
    except ValueError:
        errors[field] = "Give a number."
        return None


def raise_if(errors: dict[str, str], message: str) -> None:
    if errors:
        raise ValidationError(message, fields=errors)


def local_input(value: datetime | None) -> str:
    """A datetime as the value of a `datetime-local` input (Swedish local time)."""
    return value.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M") if value else ""


def common_choices(session: Session) -> dict[str, Any]:
    """Areas, organisations and plan activities for the forms' select lists."""
    from sqlalchemy import select

    activities = list(session.scalars(select(Activity).order_by(Activity.plan_id.desc(), Activity.id)))
    return {"districts": area_store.list_areas(session, AreaLevel.REGSO),
            "organisations": store.all_organisations(session), "activities": activities}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
