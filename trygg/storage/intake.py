"""Intake storage: idempotency records, routing rules, column mappings, import runs, Open311 clients,
and the report queries of reporting, triage and Open311 (photos, resident contacts, nearby reports).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.enums import ReportStatus, Source
from trygg.domain.geo import to_sweref
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.storage.areas import current as current_area
from trygg.storage.schema import (
    Area,
    IdempotencyRecord,
    Report,
    ReportPhoto,
    ResidentContact,
    ShortTermAction,
    User,
)
from trygg.storage.schema.intake import ColumnMapping, ImportRun, Open311Client, RoutingRule

OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.TRIAGED, ReportStatus.IN_PROGRESS)
CLOSED_STATUSES = (ReportStatus.RESOLVED, ReportStatus.REJECTED, ReportStatus.DUPLICATE)
OPEN311_KEY_PREFIX = "o311_"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --------------------------------------------------------------------------- idempotency


def find_idempotency(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.scope == scope,
                                                          IdempotencyRecord.key == key))


def store_idempotency(session: Session, scope: str, key: str, request_hash: str, status_code: int,
                      body: str) -> IdempotencyRecord:
    rec = IdempotencyRecord(scope=scope, key=key, request_hash=request_hash, status_code=status_code,
                            response_body=body)
    session.add(rec)
    session.flush()
    return rec


IDEMPOTENCY_DAYS = 30  # a retry comes within minutes; a month is ample


def purge_idempotency(session: Session, older_than: timedelta = timedelta(days=IDEMPOTENCY_DAYS), *,
                      now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the stored answers of Idempotency-Keys older than `older_than` (run by retention);
    the number deleted (or, with `dry_run`, that would be)."""
    cutoff = (now or clock.now()) - older_than
    old = IdempotencyRecord.created_at < cutoff
    if dry_run:
        return int(session.scalar(select(func.count(IdempotencyRecord.id)).where(old)) or 0)
    result = session.execute(delete(IdempotencyRecord).where(old))
    return int(getattr(result, "rowcount", 0) or 0)


# --------------------------------------------------------------------------- routing rules


def list_rules(session: Session) -> list[RoutingRule]:
    return list(session.scalars(select(RoutingRule).order_by(RoutingRule.area_id, RoutingRule.category,
                                                             RoutingRule.id)))


def add_rule(session: Session, organisation_id: int, area_id: int | None = None, category: str | None = None,
             note: str = "") -> RoutingRule:
    """Add or replace the rule for (area, category); either may be None meaning "any"."""
    existing = session.scalar(select(RoutingRule).where(
        RoutingRule.area_id.is_(None) if area_id is None else RoutingRule.area_id == area_id,
        RoutingRule.category.is_(None) if category is None else RoutingRule.category == category))
    if existing is not None:
        existing.organisation_id = organisation_id
        existing.note = note
        session.flush()
        return existing
    rule = RoutingRule(area_id=area_id, category=category, organisation_id=organisation_id, note=note)
    session.add(rule)
    session.flush()
    return rule


def delete_rule(session: Session, rule_id: int) -> None:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"No routing rule {rule_id}.")
    session.delete(rule)
    session.flush()


#: The routing rules that can apply to a report (built once; every report is routed).
_RULES = select(RoutingRule).where(
    or_(RoutingRule.area_id.is_(None), RoutingRule.area_id == bindparam("area_id")),
    or_(RoutingRule.category.is_(None), RoutingRule.category == bindparam("category")))


def route_for(session: Session, area_id: int | None, category: str) -> int | None:
    """The responsible organisation: the most specific rule wins (area+category, category, area, any)."""
    rules = session.scalars(_RULES, {"area_id": area_id, "category": category})
    best: tuple[int, int] | None = None
    for r in rules:
        rank = (2 if r.area_id is not None else 0) + (3 if r.category is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, r.organisation_id)
    return best[1] if best else None


# --------------------------------------------------------------------------- column mappings


def get_mapping(session: Session, name: str) -> ColumnMapping | None:
    return session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))


def save_mapping(session: Session, name: str, fmt: str, mapping: dict[str, Any]) -> ColumnMapping:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("The mapping needs a name.", fields={"mapping_name": "1–100 characters"})
    row = get_mapping(session, name)
    if row is None:
        row = ColumnMapping(name=name, fmt=fmt, mapping=mapping)
        session.add(row)
    else:
        row.fmt, row.mapping = fmt, dict(mapping)
    session.flush()
    return row


