"""The minutes (protokoll) of an EST meeting as HTML and PDF, Swedish or English.

Generated from the meeting itself: who took part, a summary of the picture the meeting looked at
(reports since the meeting before, by category, trend alarms, new hot spots, near-repeat warnings),
the decisions (notes), the new actions with owner and deadline and the reports that caused them,
and the follow-up of earlier actions with their status and latest note. Uses the one document
pipeline (`trygg.reports.documents`) and the plan documents' context (`trygg.reports.plan_pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trygg.lagesbild.meeting import MeetingBrief
from trygg.reports.documents import DocTexts, env, to_pdf
from trygg.reports.plan_pdf import _context
from trygg.storage import actions as action_store
from trygg.storage import meetings as store
from trygg.storage.schema import EstMeeting

__all__ = ["MinutesDocument", "minutes_document", "to_pdf"]


@dataclass(frozen=True)
class MinutesDocument:
    html: str
    pdf: bytes


def _latest_note(session: Session, action_id: int) -> str:
    notes = [n.note for n in action_store.notes_of(session, action_id) if n.note]
    return notes[-1] if notes else ""


def minutes_html(session: Session, meeting: EstMeeting, t: DocTexts, *, generated: datetime,
                 brief: MeetingBrief | None) -> str:
    group = store.get_group(session, meeting.est_group_id)
    new_actions = store.meeting_actions(session, meeting.id)
    followed = store.followed_up_actions(session, group.id, meeting)
    causes = action_store.reports_of_actions(session, [a.id for a in new_actions + followed])
    prev = store.last_meeting(session, group.id, before=meeting.held_on)
    ctx: dict[str, Any] = _context(t, generated)
    ctx.update(meeting=meeting, group=group, attendees=store.attendees(session, meeting.id),
               areas=store.group_areas(session, group.id), new_actions=new_actions, followed=followed,
               causes=causes, notes={a.id: _latest_note(session, a.id) for a in followed},
               since=prev.held_on if prev else meeting.held_on - timedelta(days=7), brief=brief,
               lb=brief.picture if brief else None)
    return env.get_template("minutes.html").render(ctx)


def minutes_document(session: Session, meeting: EstMeeting, t: DocTexts, *, generated: datetime,
                     brief: MeetingBrief | None) -> MinutesDocument:
    html = minutes_html(session, meeting, t, generated=generated, brief=brief)
    return MinutesDocument(html, to_pdf(html))
