"""An organisation's inbox ("Att göra"): everything it owns or must answer, in one list.

Four kinds of item, each with one of the four inbox statuses (ny, pågår, klar, kan inte åtgärdas),
a due date and a link to what caused it:

- ``action``: a short-term action of an EST meeting (or created from the picture) it owns;
- ``activity``: an activity of an approved, signed or active action plan it is an owner of;
- ``case``: a report routed to it that is still open (a resident's case or a partner's report);
- ``feedback``: a report routed to it that was closed without feedback to the reporter.

An item is overdue when its due date lies one or more working days back (Swedish public holidays
and weekends do not count: `trygg.domain.holidays`). A case has no deadline of its own: it is due
`case_days` working days after it arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import ActionStatus, ReportStatus
from trygg.domain.holidays import STOCKHOLM, add_working_days, working_days_between
from trygg.storage import actions as action_store
from trygg.storage.schema import (
    ActionNote,
    ActionPlan,
    Activity,
    Organisation,
    Report,
    ShortTermAction,
    activity_owners,
)

KINDS = ("action", "activity", "case", "feedback")
STATUSES = tuple(str(s) for s in ActionStatus)
#: Plan statuses whose activities are work to do (a draft's activities are not yet agreed).
LIVE_PLAN_STATUSES = ("approved", "signed", "active")
ACTIVITY_STATUS = {"planned": ActionStatus.OPEN, "ongoing": ActionStatus.IN_PROGRESS,
                   "delayed": ActionStatus.IN_PROGRESS, "done": ActionStatus.DONE,
                   "cancelled": ActionStatus.CANCELLED}
REPORT_STATUS = {ReportStatus.RECEIVED: ActionStatus.OPEN, ReportStatus.TRIAGED: ActionStatus.OPEN,
                 ReportStatus.IN_PROGRESS: ActionStatus.IN_PROGRESS, ReportStatus.RESOLVED: ActionStatus.DONE,
                 ReportStatus.DUPLICATE: ActionStatus.DONE, ReportStatus.REJECTED: ActionStatus.CANCELLED}
#: Working days a routed case may wait before it is flagged (the agreed answer time).
DEFAULT_CASE_DAYS = 5


@dataclass(frozen=True)
class InboxItem:
    kind: str
    id: int
    title: str
    status: str  # ActionStatus
    due: date | None
    organisation_id: int
    organisation_name: str
    url: str
    overdue_days: int = 0  # working days past the due date
    category: str | None = None
    report_ids: tuple[int, ...] = ()
    meeting_id: int | None = None
    place_id: int | None = None
    cell: str | None = None
    notes: tuple[ActionNote, ...] = field(default=(), compare=False)

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def overdue_days(due: date | None, status: str, today: date) -> int:
    """Working days an open item is past `due` (0 when finished, not due, or due today)."""
    if due is None or status not in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        return 0
    return working_days_between(due, today)


def organisation_names(session: Session) -> dict[int, str]:
    return {int(i): n for i, n in session.execute(select(Organisation.id, Organisation.name))}


def inbox(session: Session, organisation_ids: Sequence[int] | None, *, today: date, include_done: bool = False,
          kinds: Sequence[str] = KINDS, case_days: int = DEFAULT_CASE_DAYS, limit: int = 500) -> list[InboxItem]:
    """The items of the organisations (None = every organisation: a coordinator's view), overdue first,
    then by due date. Finished items only with `include_done`."""
    orgs = organisation_names(session)
    items: list[InboxItem] = []
    if "action" in kinds:
        items += _actions(session, organisation_ids, today, include_done, orgs, limit)
    if "activity" in kinds:
        items += _activities(session, organisation_ids, today, include_done, orgs, limit)
    if "case" in kinds:
        items += _cases(session, organisation_ids, today, orgs, case_days, limit)
    if "feedback" in kinds:
        items += _feedback(session, organisation_ids, orgs, limit)
    items.sort(key=lambda i: (not i.open, -i.overdue_days, i.due or date.max, i.kind, i.id))
    return items[:limit]


def _actions(session: Session, org_ids: Sequence[int] | None, today: date, include_done: bool,
             orgs: dict[int, str], limit: int) -> list[InboxItem]:
    q = select(ShortTermAction)
    if org_ids is not None:
        q = q.where(ShortTermAction.owner_organisation_id.in_(list(org_ids)))
    if not include_done:
        q = q.where(ShortTermAction.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    rows = list(session.scalars(q.order_by(ShortTermAction.due, ShortTermAction.id).limit(limit)))
    causes = action_store.reports_of_actions(session, [a.id for a in rows])
    return [action_item(a, orgs, today, tuple(causes.get(a.id, ()))) for a in rows]


def action_item(a: ShortTermAction, orgs: dict[int, str], today: date, report_ids: tuple[int, ...] = (),
                notes: tuple[ActionNote, ...] = ()) -> InboxItem:
    return InboxItem(kind="action", id=a.id, title=a.title, status=a.status, due=a.due,
                     organisation_id=a.owner_organisation_id,
                     organisation_name=orgs.get(a.owner_organisation_id, ""), url=f"/inbox/actions/{a.id}",
                     overdue_days=overdue_days(a.due, a.status, today), category=a.category,
                     report_ids=report_ids, meeting_id=a.meeting_id, place_id=a.place_id, cell=a.cell,
                     notes=notes)


def _activities(session: Session, org_ids: Sequence[int] | None, today: date, include_done: bool,
                orgs: dict[int, str], limit: int) -> list[InboxItem]:
    q = (select(Activity, activity_owners.c.organisation_id)
         .join(activity_owners, activity_owners.c.activity_id == Activity.id)
         .join(ActionPlan, ActionPlan.id == Activity.plan_id)
         .where(ActionPlan.status.in_(LIVE_PLAN_STATUSES)))
    if org_ids is not None:
        q = q.where(activity_owners.c.organisation_id.in_(list(org_ids)))
    out = []
    for act, org_id in session.execute(q.order_by(Activity.period_end, Activity.id).limit(limit)):
        status = ACTIVITY_STATUS.get(act.status, ActionStatus.OPEN)
        if not include_done and status not in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
            continue
        out.append(InboxItem(kind="activity", id=act.id, title=act.title, status=status, due=act.period_end,
                             organisation_id=int(org_id), organisation_name=orgs.get(int(org_id), ""),
                             url=f"/followup/plans/{act.plan_id}#activity-{act.id}",
                             overdue_days=overdue_days(act.period_end, status, today)))
    return out


def case_due(report: Report, case_days: int) -> date:
    """The day a routed case should be answered: `case_days` working days after it arrived."""
    return add_working_days(report.created_at.astimezone(STOCKHOLM).date(), case_days)


def _cases(session: Session, org_ids: Sequence[int] | None, today: date, orgs: dict[int, str], case_days: int,
           limit: int) -> list[InboxItem]:
    q = select(Report).where(Report.routed_to_id.is_not(None),
                             Report.status.in_([ReportStatus.RECEIVED, ReportStatus.TRIAGED,
                                                ReportStatus.IN_PROGRESS]))
    if org_ids is not None:
        q = q.where(Report.routed_to_id.in_(list(org_ids)))
    out = []
    for r in session.scalars(q.order_by(Report.created_at, Report.id).limit(limit)):
        status = REPORT_STATUS[ReportStatus(r.status)]
        due = case_due(r, case_days)
        org = int(r.routed_to_id or 0)
        out.append(InboxItem(kind="case", id=r.id, title=r.public_id, status=status, due=due, organisation_id=org,
                             organisation_name=orgs.get(org, ""), url=f"/triage/{r.id}",
                             overdue_days=overdue_days(due, status, today), category=r.category,
                             report_ids=(r.id,)))
    return out


def _feedback(session: Session, org_ids: Sequence[int] | None, orgs: dict[int, str],
              limit: int) -> list[InboxItem]:
    q = select(Report).where(Report.routed_to_id.is_not(None), Report.feedback_note == "",
                             Report.status.in_([ReportStatus.RESOLVED, ReportStatus.REJECTED]))
    if org_ids is not None:
        q = q.where(Report.routed_to_id.in_(list(org_ids)))
    out = []
    for r in session.scalars(q.order_by(Report.updated_at.desc(), Report.id.desc()).limit(limit)):
        org = int(r.routed_to_id or 0)
        out.append(InboxItem(kind="feedback", id=r.id, title=r.public_id, status=ActionStatus.OPEN, due=None,
                             organisation_id=org, organisation_name=orgs.get(org, ""), url=f"/triage/{r.id}",
                             category=r.category, report_ids=(r.id,)))
    return out


def counts(items: Sequence[InboxItem]) -> dict[str, int]:
    """Open and overdue items, for the navigation badge and the page head."""
    return {"open": sum(1 for i in items if i.open), "overdue": sum(1 for i in items if i.overdue)}
