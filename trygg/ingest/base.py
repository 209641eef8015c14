"""The base importer: read rows from a source, skip what was imported before, keep every good row.

A source module subclasses `Importer` and yields, per input row, either a `SourceRow` (a
`ReportInput` with its line number) or a `RowIssue` (a row it cannot read or deliberately skips).
`run_import` does the rest for every source alike:

- each row is validated and placed by `trygg.ingest.service` (the same rules as the web form);
- a row whose ``external_id`` exists already (from an earlier run, or earlier in the same file)
  counts as a duplicate: re-running an import imports nothing twice;
- a bad row is listed with its line number and reason and never stops the good rows;
- the outcome is kept as an `ImportRun` (also for dry runs, which store no reports); a real run
  writes its progress there as it goes, and a run that breaks off is marked failed with the error.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import Source
from trygg.errors import NotFound, ValidationError
from trygg.ingest.service import IntakeContext, ReportInput, create_report, prepare_report
from trygg.storage import intake as intake_store
from trygg.storage.schema import ImportRun, Report

Progress = Callable[[str, int, int], None]
FinishHook = Callable[[Session, ImportRun], None]  # runs in the transaction that ends a run
REJECTED = "rejected"
SKIPPED = "skipped"
CHECKPOINT_ROWS = 500  # commit the stored rows and write the run's progress at least every this many rows …
CHECKPOINT_SECONDS = 0.5  # … and at least this often (the web page polls the run every second)


@dataclass(frozen=True)
class SourceRow:
    line: int
    data: ReportInput
    ref: str = ""  # how the source names the row (e.g. a police event id)


@dataclass(frozen=True)
class RowIssue:
    line: int
    reason: str
    ref: str = ""
    kind: str = REJECTED  # rejected (bad data) | skipped (deliberately not imported)
    #: The reason for pages: an English msgid with {placeholders} and their values (translated where shown).
    msgid: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {"line": self.line, "ref": self.ref, "reason": self.reason, "kind": self.kind}
        if self.msgid:
            out |= {"msgid": self.msgid, "params": self.params}
        return out


@dataclass
class ImportSummary:
    total: int = 0
    imported: int = 0
    duplicates: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    dry_run: bool = False
    run_id: int | None = None
    report_ids: list[int] = field(default_factory=list)

    def reasons(self) -> list[tuple[str, str, int]]:
        """(kind, reason, count) for skipped and rejected rows, most frequent first."""
        counts = Counter((i.kind, i.reason) for i in self.skipped + self.rejected)
        return [(k, r, n) for (k, r), n in counts.most_common()]

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "dry_run": self.dry_run, "total": self.total, "imported": self.imported,
                "duplicates": self.duplicates, "skipped": [i.as_dict() for i in self.skipped],
                "rejected": [i.as_dict() for i in self.rejected]}


class Importer(ABC):
    """One source format. Subclasses read their file and yield rows; quirks are commented there."""

    fmt: str = ""
    source: str = Source.IMPORT
    filename: str = ""

    def bind(self, session: Session, ctx: IntakeContext) -> None:  # noqa: B027 - optional hook
        """Called once before `rows()` with the session and context (e.g. to know the municipality)."""

    @abstractmethod
    def rows(self) -> Iterator[SourceRow | RowIssue]:
        """Every row of the source, in order."""

    def size(self) -> int | None:
        """Number of rows if cheaply known (for the progress bar)."""
        return None


def issue_from_error(line: int, ref: str, exc: ValidationError) -> RowIssue:
    fields = exc.fields or {}
    reason = "; ".join(f"{k}: {v}" for k, v in fields.items()) if fields else exc.message
    return RowIssue(line, reason, ref)


def _known_ids(session: Session, source: str) -> set[str]:
    rows = session.scalars(select(Report.external_id).where(Report.source == source,
                                                           Report.external_id.is_not(None)))
    return {str(r) for r in rows}


def run_import(session: Session, importer: Importer, ctx: IntakeContext, *, dry_run: bool = False,
               progress: Progress | None = None, user_id: int | None = None, batch: int | None = None,
               record: bool = True, run_id: int | None = None,
               on_finish: FinishHook | None = None) -> ImportSummary:
    """Import every row of `importer`, committing at checkpoints (nothing is stored in a dry run).

    A real run is kept as an `ImportRun`: `run_id` names one started already (a background job,
    `trygg.ingest.jobs`), otherwise one is started here. At every checkpoint — `batch` rows
    (default `CHECKPOINT_ROWS`) or `CHECKPOINT_SECONDS` — the new reports and the run's progress
    are committed together, so the run's counts are always what is stored. If anything raises,
    the open batch is rolled back, the run is marked failed with the error (its counts and listed
    rows those of the last checkpoint) and the exception goes on; re-running the import stores
    only the rows that are missing (duplicates are recognised by ``external_id``).
    `on_finish(session, run)` runs in the transaction that ends a recorded run, done or failed.
    """
    ctx.source = importer.source
    summary = ImportSummary(dry_run=dry_run)
    run = None
    if record and not dry_run:
        run = intake_store.get_run(session, run_id) if run_id is not None else None
        if run_id is not None and run is None:
            raise NotFound(f"No import run {run_id}.", hint="Start the run with trygg.ingest.jobs.start_import.")
        if run is None:
            run = intake_store.start_run(session, importer.fmt, importer.filename, str(importer.source),
                                         ctx.organisation.id if ctx.organisation else None, user_id, dry_run,
                                         total=importer.size() or 0)
        session.commit()
        summary.run_id = run.id
    checkpoint = _Checkpoint(session, run, summary, every=batch or CHECKPOINT_ROWS, write=not dry_run,
                             on_finish=on_finish)
    try:
        importer.bind(session, ctx)
        _import_rows(session, importer, ctx, summary, checkpoint, progress)
        if dry_run:
            session.rollback()
        issues = _issues(summary.skipped, summary.rejected)
        if record:
            if run is None:
                run = intake_store.start_run(session, importer.fmt, importer.filename, str(importer.source),
                                             ctx.organisation.id if ctx.organisation else None, user_id, dry_run)
                summary.run_id = run.id
            else:
                run = session.merge(run)
            intake_store.finish_run(session, run, status="done", total=summary.total, imported=summary.imported,
                                    duplicates=summary.duplicates, skipped=len(summary.skipped),
                                    rejected=len(summary.rejected), issues=issues)
            if on_finish is not None:
                on_finish(session, run)
        session.commit()
    except BaseException as exc:
        session.rollback()
        if run is not None:
            checkpoint.fail(exc)
        raise
    return summary


def _issues(skipped: list[RowIssue], rejected: list[RowIssue]) -> list[dict[str, Any]]:
    return sorted((i.as_dict() for i in skipped + rejected), key=lambda d: int(d["line"]))


def error_text(exc: BaseException) -> str:
    """What went wrong, for the run's ``error``: a Trygg error's message, else the exception."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


