"""`trygg notify run --once | list | retry`: deliver the outbox from the command line."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trygg.cli import app
from trygg.storage import outbox
from trygg.storage.database import Database

runner = CliRunner()


def test_notify_run_once_delivers_lists_and_retries(database: Database, world, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with database.session() as s:
        ok = outbox.enqueue(s, kind="case_routed", recipient="park@example.org", lang="sv", subject="Nytt ärende",
                            body="Ett ärende", domain="example.org")
        bad = outbox.enqueue(s, kind="minutes", recipient="x@example.org", lang="sv", subject="Protokoll",
                             body="y", domain="example.org")
        assert ok is not None and bad is not None
        outbox.mark_failed(s, bad.id, "550 No such user", permanent=True)
        ok_mid, bad_id = ok.message_id, bad.id
    monkeypatch.delenv("TRYGG_SMTP_HOST", raising=False)
    monkeypatch.delenv("TRYGG_MAIL_FILE", raising=False)
    refused = runner.invoke(app, ["notify", "run", "--once", "--db", database.url])
    assert refused.exit_code == 2 and "TRYGG_SMTP_HOST" in refused.output
    path = tmp_path / "cli.mbox"
    monkeypatch.setenv("TRYGG_MAIL_FILE", str(path))
    r = runner.invoke(app, ["notify", "run", "--once", "--db", database.url])
    assert r.exit_code == 0, r.output
    assert "1 sent" in r.output
    box = mailbox.mbox(str(path))
    assert [m["Message-ID"] for m in box] == [ok_mid]
    box.close()
    listed = runner.invoke(app, ["notify", "list", "--db", database.url])
    assert listed.exit_code == 0 and "x@example.org" in listed.output and "failed: 1" in listed.output
    assert runner.invoke(app, ["notify", "retry", str(bad_id), "--db", database.url]).exit_code == 0
    again = runner.invoke(app, ["notify", "retry", str(bad_id), "--db", database.url])
    assert again.exit_code == 2 and "No failed notification" in again.output
