"""`trygg retention run [--dry-run]`: old details go, aggregates stay, the run is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.factories import World
from trygg.cli import app
from trygg.domain import clock
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import IdempotencyRecord, Report, ReportPhoto, ResidentContact

runner = CliRunner()


def _get(s: Session, rid: int) -> Report:
    report = s.get(Report, rid)
    assert report is not None
    return report


def _recent(database: Database, world: World) -> None:
    with database.session() as s:
        for rid in world.report_ids:
            _get(s, rid).occurred_from = clock.now() - timedelta(days=30)


def _age(database: Database, world: World) -> tuple[int, int]:
    """Make one normal report 4 years old (with a photo and a contact) and the sensitive one 2 years
    old; the rest are a month old. Returns their ids."""
    old_normal, old_sensitive = world.report_ids[0], world.report_ids[2]
    now = clock.now()
    _recent(database, world)
    with database.session() as s:
        _get(s, old_normal).occurred_from = now - timedelta(days=4 * 365)
        _get(s, old_sensitive).occurred_from = now - timedelta(days=2 * 365)
        s.add(ReportPhoto(report_id=old_normal, mime="image/jpeg", width=1, height=1, content=b"x"))
        s.add(ResidentContact(report_id=old_normal, name="Anna", email="anna@example.se"))
    return old_normal, old_sensitive


def _counts(database: Database) -> list[tuple[str, int | None, int]]:
    with database.session() as s:
        q = select(Report.category, Report.area_id, func.count()).group_by(Report.category, Report.area_id)
        return sorted((str(c), a, int(n)) for c, a, n in s.execute(q))


def test_dry_run_changes_nothing(database: Database, world: World) -> None:
    _age(database, world)
    before = _counts(database)
    result = runner.invoke(app, ["retention", "run", "--dry-run", "--db", database.url])
    assert result.exit_code == 0, result.output
    assert "2 reports would be anonymised" in result.output
    with database.session() as s:
        assert _get(s, world.report_ids[0]).description == "Testrapport 0"
        assert s.scalar(select(func.count(ReportPhoto.id))) == 1
        assert audit.count(s, audit.AuditQuery(action="retention")) == 0
    assert _counts(database) == before


def test_run_removes_details_keeps_aggregates_and_is_audited(database: Database, world: World) -> None:
    old_normal, old_sensitive = _age(database, world)
    before = _counts(database)
    result = runner.invoke(app, ["retention", "run", "--db", database.url])
    assert result.exit_code == 0, result.output
    with database.session() as s:
        for rid in (old_normal, old_sensitive):
            r = _get(s, rid)
            assert r.description == "" and r.precision == "area_centroid"
            assert r.area is not None and (r.lon, r.lat) == (r.area.centroid_lon, r.area.centroid_lat)
        assert s.scalar(select(func.count(ReportPhoto.id))) == 0
        assert s.scalar(select(func.count(ResidentContact.id))) == 0
        recent = _get(s, world.report_ids[1])
        assert recent.description != "" and recent.precision == "exact"
        entries = audit.search(s, audit.AuditQuery(action="retention"))
        assert sorted(e.object_id for e in entries) == ["sexual_harassment", "vandalism"]
        vandalism = next(e for e in entries if e.object_id == "vandalism")
        assert vandalism.detail is not None and vandalism.detail["photos"] == 1 and vandalism.detail["contacts"] == 1
        assert "Anna" not in str([e.detail for e in entries])
        assert audit.verify_chain(s).ok
    assert _counts(database) == before, "aggregates stay"
    again = runner.invoke(app, ["retention", "run", "--db", database.url])
    assert "0 reports were anonymised" in again.output


def test_a_shorter_period_can_be_set_per_category(database: Database, world: World) -> None:
    _recent(database, world)
    with database.session() as s:
        _get(s, world.report_ids[3]).occurred_from = clock.now() - timedelta(days=100)
    assert runner.invoke(app, ["retention", "set", "littering", "90", "--db", database.url]).exit_code == 0
    listed = runner.invoke(app, ["retention", "list", "--db", database.url]).output
    assert "littering" in listed and "90" in listed
    result = runner.invoke(app, ["retention", "run", "--db", database.url])
    assert "1 reports were anonymised" in result.output
    assert runner.invoke(app, ["retention", "set", "nonsense", "90", "--db", database.url]).exit_code == 2


def test_old_idempotency_answers_are_purged_by_the_run(database: Database, world: World) -> None:
    now = clock.now()
    with database.session() as s:
        for key, age in (("old", 31), ("fresh", 1)):
            s.add(IdempotencyRecord(scope="user:1 POST /api/v1/reports", key=key, request_hash="0" * 64,
                                    status_code=201, response_body="{}", created_at=now - timedelta(days=age)))
        s.commit()
    dry = runner.invoke(app, ["retention", "run", "--dry-run", "--db", database.url])
    assert dry.exit_code == 0, dry.output
    assert "1 stored answers of old Idempotency-Keys would be deleted" in dry.output
    with database.session() as s:
        assert s.scalar(select(func.count(IdempotencyRecord.id))) == 2
    r = runner.invoke(app, ["retention", "run", "--db", database.url])
    assert r.exit_code == 0, r.output
    assert "1 stored answers of old Idempotency-Keys were deleted" in r.output
    with database.session() as s:
        assert list(s.scalars(select(IdempotencyRecord.key))) == ["fresh"]
