"""Lists and exports that show sensitive details audit every such read, like single reads do."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry


def _sensitive_reads(database: Database) -> list[str]:
    with database.session() as s:
        return [e.object_id for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "read_sensitive"))]


def test_listing_and_exporting_sensitive_reports_is_audited(api, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    sensitive_id = str(world.report_ids[2])  # the school's sexual-harassment report
    analyst = api("analytiker")
    assert analyst.get("/api/v1/reports").status_code == 200
    assert _sensitive_reads(database).count(sensitive_id) == 1
    assert analyst.get("/api/v1/reports.geojson").status_code == 200
    assert _sensitive_reads(database).count(sensitive_id) == 2
    body = analyst.get("/api/v1/reports.csv").text
    assert "Testrapport 2" in body
    assert _sensitive_reads(database).count(sensitive_id) == 3


def test_lists_without_sensitive_rows_write_no_read_entries(api, database: Database) -> None:  # type: ignore[no-untyped-def]
    assert api("rapportor").get("/api/v1/reports?category=vandalism").status_code == 200
    assert _sensitive_reads(database) == []


def test_the_audit_export_lists_every_entry_as_csv(sign_in, database: Database) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from trygg.storage import audit

    with database.session() as s:
        for i in range(3):
            audit.record(s, 1, "update", "report", i, {"field": "status"})
    body = sign_in("admin").get("/admin/audit.csv").text
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(audit.CSV_FIELDS)
    with database.session() as s:
        total = len(list(audit.iter_entries(s, audit.AuditQuery())))
    # every entry, including the one the export itself writes, is a row
    assert len(rows) - 1 == total
    assert sum(1 for r in rows[1:] if "update" in r) == 3
