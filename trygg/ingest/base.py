"""The base importer: read rows from a source, skip what was imported before, keep every good row.

A source module subclasses `Importer` and yields, per input row, either a `SourceRow` (a
`ReportInput` with its line number) or a `RowIssue` (a row it cannot read or deliberately skips).
`run_import` does the rest for every source alike:

- each row is validated and placed by `trygg.ingest.service` (the same rules as the web form);
- a row whose ``external_id`` exists already (from an earlier run, or earlier in the same file)
  counts as a duplicate: re-running an import imports nothing twice;
- a bad row is listed with its line number and reason and never stops the good rows;
- the outcome is kept as an `ImportRun` (also for dry runs, which store no reports).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import Source
from trygg.errors import ValidationError
from trygg.ingest.service import IntakeContext, ReportInput, create_report, prepare_report
from trygg.storage import intake as intake_store
from trygg.storage.schema import Report

Progress = Callable[[str, int, int], None]
REJECTED = "rejected"
SKIPPED = "skipped"


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

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "ref": self.ref, "reason": self.reason, "kind": self.kind}


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
               progress: Progress | None = None, user_id: int | None = None, batch: int = 500,
               record: bool = True) -> ImportSummary:
    """Import every row of `importer`; commit in batches (nothing is stored in a dry run)."""
    ctx.source = importer.source
    importer.bind(session, ctx)
    summary = ImportSummary(dry_run=dry_run)
    run = None
    if record and not dry_run:
        run = intake_store.start_run(session, importer.fmt, importer.filename, str(importer.source),
                                     ctx.organisation.id if ctx.organisation else None, user_id, dry_run)
        session.commit()
        summary.run_id = run.id
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
        if not dry_run and summary.imported and summary.imported % batch == 0:
            session.commit()
        if progress is not None and (summary.total % 25 == 0 or summary.total == total_hint):
            progress("import", summary.total, max(total_hint, summary.total))
    if progress is not None:
        progress("import", summary.total, max(total_hint, summary.total))
    if dry_run:
        session.rollback()
    issues = [i.as_dict() for i in summary.skipped + summary.rejected]
    issues.sort(key=lambda d: d["line"])
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
    session.commit()
    return summary
