"""The police events feed polled on a schedule: fetched from a local HTTP server serving the real
feed's format, imported once however often it is polled, retried when the server is down."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from trygg.cli import app as cli_app
from trygg.domain.clock import real_now as utcnow
from trygg.errors import ValidationError
from trygg.ingest import feeds
from trygg.jobs.worker import Worker
from trygg.storage import jobs as job_store
from trygg.storage.database import Database
from trygg.storage.schema import Job, JobSchedule, Report


@pytest.fixture
def feed_url(shared_dir: Path) -> Iterator[str]:
    """A server on 127.0.0.1 answering every GET with the shared police events file."""
    body = next((shared_dir / "data").glob("polisen_events_*.json")).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/events"
    server.shutdown()
    server.server_close()


def _police_reports(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id)).where(Report.source == "police_events")) or 0)


def _make_due(db: Database) -> None:
    with db.session() as s:
        s.execute(update(JobSchedule).values(next_at=utcnow() - timedelta(seconds=1)))


def test_every_parses_minutes_hours_and_seconds() -> None:
    assert [feeds.parse_every(t) for t in ("10m", "1h", "600", "90s", "1d")] == [600, 3600, 600, 90, 86400]
    for bad in ("", "ten", "5x", "30s"):
        with pytest.raises(ValidationError):
            feeds.parse_every(bad)


def test_the_feed_is_polled_on_schedule_and_imported_once(database: Database, world, feed_url: str) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        feeds.add_feed(s, "polisen", every_s=600, url=feed_url, organisation="polis")
    worker = Worker(database)
    assert worker.run_once()  # the schedule was due: one poll enqueued and run
    with database.session() as s:
        first = s.scalars(select(Job).where(Job.kind == feeds.KIND)).one()
        assert first.status == "done" and first.result is not None, first.error
        result = dict(first.result)
    stored = _police_reports(database)
    assert stored == result["imported"] > 0 and result["total"] > stored  # other municipalities are skipped
    assert not worker.run_once()  # not due again for 10 minutes

    _make_due(database)
    assert worker.run_once()
    with database.session() as s:
        second = s.scalars(select(Job).where(Job.kind == feeds.KIND).order_by(Job.id.desc())).first()
        assert second is not None and second.result is not None
        assert (second.result["imported"], second.result["duplicates"]) == (0, stored)
    assert _police_reports(database) == stored  # nothing twice


def test_an_unreachable_feed_is_retried_with_backoff(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        feeds.add_feed(s, "polisen", every_s=600, url="http://127.0.0.1:9/api/events")
    assert Worker(database).run_once()
    with database.session() as s:
        job = s.scalars(select(Job).where(Job.kind == feeds.KIND)).one()
        assert job.status == "queued" and job.attempts == 1 and job.error
        assert job.run_after > utcnow() + timedelta(seconds=20)
        assert job_store.counts(s) == {"queued": 1}


def test_feeds_add_list_remove_on_the_command_line(database: Database, world, feed_url: str) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    added = runner.invoke(cli_app, ["feeds", "add", "polisen", "--every", "10m", "--url", feed_url, "--db",
                                    database.url])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli_app, ["feeds", "list", "--db", database.url])
    assert listed.exit_code == 0 and "polisen" in listed.output and "10 min" in listed.output
    bad = runner.invoke(cli_app, ["feeds", "add", "polisen", "--every", "5s", "--db", database.url])
    assert bad.exit_code != 0 and "--every" in bad.output
    unknown = runner.invoke(cli_app, ["feeds", "add", "rss", "--db", database.url])
    assert unknown.exit_code != 0 and "polisen" in unknown.output
    assert runner.invoke(cli_app, ["feeds", "remove", "polisen", "--db", database.url]).exit_code == 0
    with database.session() as s:
        assert feeds.list_feeds(s) == []
