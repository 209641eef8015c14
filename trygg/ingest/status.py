"""What happens to a report after it arrived: status, routing, duplicates, feedback — audited.

Statuses: received → triaged → in progress → resolved / rejected / duplicate. A closed report can be
reopened (→ in progress). Marking a duplicate names the report it duplicates. Every change is
written to the audit trail. Used by the triage queue, the reports API and the feedback pages.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from trygg.domain import personal_data
from trygg.domain.enums import ReportStatus
from trygg.errors import ValidationError
from trygg.storage import audit
from trygg.storage.schema import Organisation, Report

S = ReportStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.TRIAGED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.TRIAGED: frozenset({S.RECEIVED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.TRIAGED, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.RESOLVED: frozenset({S.IN_PROGRESS}),
    S.REJECTED: frozenset({S.IN_PROGRESS}),
    S.DUPLICATE: frozenset({S.IN_PROGRESS}),
}
MAX_NOTE = 1000


def _english(message: str, **params: object) -> str:
    return message.format(**params) if params else message


def update_report(session: Session, report: Report, user_id: int | None, *, status: str | None = None,
                  feedback_note: str | None = None, routed_to_id: int | None = None,
                  duplicate_of_id: int | None = None, lang: str = "sv",
                  gettext: Callable[..., str] = _english) -> dict[str, object]:
    """Apply the changes that are given (None = unchanged); return what changed; audit it."""
    _ = gettext
    errors: dict[str, str] = {}
    changes: dict[str, tuple[object, object]] = {}
    if status is not None and status != report.status:
        if status not in TRANSITIONS:
            errors["status"] = _("Unknown status {status!r}.", status=status)
        elif status not in TRANSITIONS.get(report.status, frozenset()):
            errors["status"] = _("A report that is {old} cannot become {new}.", old=report.status, new=status)
        else:
            changes["status"] = (report.status, status)
    if status == S.DUPLICATE and status != report.status:
        if duplicate_of_id is None:
            errors["duplicate_of"] = _("Name the report this one duplicates.")
        elif duplicate_of_id == report.id or session.get(Report, duplicate_of_id) is None:
            errors["duplicate_of"] = _("No other report with id {id}.", id=duplicate_of_id)
        else:
            changes["duplicate_of_id"] = (report.duplicate_of_id, duplicate_of_id)
    if feedback_note is not None:
        note = feedback_note.strip()
        if len(note) > MAX_NOTE:
            errors["feedback_note"] = _("At most {n} characters.", n=MAX_NOTE)
        errors.update(personal_data.check_fields({"feedback_note": note}, lang))
        if note != report.feedback_note:
            changes["feedback_note"] = (report.feedback_note, note)
    if routed_to_id is not None and routed_to_id != report.routed_to_id:
        if session.get(Organisation, routed_to_id) is None:
            errors["routed_to"] = _("No organisation with id {id}.", id=routed_to_id)
        else:
            changes["routed_to_id"] = (report.routed_to_id, routed_to_id)
    if errors:
        raise ValidationError(_("The report could not be changed."), fields=errors)
    for name, (_old, new) in changes.items():
        setattr(report, name, new)
    if changes:
        session.flush()
        audit.record(session, user_id, "update", "report", report.id,
                     {k: {"from": o, "to": n} for k, (o, n) in changes.items() if k != "feedback_note"}
                     | ({"feedback_note": "changed"} if "feedback_note" in changes else {}))
    return {k: n for k, (_o, n) in changes.items()}
