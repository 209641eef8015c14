"""The sender: a self-contained loop over the outbox table (`trygg.storage.outbox`).

One round (`run_once`) claims a batch of due notifications for a lease, then for each: builds the
message (attaching the minutes' PDF when it carries minutes), hands it to the transport and — only
after the server accepted it — marks it sent in its own short transaction. A failure counts an
attempt and schedules a retry with backoff. A sender killed mid-batch loses nothing: its claimed,
unsent rows are claimed again when their lease runs out; a row sent but not yet marked is sent once
more with the same Message-ID (at most one duplicate, which mail clients fold).

It runs inside ``trygg serve`` (`SenderThread`) and as ``trygg notify run [--once]``; the round
also queues the notices of actions that became overdue (at most once an hour).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from trygg.notify import events
from trygg.notify.mailer import Attachment, PermanentError, Transport, build_message
from trygg.notify.messages import MailTexts
from trygg.storage import outbox
from trygg.storage.database import Database
from trygg.storage.schema import EstMeeting, MeetingMinutes

log = logging.getLogger("trygg.notify")
BATCH = 20
OVERDUE_EVERY = timedelta(hours=1)


@dataclass
class RoundResult:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    overdue_queued: int = 0
    errors: list[str] = field(default_factory=list)


def _attachment(session: Session, minutes_id: int | None) -> Attachment | None:
    if minutes_id is None:
        return None
    minutes = session.get(MeetingMinutes, minutes_id)
    if minutes is None:
        return None
    meeting = session.get(EstMeeting, minutes.meeting_id)
    day = meeting.held_on.isoformat() if meeting is not None else str(minutes.meeting_id)
    return Attachment(f"protokoll-{day}-v{minutes.version}.pdf", minutes.pdf)


def run_once(database: Database, transport: Transport, *, sender_address: str, batch: int = BATCH,
             lease: timedelta = outbox.LEASE, after_send: Callable[[int], None] | None = None) -> RoundResult:
    """Deliver one batch of due notifications; returns what happened. `after_send(id)` runs after
    the server accepted a message and before it is marked (tests use it to kill the sender there)."""
    result = RoundResult()
    with database.session() as s:
        ids = outbox.claim_due(s, batch, lease=lease)
    result.claimed = len(ids)
    try:
        for nid in ids:
            with database.session() as s:
                row = outbox.get(s, nid)
                if row is None or row.status != outbox.PENDING:
                    continue
                msg = build_message(sender=sender_address, recipient=row.recipient, subject=row.subject,
                                    body=row.body, message_id=row.message_id, lang=row.lang, created=row.created_at,
                                    attachment=_attachment(s, row.minutes_id))
            try:
                transport.send(msg)
            except PermanentError as exc:
                with database.session() as s:
                    outbox.mark_failed(s, nid, str(exc), permanent=True)
                result.failed += 1
                result.errors.append(str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - any delivery error is retried later
                with database.session() as s:
                    outbox.mark_failed(s, nid, f"{type(exc).__name__}: {exc}")
                    failed = outbox.get(s, nid)
                    gave_up = failed is not None and failed.status == outbox.FAILED
                result.failed += int(gave_up)
                result.retrying += int(not gave_up)
                result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            if after_send is not None:
                after_send(nid)
            with database.session() as s:
                outbox.mark_sent(s, nid)
            result.sent += 1
    finally:
        transport.close()
    return result


def queue_overdue(database: Database, texts: MailTexts, today: date) -> int:
    """Queue the notices of overdue actions, and delete sent notifications older than 30 days (their
    addresses need not be kept)."""
    with database.session() as s:
        queued = events.overdue_actions(s, today, texts)
        outbox.purge_sent(s)
        return queued


class SenderThread(threading.Thread):
    """The sender as a daemon thread of the web server: a round every `interval` seconds."""

    def __init__(self, database: Database, make_transport: Callable[[], Transport], *, sender_address: str,
                 texts: MailTexts, interval: float, today: Callable[[], date]) -> None:
        super().__init__(name="trygg-notify", daemon=True)
        self.database, self.make_transport, self.sender_address = database, make_transport, sender_address
        self.texts, self.interval, self.today = texts, interval, today
        self.stop_event = threading.Event()
        self._last_overdue: float | None = None

    def round(self) -> RoundResult:
        now = time.monotonic()
        queued = 0
        if self._last_overdue is None or now - self._last_overdue >= OVERDUE_EVERY.total_seconds():
            queued = queue_overdue(self.database, self.texts, self.today())
            self._last_overdue = now
        result = run_once(self.database, self.make_transport(), sender_address=self.sender_address)
        result.overdue_queued = queued
        return result

    def run(self) -> None:
        while not self.stop_event.is_set():
            started = time.monotonic()
            try:
                result = self.round()
                if result.claimed:
                    log.info("notifications: %d sent, %d to retry, %d failed", result.sent, result.retrying,
                             result.failed)
            except Exception:  # noqa: BLE001 - the loop must survive a bad round (database restart, …)
                log.exception("notification round failed")
            self.stop_event.wait(max(self.interval - (time.monotonic() - started), 0.5))

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self.join(timeout)
