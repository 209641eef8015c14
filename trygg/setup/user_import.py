"""Users in bulk from a CSV or Excel table; each gets a one-time set-password link, never a password.

Columns (any case): ``användarnamn``/``username``, ``namn``/``name``, ``e-post``/``email``,
``roll``/``role`` (a role code or its Swedish word) and ``organisation`` (name or short name of an
active organisation). A password column is refused: passwords are never put in files. An existing
username, an unknown role or organisation, a bad e-mail address — each names its row, and nothing is
stored while there is one. Every user created is audited.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import Role
from trygg.ingest.csv_source import read_table
from trygg.setup.tables import TableImportResult, find_columns, getter, missing_columns
from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.storage.schema import Organisation, User

COLUMNS = {
    "username": ("användarnamn", "anvandarnamn", "username", "login"),
    "name": ("namn", "name", "display_name", "fullständigt namn"),
    "email": ("e-post", "epost", "email", "e-mail", "mejl"),
    "role": ("roll", "role"),
    "organisation": ("organisation", "org", "organization"),
}
PASSWORD_COLUMNS = ("password", "lösenord", "losenord", "passwd", "pwd")
ROLE_WORDS = {
    "administratör": Role.ADMIN, "admin": Role.ADMIN, "samordnare": Role.COORDINATOR,
    "trygghetssamordnare": Role.COORDINATOR, "polisanalytiker": Role.POLICE_ANALYST, "analytiker": Role.POLICE_ANALYST,
    "rapportör": Role.REPORTER, "rapportor": Role.REPORTER, "läsare": Role.VIEWER, "lasare": Role.VIEWER,
    "undertecknare": Role.SIGNATORY, "firmatecknare": Role.SIGNATORY, "kontaktcenter": Role.KONTAKTCENTER,
}
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_role(text: str) -> str | None:
    t = text.strip().casefold()
    if t in Role.__members__.values() and t != Role.PUBLIC:
        return t
    role = ROLE_WORDS.get(t)
    return str(role) if role is not None else None


def import_users(session: Session, path: Path, *, dry_run: bool = False, user_id: int | None = None,
                 link_days: int = invitations.LINK_DAYS) -> TableImportResult:
    headers, records = read_table(path)
    result = TableImportResult(rows=len(records), dry_run=dry_run)
    if any(h.strip().casefold() in PASSWORD_COLUMNS for h in headers if h):
        result.errors.append("the file has a password column: passwords never go in files; remove it — "
                             "every new user gets a one-time link to choose a password")
        return result
    cols = find_columns(headers, COLUMNS)
    problem = missing_columns(cols, ("username", "role", "organisation"), headers)
    if problem:
        result.errors.append(problem)
        return result
    orgs = list(session.scalars(select(Organisation)))
    by_name = {o.name.casefold(): o for o in orgs} | {o.short_name.casefold(): o for o in orgs if o.short_name}
    taken = set(session.scalars(select(User.username)))
    seen: dict[str, int] = {}
    planned: list[tuple[str, str, str, str | None, Organisation]] = []
    for line, row in records:
        get = getter(row, cols)
        username = get("username")
        where = f"row {line}" + (f" ({username})" if username else "")
        problems = []
        if not _USERNAME.match(username):
            problems.append("the username must be 1–80 letters, digits, '.', '-' or '_'")
        elif username in taken:
            problems.append("a user with this username exists already")
        elif username in seen:
            problems.append(f"the same username as row {seen[username]}")
        seen.setdefault(username, line)
        role = parse_role(get("role"))
        if role is None:
            problems.append(f"role {get('role')!r} is not one of {', '.join(r for r in Role if r != Role.PUBLIC)}")
        org = by_name.get(get("organisation").casefold())
        if org is None:
            problems.append(f"no organisation {get('organisation')!r}; import organisations first")
        elif not org.active:
            problems.append(f"the organisation {org.name!r} is deactivated")
        email = get("email") or None
        if email is not None and (len(email) > 200 or not _EMAIL.match(email)):
            problems.append(f"{email!r} is not an e-mail address")
        name = get("name")
        if len(name) > 200:
            problems.append("the name must be at most 200 characters")
        if problems:
            result.errors.extend(f"{where}: {p}" for p in problems)
            continue
        assert role is not None and org is not None
        planned.append((username, name, role, email, org))
    if not records:
        result.errors.append("the file holds no rows")
    if result.errors or dry_run:
        result.created = 0 if result.errors else len(planned)
        return result
    for username, name, role, email, org in planned:
        user = user_store.create_user(session, username, None, role, org.id, display_name=name)
        user.email = email
        token = invitations.create_link(session, user, days=link_days)
        result.links.append((username, token))
        audit.record(session, user_id, "create", "user", user.id,
                     {"role": role, "organisation_id": org.id, "invited": True, "import": True})
    result.created = len(planned)
    session.flush()
    return result
