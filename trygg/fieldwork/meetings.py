"""Information meetings (ANDTS and others): planned and held, audience and attendance.

Not the *EST meetings* of an EST group (`trygg.storage.meetings`, `/meetings`): an information
meeting is field work (``InfoMeeting``, `/fieldwork/meetings`), an EST meeting is the weekly
coordination meeting that decides short-term actions (``EstMeeting``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trygg.domain.personal_data import check_fields
from trygg.domain.text import check_text
from trygg.errors import PersonalDataError, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import MEETING_STATUSES, MEETING_TOPICS
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity, Area, User
from trygg.storage.schema.fieldwork import InfoMeeting


def plan(session: Session, user: User, *, title: str, planned_for: datetime, topic: str = "andts",
         venue: str = "", audience: str = "", area_id: int | None = None, activity_id: int | None = None,
         lang: str = "sv") -> InfoMeeting:
    policy.require_manager(user)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the meeting a title."
    if topic not in MEETING_TOPICS:
        errors["topic"] = f"Use one of {', '.join(MEETING_TOPICS)}."
    if area_id is not None and session.get(Area, area_id) is None:
        errors["area_id"] = f"No area with id {area_id}."
    if activity_id is not None and session.get(Activity, activity_id) is None:
        errors["activity_id"] = f"No plan activity with id {activity_id}."
    errors.update(check_text({"title": title, "venue": venue, "audience": audience}, lang))
    if errors:
        raise ValidationError("The meeting could not be planned.", fields=errors)
    found = check_fields({"title": title, "venue": venue, "audience": audience}, lang)
    if found:
        raise PersonalDataError("The text contains personal data.", fields=found)
    m = store.add(session, InfoMeeting(title=title.strip(), planned_for=planned_for, topic=topic,
                                       venue=venue.strip(), audience=audience.strip(), area_id=area_id,
                                       activity_id=activity_id, organisation_id=user.organisation_id))
    audit.record(session, user.id, "create", "info_meeting", m.id, {"topic": topic})
    return m


def set_outcome(session: Session, user: User, meeting: InfoMeeting, *, status: str,
                attendance: int | None = None) -> InfoMeeting:
    """Mark a meeting held (with its attendance) or cancelled."""
    policy.require_manager(user)
    errors: dict[str, str] = {}
    if status not in MEETING_STATUSES:
        errors["status"] = f"Use one of {', '.join(MEETING_STATUSES)}."
    if status == "held" and (attendance is None or not 0 <= attendance <= 100000):
        errors["attendance"] = "Give the number of people who came."
    if errors:
        raise ValidationError("The meeting could not be updated.", fields=errors)
    meeting.status = status
    meeting.attendance = attendance if status == "held" else None
    audit.record(session, user.id, "update", "info_meeting", meeting.id, {"status": status})
    session.flush()
    return meeting