def list_mappings(session: Session) -> list[ColumnMapping]:
    return list(session.scalars(select(ColumnMapping).order_by(ColumnMapping.name)))


# --------------------------------------------------------------------------- import runs


def start_run(session: Session, fmt: str, filename: str, source: str, organisation_id: int | None,
              user_id: int | None, dry_run: bool, *, total: int = 0) -> ImportRun:
    """A new run in status ``running``; `total` is the number of rows expected, if known."""
    now = clock.now()
    run = ImportRun(fmt=fmt, filename=filename[:300], source=source, organisation_id=organisation_id,
                    user_id=user_id, dry_run=dry_run, issues=[], total=total, processed=0, started_at=now,
                    updated_at=now)
    session.add(run)
    session.flush()
    return run


def checkpoint_run(session: Session, run: ImportRun, *, processed: int, total: int, imported: int,
                   duplicates: int, skipped: int, rejected: int) -> ImportRun:
    """Write the progress of a running import and its heartbeat (``updated_at``); the caller commits."""
    run.processed, run.total, run.imported, run.duplicates = processed, max(total, processed), imported, duplicates
    run.skipped, run.rejected = skipped, rejected
    run.updated_at = clock.now()
    session.flush()
    return run


def finish_run(session: Session, run: ImportRun, *, status: str, total: int, imported: int,
               duplicates: int, skipped: int, rejected: int, issues: list[dict[str, Any]],
               error: str | None = None) -> ImportRun:
    run.status, run.total, run.imported, run.duplicates = status, total, imported, duplicates
    run.skipped, run.rejected, run.issues, run.error = skipped, rejected, issues, error
    if status == "done":
        run.processed = total
    run.finished_at = run.updated_at = clock.now()
    session.flush()
    return run


def fail_run(session: Session, run: ImportRun, error: str, *, issues: list[dict[str, Any]] | None = None) -> ImportRun:
    """Mark `run` failed with `error`, keeping the counts of its last checkpoint (what was committed)."""
    run.status, run.error = "failed", error[:2000]
    if issues is not None:
        run.issues = issues
    run.finished_at = run.updated_at = clock.now()
    session.flush()
    return run


def stale_running_runs(session: Session, *, before: datetime) -> list[int]:
    """Ids of the runs still ``running`` whose last heartbeat is older than `before`."""
    heartbeat = ImportRun.updated_at
    stale = or_(heartbeat < before, (heartbeat.is_(None)) & (ImportRun.started_at < before))
    return list(session.scalars(select(ImportRun.id).where(ImportRun.status == "running", stale)))


def fail_runs(session: Session, ids: list[int], *, error: str) -> int:
    """Mark failed those of runs `ids` that are still ``running`` (their worker is gone); the caller commits."""
    if not ids:
        return 0
    now = clock.now()
    session.execute(update(ImportRun).where(ImportRun.id.in_(ids), ImportRun.status == "running")
                    .values(status="failed", error=error, finished_at=now, updated_at=now)
                    .execution_options(synchronize_session=False))
    return len(ids)


def list_runs(session: Session, limit: int = 50, *, organisation_id: int | None = None) -> list[ImportRun]:
    """The latest runs; with `organisation_id`, only those `visible_to_organisation` (see there)."""
    stmt = select(ImportRun)
    if organisation_id is not None:
        stmt = stmt.where(visible_to_organisation(organisation_id))
    return list(session.scalars(stmt.order_by(ImportRun.id.desc()).limit(limit)))


def visible_to_organisation(organisation_id: int) -> Any:
    """Runs an organisation's users see: started by one of them, or of rows from the organisation, or
    started outside the web (command line: no user) for no organisation."""
    starter_org = select(User.organisation_id).where(User.id == ImportRun.user_id).scalar_subquery()
    return or_(ImportRun.organisation_id == organisation_id, starter_org == organisation_id,
               ImportRun.user_id.is_(None) & ImportRun.organisation_id.is_(None))


def get_run(session: Session, run_id: int) -> ImportRun | None:
    return session.get(ImportRun, run_id)


# --------------------------------------------------------------------------- Open311 client keys


