"""The transactional outbox of e-mail notifications: queue, claim, mark sent or failed, retry.

`enqueue` adds a row in the caller's transaction, so a notification exists exactly when the change
that causes it was committed. The sender (`trygg.notify.sender`) claims due rows for a short lease
(``claimed_until``) in a transaction of its own, sends each and marks it ``sent`` in another: a
sender that dies mid-batch leaves its rows to be claimed again when the lease runs out — none lost.
Failures are retried with exponential backoff; after `MAX_ATTEMPTS` a row is ``failed`` and waits
for an administrator to retry it (``/admin/notifications``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.storage.schema import Notification

PENDING, SENT, FAILED = "pending", "sent", "failed"
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
LEASE = timedelta(minutes=5)


def now() -> datetime:
    return clock.now()


def sha_short(value: str) -> str:
    """A short, stable digest (a per-recipient part of a fixed Message-ID)."""
    import hashlib

    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:10]


def make_message_id(kind: str, domain: str) -> str:
    """A Message-ID fixed when the row is written: retries and a resend after a crash carry the same one."""
    return f"<trygg.{kind}.{secrets.token_hex(12)}@{domain}>"


def enqueue(session: Session, *, kind: str, recipient: str, lang: str, subject: str, body: str, domain: str,
            report_id: int | None = None, action_id: int | None = None, minutes_id: int | None = None,
            message_id: str | None = None) -> Notification | None:
    """Queue one e-mail in the caller's transaction; None when `message_id` is queued already (a
    notification that must go out once, e.g. an overdue notice)."""
    message_id = message_id or make_message_id(kind, domain)
    if session.scalar(select(Notification.id).where(Notification.message_id == message_id)) is not None:
        return None
    row = Notification(kind=kind, recipient=recipient.strip()[:200], lang=lang, subject=subject[:300], body=body,
                       message_id=message_id, status=PENDING, attempts=0, next_attempt_at=now(), last_error="",
                       report_id=report_id, action_id=action_id, minutes_id=minutes_id)
    session.add(row)
    session.flush()
    return row


def claim_due(session: Session, limit: int = 20, *, at: datetime | None = None,
              lease: timedelta = LEASE) -> list[int]:
    """Claim up to `limit` due rows for `lease`; the caller commits at once. Returns their ids.

    The conditional UPDATE claims each row for one sender only, also with several senders at once.
    """
    at = at or now()
    due = (select(Notification.id).where(Notification.status == PENDING, Notification.next_attempt_at <= at,
                                         or_(Notification.claimed_until.is_(None), Notification.claimed_until < at))
           .order_by(Notification.next_attempt_at, Notification.id).limit(limit))
    ids = list(session.scalars(due))
    claimed = []
    for nid in ids:
        result = session.execute(
            update(Notification)
            .where(Notification.id == nid, Notification.status == PENDING,
                   or_(Notification.claimed_until.is_(None), Notification.claimed_until < at))
            .values(claimed_until=at + lease).execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0):
            claimed.append(nid)
    return claimed


def get(session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def mark_sent(session: Session, notification_id: int) -> None:
    session.execute(update(Notification).where(Notification.id == notification_id)
                    .values(status=SENT, sent_at=now(), claimed_until=None, last_error="",
                            attempts=Notification.attempts + 1)
                    .execution_options(synchronize_session=False))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def mark_failed(session: Session, notification_id: int, error: str, *, permanent: bool = False) -> None:
    """Count a failed attempt: retry after the backoff, or give up after `MAX_ATTEMPTS` (or at once
    when `permanent`, e.g. the server refused the address)."""
    row = session.get(Notification, notification_id)
    if row is None:
        return
    row.attempts += 1
    row.last_error = error[:2000]
    row.claimed_until = None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
    else:
        row.next_attempt_at = now() + backoff(row.attempts)
    session.flush()


def release(session: Session, ids: Sequence[int]) -> None:
    """Give claimed rows back (the sender stops before sending them)."""
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(list(ids)), Notification.status == PENDING)
                        .values(claimed_until=None).execution_options(synchronize_session=False))


def retry(session: Session, notification_id: int) -> Notification | None:
    """Queue a failed notification again (an administrator's retry)."""
    row = session.get(Notification, notification_id)
    if row is None or row.status != FAILED:
        return None
    row.status, row.attempts, row.next_attempt_at, row.claimed_until = PENDING, 0, now(), None
    session.flush()
    return row


def list_by_status(session: Session, status: str, limit: int = 200) -> list[Notification]:
    q = select(Notification).where(Notification.status == status)
    return list(session.scalars(q.order_by(Notification.id.desc()).limit(limit)))


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Notification.status, func.count(Notification.id)).group_by(Notification.status))
    out = {PENDING: 0, SENT: 0, FAILED: 0}
    out.update({str(s): int(n) for s, n in rows})
    return out


def purge_sent(session: Session, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete sent notifications older than `older_than` (their addresses need not be kept)."""
    result = session.execute(delete(Notification).where(Notification.status == SENT,
                                                        Notification.sent_at < now() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def for_report(session: Session, report_id: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.report_id == report_id)
                                .order_by(Notification.id)))


def organisation_recipients(session: Session, organisation_ids: Sequence[int],
                            roles: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(e-mail, language) of the active users of the organisations who gave an address (by role when
    `roles`), each address once."""
    from trygg.storage.schema import User

    if not organisation_ids:
        return []
    q = select(User.email, User.language).where(User.organisation_id.in_(list(organisation_ids)),
                                                User.active.is_(True), User.email.is_not(None), User.email != "")
    if roles:
        q = q.where(User.role.in_(list(roles)))
    seen: dict[str, str] = {}
    for email, lang in session.execute(q.order_by(User.id)):
        seen.setdefault(str(email).strip().lower(), lang or "sv")
    return sorted(seen.items())


def user_recipients(session: Session, user_ids: Sequence[int]) -> list[tuple[str, str]]:
    from trygg.storage.schema import User

    if not user_ids:
        return []
    q = select(User.email, User.language).where(User.id.in_(list(user_ids)), User.active.is_(True),
                                                User.email.is_not(None), User.email != "")
    return sorted({str(e).strip().lower(): (lang or "sv") for e, lang in session.execute(q)}.items())
