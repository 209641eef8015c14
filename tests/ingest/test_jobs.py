"""Imports in the background and runs that break off: the run row always tells what is stored."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from trygg.ingest import Importer, RowIssue, SourceRow, base, jobs, open_importer, run_import
from trygg.ingest.service import IntakeContext
from trygg.jobs.worker import drain
from trygg.storage import intake as intake_store
from trygg.storage import jobs as job_store
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


def test_a_background_import_is_a_job_that_a_worker_runs_to_the_end(  # type: ignore[no-untyped-def]
        database: Database, world) -> None:
    with database.session() as s:
        run = jobs.start_import(s, CSV.encode(), "csv", filename="x.csv", organisation_id=None, user_id=None)
        assert run.status == "running" and run.total == 12
        job = job_store.by_key(s, jobs.job_key(run.id))
        assert job is not None and job.status == "queued" and job.data == CSV.encode()
    assert not jobs.wait(database, run.id, 0.2)  # nothing runs it until a worker does
    assert drain(database) == 1
    assert jobs.wait(database, run.id, 1) and _count(database) == 12
    with database.session() as s:
        stored = intake_store.get_run(s, run.id)
        assert stored is not None and (stored.status, stored.processed, stored.error) == ("done", 12, None)
        done = job_store.by_key(s, jobs.job_key(run.id))
        assert done is not None and (done.status, done.attempts, done.result) == (
            "done", 1, {"run_id": run.id, "status": "done", "imported": 12})


def test_an_import_whose_worker_died_is_run_again_and_stores_nothing_twice(  # type: ignore[no-untyped-def]
        database: Database, world) -> None:
    with database.session() as s:
        run = jobs.start_import(s, CSV.encode(), "csv", filename="x.csv", user_id=None)
        claimed = job_store.claim(s, "dead-worker", kinds=(jobs.KIND,), lease_s=0.01)  # … and dies at once
        assert claimed is not None and claimed.attempts == 1
    with database.session() as s:  # the dead worker had stored 5 rows of the file
        run_import(s, open_importer("".join(CSV.splitlines(True)[:6]).encode(), "csv"), IntakeContext(),
                   record=False)
    assert _count(database) == 5
    time.sleep(0.05)
    assert drain(database) == 1
    with database.session() as s:
        stored = intake_store.get_run(s, run.id)
        assert stored is not None and (stored.status, stored.imported, stored.duplicates) == ("done", 7, 5)
        job = job_store.by_key(s, jobs.job_key(run.id))
        assert job is not None and (job.status, job.attempts) == ("done", 2)
    assert _count(database) == 12
