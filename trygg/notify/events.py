"""Who is told what: each function queues the e-mails of one kind of change in the caller's
transaction (the outbox, `trygg.storage.outbox`), so they exist exactly when the change is committed.

- a new action → the owning organisation's users;
- an action's status change → the partner reporters of the reports that caused it;
- an action past its deadline (working days) → the owning organisation, once per deadline;
- a case routed to an organisation → that organisation's users;
- a resident's report changes status or gets feedback → the resident, if they left an address;
- minutes issued → the users of the organisations that took part;
- a plan approved → the signatories.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import OPEN_ACTION_STATUSES, Role, Source
from trygg.domain.holidays import working_days_between
from trygg.notify import messages
from trygg.notify.messages import MailTexts, Message
from trygg.storage import actions as action_store
from trygg.storage import intake as intake_store
from trygg.storage import outbox
from trygg.storage.schema import MeetingMinutes, Organisation, Report, ShortTermAction, User

RESIDENT_UPDATE = "resident_update"


def _queue(session: Session, t: MailTexts, kind: str, recipients: list[tuple[str, str]],
           compose: object, *, report_id: int | None = None, action_id: int | None = None,
           minutes_id: int | None = None, message_id: str | None = None) -> int:
    n = 0
    for email, lang in recipients:
        msg: Message = compose(lang)  # type: ignore[operator]
        mid = message_id.replace("@", f".{outbox.sha_short(email)}@") if message_id else None
        if outbox.enqueue(session, kind=kind, recipient=email, lang=lang, subject=msg.subject, body=msg.body,
                          domain=t.domain, report_id=report_id, action_id=action_id, minutes_id=minutes_id,
                          message_id=mid) is not None:
            n += 1
    return n


def _org_name(session: Session, org_id: int | None) -> str:
    org = session.get(Organisation, org_id) if org_id is not None else None
    return org.name if org is not None else ""


def action_assigned(session: Session, action: ShortTermAction, t: MailTexts) -> int:
    org = _org_name(session, action.owner_organisation_id)
    recipients = outbox.organisation_recipients(session, [action.owner_organisation_id])
    return _queue(session, t, "action_assigned", recipients,
                  lambda lang: messages.action_assigned(lang, t, title=action.title, organisation=org,
                                                        due=action.due, action_id=action.id),
                  action_id=action.id)


def action_status_changed(session: Session, action: ShortTermAction, before: str, t: MailTexts) -> int:
    """Tell the partner reporters of the action's reports (and residents of residents' reports)."""
    report_ids = action_store.report_ids_of(session, action.id)
    if not report_ids:
        return 0
    n = 0
    for report in session.scalars(select(Report).where(Report.id.in_(report_ids))):
        recipients = outbox.user_recipients(session, [report.reporter_id]) if report.reporter_id else []
        kind = "action_status"
        if report.source == Source.RESIDENT:
            contact = intake_store.contact_of(session, report.id)
            if contact is not None and contact.email:
                recipients = [(contact.email, contact.lang or "sv")]
                kind = "resident_action_status"
        n += _queue(session, t, kind, recipients,
                    lambda lang, r=report: messages.action_status(lang, t, title=action.title, status=action.status,
                                                                  note=action.outcome, public_id=r.public_id),
                    report_id=report.id, action_id=action.id)
    return n


def overdue_actions(session: Session, today: date, t: MailTexts) -> int:
    """Queue one notice per overdue open action and deadline (a stable Message-ID keeps it to one)."""
    q = select(ShortTermAction).where(ShortTermAction.status.in_([str(s) for s in OPEN_ACTION_STATUSES]),
                                      ShortTermAction.due < today)
    n = 0
    for action in session.scalars(q):
        days = working_days_between(action.due, today)
        if days < 1:
            continue
        org = _org_name(session, action.owner_organisation_id)
        n += _queue(session, t, "action_overdue",
                    outbox.organisation_recipients(session, [action.owner_organisation_id]),
                    lambda lang, a=action, d=days, o=org: messages.action_overdue(
                        lang, t, title=a.title, organisation=o, due=a.due, days=d, action_id=a.id),
                    action_id=action.id,
                    message_id=f"<trygg.overdue.a{action.id}.{action.due.isoformat()}@{t.domain}>")
    return n


def report_changed(session: Session, report: Report, changes: dict[str, object], t: MailTexts) -> int:
    """After `trygg.ingest.status.update_report`: tell the resident, and the organisation it was routed to."""
    n = 0
    if "routed_to_id" in changes and report.routed_to_id is not None:
        org = _org_name(session, report.routed_to_id)
        n += _queue(session, t, "case_routed", outbox.organisation_recipients(session, [report.routed_to_id]),
                    lambda lang: messages.case_routed(lang, t, public_id=report.public_id, organisation=org,
                                                      report_id=report.id),
                    report_id=report.id)
    status = changes.get("status")
    feedback = changes.get("feedback_note")
    if report.source == Source.RESIDENT and (status or feedback):
        contact = intake_store.contact_of(session, report.id)
        if contact is not None and contact.email:
            n += _queue(session, t, RESIDENT_UPDATE, [(contact.email, contact.lang or "sv")],
                        lambda lang: messages.resident_update(lang, t, public_id=report.public_id,
                                                              status=str(status) if status else None,
                                                              feedback=str(feedback) if feedback else None),
                        report_id=report.id)
    return n


def minutes_issued(session: Session, minutes: MeetingMinutes, organisation_ids: list[int], group: str,
                   held_on: date, t: MailTexts) -> int:
    return _queue(session, t, "minutes", outbox.organisation_recipients(session, organisation_ids),
                  lambda lang: messages.minutes(lang, t, group=group, held_on=held_on, meeting_id=minutes.meeting_id),
                  minutes_id=minutes.id)


def plan_ready_to_sign(session: Session, plan_id: int, title: str, t: MailTexts) -> int:
    ids = list(session.scalars(select(User.id).where(User.role == Role.SIGNATORY, User.active.is_(True))))
    return _queue(session, t, "ready_to_sign", outbox.user_recipients(session, ids),
                  lambda lang: messages.ready_to_sign(lang, t, title=title, plan_id=plan_id))
