"""`trygg public publish | republish | list`: months published once, republication with a reason."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import World
from tests.publication.helpers import add_reports
from trygg.cli import app
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, Publication

runner = CliRunner()


def test_publish_republish_and_list(database: Database, world: World) -> None:
    add_reports(database, world, "vandalism", "T001", 2024, 3, 7)
    r = runner.invoke(app, ["public", "publish", "--db", database.url])
    assert r.exit_code == 0, r.output
    assert "2024-03" in r.output
    assert "Published 0 month(s)." in runner.invoke(app, ["public", "publish", "--db", database.url]).output
    add_reports(database, world, "vandalism", "T001", 2024, 3, 2)  # late reports (created now)
    dry = runner.invoke(app, ["public", "republish", "--month", "2024-03", "--reason", "Sena", "--dry-run",
                              "--db", database.url])
    assert dry.exit_code == 0 and "Dry run" in dry.output
    bad = runner.invoke(app, ["public", "republish", "--month", "2024-3", "--reason", "x", "--db", database.url])
    assert bad.exit_code == 2 and "month" in bad.output
    nobody = runner.invoke(app, ["public", "republish", "--month", "2024-03", "--reason", "x", "--user", "nobody",
                                 "--db", database.url])
    assert nobody.exit_code == 2 and "nobody" in nobody.output
    done = runner.invoke(app, ["public", "republish", "--month", "2024-03", "--reason", "Sena rapporter",
                               "--user", "admin", "--db", database.url])
    assert done.exit_code == 0, done.output
    assert "version 2" in done.output
    listed = runner.invoke(app, ["public", "list", "--db", database.url])
    assert listed.exit_code == 0 and "Sena rapporter" in listed.output
    with database.session() as s:
        assert s.scalar(select(Publication.version).where(Publication.year == 2024, Publication.month == 3)
                        .order_by(Publication.version.desc()).limit(1)) == 2
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "republish")).one()
        assert entry.user_id == world.user_ids["admin"]


def test_a_negative_settling_delay_is_refused(database: Database, world: World) -> None:
    r = runner.invoke(app, ["public", "publish", "--settling-days", "-3", "--db", database.url])
    assert r.exit_code == 2 and "settling" in r.output.lower()