class _Checkpoint:
    """Commits the rows stored so far together with the run's progress, every `every` rows or
    `CHECKPOINT_SECONDS`; remembers what was committed so that a failed run reports exactly that."""

    def __init__(self, session: Session, run: ImportRun | None, summary: ImportSummary, *, every: int,
                 write: bool, on_finish: FinishHook | None) -> None:
        self.session, self.run, self.summary, self.every, self.write = session, run, summary, every, write
        self.on_finish = on_finish
        self.rows = 0  # rows handled at the last checkpoint
        self.skipped = self.rejected = 0
        self.at = time.monotonic()

    def maybe(self, expected: int) -> None:
        if self.write and (self.summary.total - self.rows >= self.every
                           or time.monotonic() - self.at >= CHECKPOINT_SECONDS):
            self.now(expected)

    def now(self, expected: int) -> None:
        s = self.summary
        if self.run is not None:
            intake_store.checkpoint_run(self.session, self.run, processed=s.total, total=expected,
                                        imported=s.imported, duplicates=s.duplicates, skipped=len(s.skipped),
                                        rejected=len(s.rejected))
        self.session.commit()
        self.rows, self.skipped, self.rejected = s.total, len(s.skipped), len(s.rejected)
        self.at = time.monotonic()

    def fail(self, exc: BaseException) -> None:
        """Mark the run failed (after the rollback), listing the rows of the last checkpoint."""
        assert self.run is not None
        try:
            run = intake_store.get_run(self.session, self.run.id)
            if run is not None:
                issues = _issues(self.summary.skipped[:self.skipped], self.summary.rejected[:self.rejected])
                intake_store.fail_run(self.session, run, error_text(exc), issues=issues)
                if self.on_finish is not None:
                    self.on_finish(self.session, run)
                self.session.commit()
        except Exception:  # noqa: BLE001 - the original error matters more; it is re-raised
            self.session.rollback()
            logging.getLogger("trygg.ingest").exception("could not mark import run %s failed", self.run.id)


def _import_rows(session: Session, importer: Importer, ctx: IntakeContext, summary: ImportSummary,
                 checkpoint: _Checkpoint, progress: Progress | None) -> None:
    dry_run = summary.dry_run
    known = _known_ids(session, str(importer.source))
    total_hint = importer.size() or 0
    for item in importer.rows():
        summary.total += 1
        if isinstance(item, RowIssue):
            (summary.skipped if item.kind == SKIPPED else summary.rejected).append(item)
        else:
            ext = item.data.external_id
            if ext and ext in known:
                summary.duplicates += 1
            else:
                try:
                    if dry_run:
                        prepare_report(session, item.data, ctx)
                    else:
                        report = create_report(session, item.data, ctx)
                        summary.report_ids.append(report.id)
                    summary.imported += 1
                    if ext:
                        known.add(ext)
                except ValidationError as exc:
                    summary.rejected.append(issue_from_error(item.line, item.ref, exc))
        checkpoint.maybe(max(total_hint, summary.total))
        if progress is not None and (summary.total % 25 == 0 or summary.total == total_hint):
            progress("import", summary.total, max(total_hint, summary.total))
    if progress is not None:
        progress("import", summary.total, max(total_hint, summary.total))
