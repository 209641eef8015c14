"""The outbox and its sender against a real SMTP server (aiosmtpd): exactly once, retries, crashes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from trygg.domain import clock
from trygg.notify.mailer import MboxTransport, SmtpConfig, SmtpTransport
from trygg.notify.sender import run_once
from trygg.storage import outbox
from trygg.storage.database import Database
from trygg.storage.schema import Notification

ROOT = Path(__file__).resolve().parents[2]
SENDER = "trygg@trollhattan.example"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.endswith("@invalid.example"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[Any]:
    """start() → a running aiosmtpd server on `smtp_port` with its Inbox; stopped after the test."""
    from aiosmtpd.controller import Controller

    controllers: list[Controller] = []

    def start() -> Inbox:
        handler = Inbox()
        c = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        c.start()
        controllers.append(c)
        return handler

    yield start
    for c in controllers:
        c.stop()


def _queue(database: Database, n: int) -> list[str]:
    with database.session() as s:
        return [outbox.enqueue(s, kind="action_assigned", recipient=f"user{i}@example.org", lang="sv",
                               subject=f"Ny åtgärd {i}", body=f"Åtgärd nummer {i}", domain="trollhattan.example")
                .message_id for i in range(n)]  # type: ignore[union-attr]


def _transport(port: int) -> SmtpTransport:
    return SmtpTransport(SmtpConfig(host="127.0.0.1", port=port, tls="none", timeout=5))


def _make_due(database: Database) -> None:
    with database.session() as s:
        s.execute(update(Notification).values(next_attempt_at=outbox.now() - timedelta(seconds=1)))


def test_server_down_then_up_delivers_every_notification_exactly_once(database: Database, smtp_port: int,
                                                                      smtp_server) -> None:  # type: ignore[no-untyped-def]
    ids = _queue(database, 7)
    down = run_once(database, _transport(smtp_port), sender_address=SENDER)
    assert (down.claimed, down.sent, down.retrying) == (7, 0, 7)
    with database.session() as s:
        rows = list(s.scalars(select(Notification)))
        assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {1}
        assert all(r.next_attempt_at > outbox.now() for r in rows)  # backoff: not due at once
        assert "Error" in rows[0].last_error or "refused" in rows[0].last_error.lower()
    # Not due yet: a round now sends nothing.
    assert run_once(database, _transport(smtp_port), sender_address=SENDER).claimed == 0
    inbox = smtp_server()
    _make_due(database)
    up = run_once(database, _transport(smtp_port), sender_address=SENDER)
    assert (up.sent, up.retrying, up.failed) == (7, 0, 0)
    assert sorted(inbox.message_ids()) == sorted(ids)
    assert run_once(database, _transport(smtp_port), sender_address=SENDER).claimed == 0
    assert len(inbox.messages) == 7
    first = next(m for m in inbox.messages if m["Message-ID"] == ids[0])
    assert first["From"] == SENDER and first["To"] == "user0@example.org" and first["Subject"] == "Ny åtgärd 0"
    with database.session() as s:
        assert outbox.counts(s) == {"pending": 0, "sent": 7, "failed": 0}


def test_a_refused_address_fails_at_once_and_an_admin_can_retry_it(database: Database, smtp_port: int,
                                                                   smtp_server) -> None:  # type: ignore[no-untyped-def]
    smtp_server()
    with database.session() as s:
        bad = outbox.enqueue(s, kind="minutes", recipient="nobody@invalid.example", lang="en", subject="x", body="y",
                             domain="example.org")
        assert bad is not None
        bad_id = bad.id
    result = run_once(database, _transport(smtp_port), sender_address=SENDER)
    assert result.failed == 1
    with database.session() as s:
        row = s.get(Notification, bad_id)
        assert row is not None and row.status == "failed" and row.last_error
        assert [n.id for n in outbox.list_by_status(s, "failed")] == [bad_id]
        assert outbox.retry(s, bad_id) is not None
        assert s.get(Notification, bad_id).status == "pending"  # type: ignore[union-attr]


def test_backoff_doubles_and_stops_at_six_hours() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(20) == timedelta(hours=6)


KILLER = """
import os, signal, sys
from datetime import date, timedelta
from trygg.domain import clock
from trygg.notify.mailer import SmtpConfig, SmtpTransport
from trygg.notify.sender import run_once
from trygg.storage.database import Database