def create_open311_client(session: Session, name: str, key: str | None = None) -> str:
    """Register a client application and return its api_key once (only the hash is stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("The application needs a name.", fields={"name": "1–100 characters"})
    if session.scalar(select(Open311Client).where(Open311Client.name == name)):
        raise Conflict(f"An Open311 application named {name!r} exists already.",
                       hint="Choose another name or revoke the old key first.")
    key = key or OPEN311_KEY_PREFIX + secrets.token_urlsafe(24)
    session.add(Open311Client(name=name, key_hash=sha256(key), prefix=key[:10]))
    session.flush()
    return key


def open311_client_for_key(session: Session, key: str) -> Open311Client | None:
    """The client application of `key` (None when unknown or revoked). Only reads: the caller notes
    the use with `note_open311_use` in a short transaction of its own."""
    if not key:
        return None
    client = session.scalar(select(Open311Client).where(Open311Client.key_hash == sha256(key)))
    if client is None or client.revoked_at is not None:
        return None
    return client


LAST_USED_RESOLUTION = timedelta(minutes=1)


def open311_use_is_stale(client: Open311Client, now: datetime | None = None) -> bool:
    """True when the client's ``last_used_at`` is older than a minute (worth writing again)."""
    now = now or clock.now()
    return client.last_used_at is None or client.last_used_at <= now - LAST_USED_RESOLUTION


def note_open311_use(session: Session, client_id: int, now: datetime | None = None) -> None:
    """Set the client's ``last_used_at`` to now, at most once a minute (one conditional UPDATE).

    Run it in a session of its own and commit at once: a request's own transaction must not hold
    the client's row (PostgreSQL) or the write lock (SQLite) while the request is checked."""
    now = now or clock.now()
    session.execute(update(Open311Client)
                    .where(Open311Client.id == client_id,
                           or_(Open311Client.last_used_at.is_(None),
                               Open311Client.last_used_at <= now - LAST_USED_RESOLUTION))
                    .values(last_used_at=now))


def list_open311_clients(session: Session) -> list[Open311Client]:
    return list(session.scalars(select(Open311Client).order_by(Open311Client.id)))


def revoke_open311_client(session: Session, ref: str) -> Open311Client:
    q = select(Open311Client).where(
        (Open311Client.id == int(ref)) if ref.isascii() and ref.isdigit() and len(ref) <= 18
        else (Open311Client.name == ref))
    client = session.scalar(q)
    if client is None:
        raise NotFound(f"No Open311 application {ref!r}.", hint="List them with 'trygg open311 keys list'.")
    client.revoked_at = clock.now()
    session.flush()
    return client


# --------------------------------------------------------------------------- photos and contacts


def add_photo(session: Session, report_id: int, mime: str, width: int, height: int, content: bytes) -> ReportPhoto:
    photo = ReportPhoto(report_id=report_id, mime=mime, width=width, height=height, content=content)
    session.add(photo)
    session.flush()
    return photo


def photos_of(session: Session, report_id: int) -> list[ReportPhoto]:
    return list(session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == report_id)
                                .order_by(ReportPhoto.id)))


def get_photo(session: Session, photo_id: int) -> ReportPhoto | None:
    return session.get(ReportPhoto, photo_id)


def add_contact(session: Session, report_id: int, name: str = "", email: str = "", phone: str = "",
                lang: str = "sv") -> None:
    if name or email or phone:
        session.add(ResidentContact(report_id=report_id, name=name[:200], email=email[:200], phone=phone[:60],
                                    lang=lang))
        session.flush()


def contact_of(session: Session, report_id: int) -> ResidentContact | None:
    return session.scalar(select(ResidentContact).where(ResidentContact.report_id == report_id))


# --------------------------------------------------------------------------- report queries of intake


def area_choices(session: Session, level: str) -> list[Any]:
    """(id, name) of the areas of `level` by name, for the report forms' area picker. Only the two
    columns: a refused form is shown again on every bad submit, and geometries cost to load."""
    return list(session.execute(select(Area.id, Area.name).where(Area.level == level, current_area())
                                .order_by(Area.name)))


def nearby_open_reports(session: Session, lon: float, lat: float, *, radius_m: float = 250.0,
                        category: str | None = None, days: int = 30, limit: int = 5,
                        sources: Sequence[str] = (Source.RESIDENT,),
                        categories: Sequence[str] | None = None) -> list[Report]:
    """Open reports within `radius_m` of a point in the last `days` (duplicate hints), only of
    `categories` when given."""
    x, y = to_sweref(lon, lat)
    since = clock.now() - timedelta(days=days)
    q = select(Report).where(Report.x.between(x - radius_m, x + radius_m),
                             Report.y.between(y - radius_m, y + radius_m),
                             Report.status.in_([str(s) for s in OPEN_STATUSES]),
                             Report.created_at >= since)
    if sources:
        q = q.where(Report.source.in_([str(s) for s in sources]))
    if category:
        q = q.where(Report.category == category)
    if categories is not None:
        q = q.where(Report.category.in_(list(categories)))
    rows = [r for r in session.scalars(q.limit(200)) if (r.x - x) ** 2 + (r.y - y) ** 2 <= radius_m ** 2]
    rows.sort(key=lambda r: (r.x - x) ** 2 + (r.y - y) ** 2)
    return rows[:limit]


