"""Organisations from a CSV or Excel table, and deactivation instead of deletion.

Columns (any case): ``namn``/``name``, ``kortnamn``/``short_name``, ``typ``/``kind`` (a kind code
or its Swedish word: polis, kommun, bostad, skola, räddningstjänst, bevakning, ideell, annan),
``utanför``/``allow_outside`` (may report outside the municipality, ja/nej) and
``delar``/``shares_details`` (shares report details with all partners, ja/nej). A name already
stored updates that organisation. Every problem names its row; nothing is stored while there is
one. Every created, changed or deactivated organisation is audited.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import OrgKind
from trygg.errors import ValidationError
from trygg.setup.tables import NamedTable, TableImportResult, yes_no
from trygg.storage import audit
from trygg.storage import users as user_store
from trygg.storage.schema import Organisation, User

COLUMNS = {
    "name": ("namn", "name", "organisation"),
    "short_name": ("kortnamn", "short_name", "short name", "förkortning"),
    "kind": ("typ", "kind", "slag"),
    "allow_outside": ("utanför", "utanfor", "allow_outside", "utanför kommunen"),
    "shares_details": ("delar", "shares_details", "delar detaljer"),
}
KIND_WORDS = {
    "polis": OrgKind.POLICE, "polisen": OrgKind.POLICE, "kommun": OrgKind.MUNICIPALITY,
    "förvaltning": OrgKind.MUNICIPALITY, "bostad": OrgKind.HOUSING, "bostadsbolag": OrgKind.HOUSING,
    "fastighetsägare": OrgKind.HOUSING, "skola": OrgKind.SCHOOL, "räddningstjänst": OrgKind.RESCUE,
    "räddning": OrgKind.RESCUE, "bevakning": OrgKind.GUARD, "vakt": OrgKind.GUARD, "ordningsvakt": OrgKind.GUARD,
    "ideell": OrgKind.VOLUNTEER, "frivillig": OrgKind.VOLUNTEER, "förening": OrgKind.VOLUNTEER,
    "annan": OrgKind.OTHER, "övrig": OrgKind.OTHER,
}


def parse_kind(text: str) -> str | None:
    t = text.strip().casefold()
    if t in OrgKind.__members__.values():
        return t
    kind = KIND_WORDS.get(t)
    return str(kind) if kind is not None else None


def import_organisations(session: Session, path: Path, *, dry_run: bool = False,
                         user_id: int | None = None) -> TableImportResult:
    table = NamedTable(path, COLUMNS, ("name", "kind"), dry_run=dry_run)
    result = table.result
    if result.errors:
        return result
    existing = {o.name: o for o in session.scalars(select(Organisation))}
    planned: list[tuple[Organisation | None, dict[str, object]]] = []
    for row in table.rows():
        get, name, problems = row.get, row.name, row.problems
        kind = parse_kind(get("kind"))
        if kind is None:
            problems.append(f"kind {get('kind')!r} is not one of {', '.join(OrgKind)} (or polis, kommun, bostad, "
                            "skola, räddningstjänst, bevakning, ideell, annan)")
        short = get("short_name")
        if len(short) > 60:
            problems.append("the short name must be at most 60 characters")
        outside = yes_no(get("allow_outside"), False)
        shares = yes_no(get("shares_details"), True)
        for field_name, value in (("allow_outside", outside), ("shares_details", shares)):
            if value is None:
                problems.append(f"{field_name} {get(field_name)!r} is not ja/nej")
        if table.reject(row):
            continue
        planned.append((existing.get(name), {"name": name, "kind": kind, "short_name": short or name[:60],
                                             "allow_outside": outside, "shares_details": shares}))
    if not table.complete():
        return result
    for org, values in planned:
        if org is None:
            result.created += 1
        elif any(getattr(org, k) != v for k, v in values.items()):
            result.updated += 1
        else:
            continue
        if dry_run:
            continue
        if org is None:
            org = Organisation(**values)
            session.add(org)
            session.flush()
            audit.record(session, user_id, "create", "organisation", org.id, {"kind": org.kind, "import": True})
        else:
            changed = sorted(k for k, v in values.items() if getattr(org, k) != v)
            for k, v in values.items():
                setattr(org, k, v)
            audit.record(session, user_id, "update", "organisation", org.id, {"fields": changed, "import": True})
    session.flush()
    return result


def set_active(session: Session, ref: str, active: bool, *, user_id: int | None = None) -> tuple[Organisation, int]:
    """(De)activate an organisation; deactivation also deactivates its users and ends their sessions.

    Returns the organisation and how many users were deactivated."""
    org = user_store.get_organisation(session, ref)
    users = list(session.scalars(select(User).where(User.organisation_id == org.id, User.active.is_(True))))
    if not active and user_id is not None and any(u.id == user_id for u in users):
        raise ValidationError("You cannot deactivate your own organisation.", fields={"organisation": org.name})
    org.active = active
    if not active:
        for u in users:
            u.active = False
            user_store.end_user_sessions(session, u.id)
    audit.record(session, user_id, "update", "organisation", org.id,
                 {"fields": ["active"], "active": active, "users_deactivated": 0 if active else len(users)})
    return org, 0 if active else len(users)
