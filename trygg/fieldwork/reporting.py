"""How field observations enter the lägesbild: as reports with source "field".

Every report goes through the intake (`trygg.ingest.service.create_report`): the same validation,
personal-data guard, placement in a district and area × category routing as any other report. A
safety-walk finding keeps the department its checklist route chose (`trygg.fieldwork.routing`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trygg.domain.enums import Source
from trygg.ingest.service import IntakeContext, ReportInput, create_report
from trygg.storage import reports as report_store
from trygg.storage.schema import Organisation, Report


def file_report(session: Session, *, category: str, description: str, lon: float, lat: float,
                occurred_from: datetime, organisation_id: int | None, reporter_id: int | None,
                routed_to_id: int | None, external_id: str, insecurity: int | None = None,
                lang: str = "sv") -> Report:
    """Store one field report; `external_id` makes it unique, so a retry returns the first one."""
    existing = report_store.find_by_external_id(session, Source.FIELD, external_id)
    if existing is not None:
        return existing
    org = session.get(Organisation, organisation_id) if organisation_id is not None else None
    ctx = IntakeContext(source=Source.FIELD, organisation=org, reporter_id=reporter_id, lang=lang,
                        allow_outside=True)
    report = create_report(session, ReportInput(
        category=category, description=description, lon=lon, lat=lat, occurred_from=occurred_from,
        insecurity=insecurity, external_id=external_id), ctx)
    if routed_to_id is not None:
        report.routed_to_id = routed_to_id
    return report


def mirror_status(report: Report | None, status: str, note: str) -> None:
    """Keep the linked report's status and feedback in step with its observation."""
    if report is None:
        return
    report.status = {"open": "received", "in_progress": "in_progress", "resolved": "resolved"}.get(status, status)
    if note:
        report.feedback_note = note