def triage_queue(session: Session, statuses: Sequence[str], *, sources: Sequence[str] = (Source.RESIDENT,),
                 limit: int = 100, offset: int = 0) -> list[Report]:
    q = select(Report).where(Report.status.in_(list(statuses)))
    if sources:
        q = q.where(Report.source.in_([str(s) for s in sources]))
    return list(session.scalars(q.order_by(Report.created_at.asc(), Report.id).limit(limit).offset(offset)))


@dataclass(frozen=True)
class QueueFilter:
    """The Kontaktcenter queue's filters; None = any."""

    statuses: tuple[str, ...] = ()
    area_id: int | None = None
    category: str | None = None
    routed_to: int | None = None  # 0 = not routed yet
    received_before: datetime | None = None  # the age filter: received before this moment
    public_id: str | None = None  # search: a public id or its beginning


def queue_page(session: Session, flt: QueueFilter, *, sources: Sequence[str] = (Source.RESIDENT,),
               limit: int = 50, offset: int = 0) -> tuple[list[Report], int]:
    """One page of the queue, newest first, and the number of reports matching the filters."""
    q = select(Report)
    if sources:
        q = q.where(Report.source.in_([str(s) for s in sources]))
    if flt.public_id:
        q = q.where(Report.public_id.startswith(flt.public_id.strip().lower()))
    else:
        if flt.statuses:
            q = q.where(Report.status.in_(list(flt.statuses)))
        if flt.area_id is not None:
            q = q.where(Report.area_id == flt.area_id)
        if flt.category:
            q = q.where(Report.category == flt.category)
        if flt.routed_to == 0:
            q = q.where(Report.routed_to_id.is_(None))
        elif flt.routed_to is not None:
            q = q.where(Report.routed_to_id == flt.routed_to)
        if flt.received_before is not None:
            q = q.where(Report.created_at < flt.received_before)
    total = int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = list(session.scalars(q.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit).offset(offset)))
    return rows, total


def queue_counts(session: Session, sources: Sequence[str] = (Source.RESIDENT,)) -> dict[str, int]:
    """{status: number of reports} of the queue's sources."""
    q = select(Report.status, func.count(Report.id)).group_by(Report.status)
    if sources:
        q = q.where(Report.source.in_([str(s) for s in sources]))
    return {str(status): int(n) for status, n in session.execute(q)}


def actions_for_reports(session: Session, report_ids: Sequence[int]) -> dict[int, list[ShortTermAction]]:
    """Short-term actions created from each report (for feedback to reporters; `trygg.storage.actions`)."""
    from trygg.storage.actions import actions_for_reports as by_report

    return by_report(session, report_ids)


def open311_requests(session: Session, *, public_ids: Sequence[str] = (), categories: Sequence[str] = (),
                     start: datetime | None = None, end: datetime | None = None,
                     statuses: Sequence[str] = (), exclude_categories: Sequence[str] = (),
                     limit: int = 1000) -> list[Report]:
    """Residents' reports as Open311 service requests (newest first)."""
    q = select(Report).where(Report.source == Source.RESIDENT)
    if exclude_categories:
        q = q.where(Report.category.not_in(list(exclude_categories)))
    if public_ids:
        q = q.where(Report.public_id.in_(list(public_ids)))
    else:
        if categories:
            q = q.where(Report.category.in_(list(categories)))
        if start is not None:
            q = q.where(Report.created_at >= start)
        if end is not None:
            q = q.where(Report.created_at <= end)
        if statuses:
            q = q.where(Report.status.in_(list(statuses)))
    return list(session.scalars(q.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)))


def resident_report(session: Session, public_id: str) -> Report | None:
    return session.scalar(select(Report).where(Report.public_id == public_id, Report.source == Source.RESIDENT))


def reports_of_organisation(session: Session, organisation_id: int, *, limit: int = 50,
                            offset: int = 0) -> list[Report]:
    """The organisation's reports, newest first by when it happened (the date the list shows)."""
    return list(session.scalars(select(Report).where(Report.organisation_id == organisation_id)
                                .order_by(Report.occurred_from.desc(), Report.id.desc())
                                .limit(limit).offset(offset)))
