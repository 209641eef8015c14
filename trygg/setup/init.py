"""`trygg init`: a municipality, its own organisation and the first administrator in an empty database.

    >>> from trygg.storage.database import Database                          # doctest: +SKIP
    >>> with Database("vbg.db").session() as s:                               # doctest: +SKIP
    ...     init_municipality(s, "Vänersborg", admin="admin", admin_password="…")

The municipality's boundary comes from the package data (`trygg.setup.municipalities`); the
default categories (`trygg.domain.categories.DEFAULT_CATEGORIES`) are stored by the migration that
makes the ``categories`` table; init stores them itself into a table that was emptied. An
administrator without a password gets a one-time set-password link instead (`invitations`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel, OrgKind, Role
from trygg.errors import Conflict, ValidationError
from trygg.setup.municipalities import Municipality, default_org_name, find_municipality
from trygg.storage import areas as area_store
from trygg.storage import audit, categories, invitations
from trygg.storage import users as user_store
from trygg.storage.area_writes import NewArea, add_areas
from trygg.storage.schema import Organisation


@dataclass(frozen=True)
class InitResult:
    """What `init_municipality` stored; `set_password_token` is shown once (None with a password)."""

    municipality: Municipality
    organisation_id: int
    organisation_name: str
    admin_username: str
    admin_id: int
    categories: int
    set_password_token: str | None


def init_municipality(session: Session, ref: str, *, admin: str, admin_password: str | None = None,
                      org_name: str | None = None, org_short_name: str = "", admin_name: str = "") -> InitResult:
    """Create the municipality `ref` (SCB code or name), its organisation and the first admin (flushed).

    `admin_name` is the admin's display name (default: the username). Raises Conflict when the
    database already has a municipality or the organisation name is taken.
    """
    found = area_store.municipality(session)
    if found is not None:
        raise Conflict(f"This database is already set up for {found.name} ({found.code}).",
                       hint="Each database serves one municipality: give a new --db for another one.")
    muni = find_municipality(ref)
    name = (org_name or default_org_name(muni.name)).strip()
    if not name or len(name) > 200:
        raise ValidationError("The organisation name must be 1–200 characters.",
                              fields={"org_name": "1–200 characters"})
    if session.scalar(select(func.count(Organisation.id)).where(Organisation.name == name)):
        raise Conflict(f"An organisation named {name!r} exists already.", hint="Give another --org-name.")
    add_areas(session, [NewArea(code=muni.code, name=muni.name, level=AreaLevel.MUNICIPALITY, geom=muni.geom)])
    org = user_store.create_organisation(session, name, OrgKind.MUNICIPALITY, short_name=org_short_name)
    user = user_store.create_user(session, admin, admin_password, Role.ADMIN, org.id,
                                  display_name=admin_name.strip() or admin)
    token = invitations.create_link(session, user) if admin_password is None else None
    n_categories = categories.seed(session)  # the migration seeds them: only a table emptied by hand
    audit.record(session, None, "municipality_init", "municipality", muni.code,
                 {"organisation_id": org.id, "admin_id": user.id, "invited": token is not None})
    return InitResult(municipality=muni, organisation_id=org.id, organisation_name=org.name,
                      admin_username=user.username, admin_id=user.id, categories=n_categories,
                      set_password_token=token)
