"""The municipality's details edited in the browser: they override the settings of the same name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.storage.schema.golive import MunicipalityDetail

#: The settings (`trygg.config.Settings` fields) an administrator may change on the municipality page.
EDITABLE = ("kontaktcenter_address", "kontaktcenter_hours")


def details(session: Session) -> dict[str, str]:
    return {d.key: d.value for d in session.scalars(select(MunicipalityDetail)) if d.key in EDITABLE}


def save(session: Session, values: dict[str, str]) -> list[str]:
    """Store `values` (keys of `EDITABLE`); the keys that changed."""
    stored = {d.key: d for d in session.scalars(select(MunicipalityDetail))}
    changed = []
    for key, value in values.items():
        if key not in EDITABLE:
            raise KeyError(key)
        row = stored.get(key)
        if row is None:
            session.add(MunicipalityDetail(key=key, value=value, updated_at=clock.now()))
        elif row.value != value:
            row.value, row.updated_at = value, clock.now()
        else:
            continue
        changed.append(key)
    session.flush()
    return changed