sent = []

def after_send(nid):
    sent.append(nid)
    if len(sent) == 3:  # the third message was accepted by the server and is not yet marked sent
        os.kill(os.getpid(), signal.SIGKILL)

clock.pin(date.fromisoformat(sys.argv[3]))  # the test's calendar
db = Database(sys.argv[1])
run_once(db, SmtpTransport(SmtpConfig(host="127.0.0.1", port=int(sys.argv[2]), tls="none", timeout=5)),
         sender_address="trygg@trollhattan.example", batch=10, lease=timedelta(seconds=1), after_send=after_send)
"""


def test_a_sender_killed_mid_batch_loses_no_notification(database: Database, smtp_port: int,
                                                        smtp_server) -> None:  # type: ignore[no-untyped-def]
    ids = _queue(database, 10)
    inbox = smtp_server()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", KILLER, database.url, str(smtp_port),
                           clock.today().isoformat()], env=env, cwd=ROOT,
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert len(inbox.messages) == 3
    with database.session() as s:
        assert outbox.counts(s) == {"pending": 8, "sent": 2, "failed": 0}
    time.sleep(1.2)  # the dead sender's lease runs out
    result = run_once(database, _transport(smtp_port), sender_address=SENDER)
    assert result.sent == 8
    delivered = inbox.message_ids()
    assert set(delivered) == set(ids)  # none lost
    # At most one duplicate — the message accepted just before the kill — with the same Message-ID.
    assert len(delivered) == 11 and len(set(delivered)) == 10
    with database.session() as s:
        assert outbox.counts(s) == {"pending": 0, "sent": 10, "failed": 0}


def test_without_an_smtp_host_the_mails_go_to_an_mbox_file(database: Database, tmp_path: Path) -> None:
    import mailbox

    ids = _queue(database, 2)
    path = tmp_path / "demo-mail.mbox"
    assert run_once(database, MboxTransport(path), sender_address=SENDER).sent == 2
    box = mailbox.mbox(str(path))
    assert sorted(m["Message-ID"] for m in box) == sorted(ids)
    box.close()


def test_an_admin_lists_failed_deliveries_and_retries_one(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        row = outbox.enqueue(s, kind="minutes", recipient="nobody@invalid.example", lang="sv", subject="Protokoll",
                             body="x", domain="example.org")
        assert row is not None
        outbox.mark_failed(s, row.id, "550 5.1.1 No such user", permanent=True)
        row_id = row.id
    assert login("samordnare").get("/admin/notifications").status_code == 403
    admin = login("admin")
    page = admin.get("/admin/notifications").text
    assert "Misslyckade utskick" in page and "nobody@invalid.example" in page and "550 5.1.1" in page
    r = admin.post(f"/admin/notifications/{row_id}/retry", follow_redirects=False)
    assert r.status_code == 303
    with database.session() as s:
        assert outbox.counts(s)["pending"] == 1
    assert admin.post(f"/admin/notifications/{row_id}/retry").status_code == 404  # not failed any more


def test_the_server_runs_the_sender_in_the_background(database: Database, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import mailbox

    from fastapi.testclient import TestClient

    from trygg.config import Settings
    from trygg.web.app import create_app

    path = tmp_path / "serve-mail.mbox"
    settings = Settings(database_url=database.url, secure_cookies="false", secret_key="test", require_totp=False,
                        mail_file=str(path),
                        notify_interval=1)
    ids = _queue(database, 3)
    with TestClient(create_app(settings, database)):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with database.session() as s:
                if outbox.counts(s)["sent"] == 3:
                    break
            time.sleep(0.2)
    box = mailbox.mbox(str(path))
    assert sorted(m["Message-ID"] for m in box) == sorted(ids)
    box.close()
