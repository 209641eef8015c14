"""Imports in the background and runs that break off: the run row always tells what is stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from trygg.ingest import Importer, RowIssue, SourceRow, base, jobs, open_importer, run_import
from trygg.ingest.service import IntakeContext
from trygg.storage import intake as intake_store
from trygg.storage.database import Database
from trygg.storage.schema import ImportRun, Report

CSV = "Kategori;Datum;Område\n" + "".join(f"vandalism;2024-05-{d:02d} 22:00;T001\n" for d in range(1, 13))


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id)).where(Report.source == "import")) or 0)


class BreaksOff(Importer):
    """The rows of a real CSV importer, then an error after `after` rows."""

    fmt = "csv"

    def __init__(self, after: int) -> None:
        self.inner, self.after = open_importer(CSV.encode(), "csv", filename="bryts.csv"), after

    def size(self) -> int | None:
        return self.inner.size()

    def rows(self) -> Iterator[SourceRow | RowIssue]:
        for n, item in enumerate(self.inner.rows()):
            if n == self.after:
                raise OSError("the file share went away")
            yield item


def test_a_run_that_breaks_off_is_failed_with_exactly_what_was_committed(  # type: ignore[no-untyped-def]
        database: Database, world, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "CHECKPOINT_SECONDS", 3600.0)
    with database.session() as s, pytest.raises(OSError, match="share went away"):
        run_import(s, BreaksOff(after=7), IntakeContext(), batch=5)
    with database.session() as s:
        run = s.scalars(select(ImportRun)).one()
        assert (run.status, run.processed, run.total, run.imported) == ("failed", 5, 12, 5)
        assert run.error == "OSError: the file share went away" and run.finished_at is not None
    assert _count(database) == 5  # rows 6 and 7 were rolled back with the open batch
    with database.session() as s:
        again = run_import(s, open_importer(CSV.encode(), "csv"), IntakeContext())
    assert (again.imported, again.duplicates) == (7, 5) and _count(database) == 12


def test_a_background_import_ends_done_and_calls_on_finish_with_the_final_counts(  # type: ignore[no-untyped-def]
        database: Database, world) -> None:
    seen: list[tuple[str, int, int]] = []
    with database.session() as s:
        run = jobs.start_import(database, s, open_importer(CSV.encode(), "csv"), organisation_id=None, user_id=None,
                                on_finish=lambda _s, r: seen.append((r.status, r.processed, r.imported)))
        assert run.status == "running" and run.total == 12
    assert jobs.wait(run.id, 30)
    assert seen == [("done", 12, 12)] and _count(database) == 12
    with database.session() as s:
        stored = intake_store.get_run(s, run.id)
        assert stored is not None and (stored.status, stored.processed, stored.error) == ("done", 12, None)
