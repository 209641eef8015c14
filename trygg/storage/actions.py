"""Short-term actions tied to what caused them, and their history of status changes and notes.

An action (``ShortTermAction``) is decided at an EST meeting — or created from the picture between
meetings — from one or more reports, a place, or a hot-spot / near-repeat cell. Its owner
organisation moves it through ny → pågår → klar / kan inte åtgärdas; each step is an ``ActionNote``.
Reporters see the actions on their own reports (`actions_for_reports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from trygg.domain.enums import OPEN_ACTION_STATUSES, ActionStatus
from trygg.domain.geo import to_wgs84
from trygg.domain.personal_data import guard
from trygg.errors import NotFound, ValidationError
from trygg.storage.areas import current as current_area
from trygg.storage.schema import (
    ActionNote,
    Area,
    EstMeeting,
    Organisation,
    Place,
    Report,
    ShortTermAction,
    action_reports,
)

MAX_TITLE = 300
MAX_NOTE = 4000


@dataclass(frozen=True)
class Cell:
    """A grid cell of the picture (hot spot or near-repeat square), by its centre in SWEREF 99 TM."""

    x: float
    y: float

    @classmethod
    def parse(cls, text: str) -> Cell:
        """From ``"x,y"`` (metres, SWEREF 99 TM); ValueError when it is not two numbers."""
        xs, _, ys = text.partition(",")
        x, y = float(xs), float(ys)
        if not (100_000 <= x <= 1_100_000 and 6_000_000 <= y <= 7_800_000):
            raise ValueError("outside Sweden")
        return cls(x, y)

    def __str__(self) -> str:
        return f"{self.x:.0f},{self.y:.0f}"

    @property
    def lonlat(self) -> tuple[float, float]:
        return to_wgs84(self.x, self.y)


def _area_of_point(session: Session, lon: float, lat: float) -> int | None:
    import shapely

    from trygg.domain.enums import AreaLevel

    point = shapely.Point(lon, lat)
    for area_id, geom in session.execute(select(Area.id, Area.geom).where(Area.level == AreaLevel.REGSO,
                                                                                current_area())):
        if geom is not None and geom.contains(point):
            return int(area_id)
    return None


def create_action(session: Session, *, title: str, owner_organisation_id: int | None, due: date | None,
                  meeting_id: int | None = None, report_ids: Sequence[int] = (), place_id: int | None = None,
                  cell: str | None = None, area_id: int | None = None, category: str | None = None,
                  created_by: int | None = None, user_organisation_id: int | None = None) -> ShortTermAction:
    """Record an action and what caused it; ValidationError with a message per field on bad input.

    Without an area, the action takes the area of its first report, its place or its cell.
    A title holding personal data is refused (PersonalDataError, 422).
    """
    guard({"title": title})
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Describe the action (what is done, where)."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"At most {MAX_TITLE} characters."
    if owner_organisation_id is None or session.get(Organisation, owner_organisation_id) is None:
        errors["owner_organisation"] = (f"No organisation with id {owner_organisation_id}."
                                        if owner_organisation_id is not None else
                                        "Choose the organisation that owns the action.")
    meeting = session.get(EstMeeting, meeting_id) if meeting_id is not None else None
    if meeting_id is not None and meeting is None:
        errors["meeting_id"] = f"No EST meeting with id {meeting_id}."
    if due is None:
        errors["due"] = "Give a deadline as YYYY-MM-DD."
    elif meeting is not None and due < meeting.held_on:
        errors["due"] = "The deadline cannot be before the meeting."
    reports: list[Report] = []
    ids = list(dict.fromkeys(int(r) for r in report_ids))
    if len(ids) > 50:
        errors["report_ids"] = "At most 50 reports."
    elif ids:
        found = {r.id: r for r in session.scalars(select(Report).where(Report.id.in_(ids)))}
        missing = [i for i in ids if i not in found]
        if missing:
            errors["report_ids"] = f"No report with id {', '.join(map(str, missing))}."
        reports = [found[i] for i in ids if i in found]
    place = session.get(Place, place_id) if place_id is not None else None
    if place_id is not None and place is None:
        errors["place_id"] = f"No place with id {place_id}."
    parsed_cell: Cell | None = None
    if cell:
        try:
            parsed_cell = Cell.parse(cell)
        except ValueError:
            errors["cell"] = "Give the cell as 'x,y' in SWEREF 99 TM metres (as in the situation picture)."
    if area_id is not None and session.get(Area, area_id) is None:
        errors["area_id"] = f"No area with id {area_id}."
    if errors:
        raise ValidationError("The action could not be recorded.", fields=errors)
    if area_id is None:
        if reports and reports[0].area_id is not None:
            area_id = reports[0].area_id
        elif place is not None:
            area_id = place.area_id
        elif parsed_cell is not None:
            area_id = _area_of_point(session, *parsed_cell.lonlat)
    if category is None and len({r.category for r in reports}) == 1:
        category = reports[0].category
    assert owner_organisation_id is not None and due is not None
    action = ShortTermAction(meeting_id=meeting_id, title=title, owner_organisation_id=owner_organisation_id,
                             due=due, area_id=area_id, category=category or None,
                             report_id=reports[0].id if reports else None, place_id=place_id,
                             cell=str(parsed_cell) if parsed_cell else None, status=ActionStatus.OPEN,
                             outcome="", created_by=created_by)
    session.add(action)
    session.flush()
    if reports:
        session.execute(insert(action_reports), [{"action_id": action.id, "report_id": r.id} for r in reports])
    session.add(ActionNote(action_id=action.id, user_id=created_by, organisation_id=user_organisation_id,
                           from_status="", to_status=ActionStatus.OPEN, note=""))
    session.flush()
    return action


def get_action(session: Session, action_id: int) -> ShortTermAction:
    action = session.get(ShortTermAction, action_id)
    if action is None:
        raise NotFound(f"No action with id {action_id}.", hint="See your organisation's inbox at /inbox.")
    return action


def change_status(session: Session, action: ShortTermAction, *, status: str | None, note: str = "",
                  user_id: int | None = None, organisation_id: int | None = None) -> ActionNote | None:
    """Move the action to `status` (None = unchanged) and/or add a note; returns the history step
    (None when nothing changed). A note on a finished action becomes its outcome."""
    errors: dict[str, str] = {}
    valid = {str(s) for s in ActionStatus}
    if status is not None and status not in valid:
        errors["status"] = f"One of {', '.join(ActionStatus)}."
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = f"At most {MAX_NOTE} characters."
    if status is None and not note:
        errors["status"] = "Give a new status, a note, or both."
    if "note" not in errors:
        guard({"note": note}, errors=errors)
    if errors:
        raise ValidationError("The action could not be changed.", fields=errors)
    old = action.status
    new = status if status is not None else old
    if new == old and not note:
        return None
    action.status = new
    if note:
        action.outcome = note
    step = ActionNote(action_id=action.id, user_id=user_id, organisation_id=organisation_id,
                      from_status=old if new != old else "", to_status=new if new != old else "", note=note)
    session.add(step)
    session.flush()
    return step


def notes_of(session: Session, action_id: int) -> list[ActionNote]:
    """The action's history, oldest first."""
    return list(session.scalars(select(ActionNote).where(ActionNote.action_id == action_id)
                                .order_by(ActionNote.at, ActionNote.id)))


def notes_since(session: Session, action_ids: Sequence[int], since: datetime) -> dict[int, list[ActionNote]]:
    """{action id: history steps after `since`} — "what happened since the last meeting"."""
    out: dict[int, list[ActionNote]] = {}
    if not action_ids:
        return out
    q = (select(ActionNote).where(ActionNote.action_id.in_(list(action_ids)), ActionNote.at > since,
                                  or_(ActionNote.note != "", ActionNote.from_status != ""))
         .order_by(ActionNote.at, ActionNote.id))
    for n in session.scalars(q):
        out.setdefault(n.action_id, []).append(n)
    return out


def report_ids_of(session: Session, action_id: int) -> list[int]:
    """The reports that caused the action (the cause table and the action's own first cause)."""
    q = select(action_reports.c.report_id).where(action_reports.c.action_id == action_id)
    ids = {int(r) for r in session.scalars(q)}
    first = session.scalar(select(ShortTermAction.report_id).where(ShortTermAction.id == action_id))
    return sorted(ids | ({int(first)} if first else set()))


def reports_of_actions(session: Session, action_ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not action_ids:
        return out
    q = select(action_reports.c.action_id, action_reports.c.report_id).where(
        action_reports.c.action_id.in_(list(action_ids)))
    for a, r in session.execute(q):
        out.setdefault(int(a), []).append(int(r))
    return {k: sorted(v) for k, v in out.items()}


def actions_for_reports(session: Session, report_ids: Sequence[int]) -> dict[int, list[ShortTermAction]]:
    """{report id: the actions created from it}, earliest deadline first (feedback to reporters).

    Reads the cause table and the first cause kept on the action itself (``report_id``)."""
    out: dict[int, list[ShortTermAction]] = {}
    if not report_ids:
        return out
    ids = list(report_ids)
    linked = select(action_reports.c.action_id).where(action_reports.c.report_id.in_(ids))
    actions = list(session.scalars(select(ShortTermAction).where(
        or_(ShortTermAction.id.in_(linked), ShortTermAction.report_id.in_(ids)))
        .order_by(ShortTermAction.due, ShortTermAction.id)))
    causes = reports_of_actions(session, [a.id for a in actions])
    wanted = set(ids)
    for action in actions:
        for rid in sorted(set(causes.get(action.id, [])) | ({action.report_id} if action.report_id else set())):
            if rid in wanted:
                out.setdefault(rid, []).append(action)
    return out


def is_open(action: ShortTermAction) -> bool:
    return action.status in OPEN_ACTION_STATUSES
