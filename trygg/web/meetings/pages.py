"""The weekly EST meeting: what is new since the last meeting, open actions due, and the decisions.

``/meetings`` lists the EST groups (creating and editing them: `trygg.web.meetings.est_groups`);
``/meetings/{group}`` prepares and runs a group's meeting;
``/meetings/m/{meeting}`` shows one meeting's decisions. Decisions are short-term actions with an
owner organisation and a deadline; the next meeting records how they went (status, outcome).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.clock import today
from trygg.domain.enums import ActionStatus
from trygg.domain.geo import to_sweref
from trygg.domain.permissions import Permission
from trygg.domain.personal_data import check_fields
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.lagesbild.meeting import NEAR_DAYS, NEAR_DISTANCE, build_meeting_brief
from trygg.notify import events
from trygg.notify.messages import MailTexts
from trygg.reports.minutes_pdf import minutes_document
from trygg.storage import actions as action_store
from trygg.storage import audit
from trygg.storage import meetings as store
from trygg.storage import minutes as minutes_store
from trygg.storage import reports as report_store
from trygg.storage.actions import Cell
from trygg.storage.reports import ReportFilter
from trygg.storage.schema import User
from trygg.web.access import (
    MEETING_ROLES,
    can_manage_est_groups,
    can_see_report_detail,
    can_see_sensitive,
    check_role,
    require_permission,
    require_user,
    sensitive_codes,
    taxonomy_of,
)
from trygg.web.deps import current_user, db_session, get_settings, language, taxonomy
from trygg.web.errors import login_redirect
from trygg.web.i18n import TIMEZONE
from trygg.web.nav import register_nav
from trygg.web.notify import mail_texts
from trygg.web.plans.documents import doc_texts
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/meetings", "EST meetings", roles=MEETING_ROLES, order=21)

#: Default deadline of a new action, in days after the meeting.
DEFAULT_DEADLINE_DAYS = 14
DECISION_ROWS = 3


def _safe_next(target: str, default: str) -> str:
    return target if target.startswith("/meetings") and not target.startswith("//") else default


def _parse_date(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = "Give a date as YYYY-MM-DD."
        return None


def _base_filter(user: User) -> ReportFilter:
    if can_see_sensitive(user):
        return ReportFilter()
    return ReportFilter(exclude_categories=tuple(sorted(taxonomy_of(user).sensitive)))


def group_context(session: Session, user: User, group_id: int) -> dict[str, Any]:
    group = store.get_group(session, group_id)
    areas = store.group_areas(session, group_id)
    day = today()
    last = store.last_meeting(session, group_id, before=day)
    since = last.held_on if last else day - timedelta(days=7)
    # A group without districts has no brief (an empty area filter would mean the whole municipality).
    brief = build_meeting_brief(session, tuple(a.id for a in areas), since=since, today=day,
                                base=_base_filter(user)) if areas else None
    members = {o.id for o in group.members}
    organisations = store.list_organisations(session)
    todays = [m for m in store.list_meetings(session, group_id, limit=5) if m.held_on == day]
    area_qs = "&".join(f"area={a.id}" for a in areas)
    return {
        "group": group, "areas": areas, "today": day, "last": last, "since": since, "brief": brief,
        "lb": brief.picture if brief else None, "open_actions": store.open_actions(session, group_id),
        "last_actions": store.meeting_actions(session, last.id) if last else [],
        "todays": todays[0] if todays else None, "history": store.list_meetings(session, group_id, limit=12),
        "organisations": organisations,
        "member_organisations": [o for o in organisations if o.id in members],
        "other_organisations": [o for o in organisations if o.id not in members],
        "can_manage": can_manage_est_groups(user),
        "category_choices": [c for c in taxonomy_of(user).active if can_see_sensitive(user) or not c.sensitive],
        "default_due": day + timedelta(days=DEFAULT_DEADLINE_DAYS), "rows": range(DECISION_ROWS),
        "picture_link": f"/lagesbild?{area_qs}&start={since.isoformat()}&end={(day + timedelta(days=1)).isoformat()}",
        "near_distance": int(NEAR_DISTANCE), "near_days": NEAR_DAYS, "statuses": [str(s) for s in ActionStatus],
        "errors": {}, "values": {}, "attendee_ids": members,
        "changed": store.changed_since(session, group_id, _start_of(since)) if last else [],
        "since_notes": _notes_since(session, group_id, since),
        "org_names": {o.id: o.name for o in organisations},
        "repeat_cells": [str(Cell(*to_sweref(p.lon, p.lat))) for p in (brief.repeat_places if brief else ())],
    }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, TIMEZONE)


def _notes_since(session: Session, group_id: int, since: date) -> dict[int, list[Any]]:
    """{action id: the history steps since the last meeting} of the group's actions."""
    ids = [a.id for a in store.open_actions(session, group_id)]
    ids += [a.id for a in store.changed_since(session, group_id, _start_of(since))]
    return action_store.notes_since(session, ids, _start_of(since))


@router.get("/meetings")
def meetings_index(request: Request, user: User | None = Depends(current_user),
                   session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, MEETING_ROLES)
    return render(request, "meetings/index.html", {
        "groups": store.group_overviews(session), "archived": store.group_overviews(session, archived=True),
        "can_manage": can_manage_est_groups(user), "saved": request.query_params.get("saved"), "today": today()})


@router.get("/meetings/{group_id}")
def group_page(group_id: int, request: Request, user: User | None = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, MEETING_ROLES)
    ctx = group_context(session, user, group_id)
    ctx["saved"] = request.query_params.get("saved")
    ref = request.query_params.get("report", "")
    report = report_store.get_report(session, int(ref)) if ref.isdigit() and len(ref) < 12 else None
    if report is not None and can_see_report_detail(user, report):
        # "New action at the EST meeting" from a report: the first decision row starts from it.
        ctx["values"] = {"reports": [str(report.id)], "category": [report.category],
                         "area": [str(report.area_id or "")]}
        ctx["from_report"] = report
    cell_ref = request.query_params.get("cell", "")
    if cell_ref:
        try:
            parsed = Cell.parse(cell_ref)
        except ValueError:
            parsed = None
        if parsed is not None:
            # "Action" from a hot-spot or near-repeat cell: the first decision row starts from it.
            ctx["values"] = {**ctx["values"], "cell": [str(parsed)]}
            ctx["from_cell"] = str(parsed)
    return render(request, "meetings/group.html", ctx)


def _report_ids(session: Session, user: User, text: str, errors: dict[str, str]) -> tuple[int, ...]:
    """Report numbers typed in a decision row ("12, 15"), each one the user may read."""
    ids: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip().lstrip("#")
        if not part:
            continue
        report = report_store.get_report(session, int(part)) if part.isdigit() and len(part) < 12 else None
        if report is None or not can_see_report_detail(user, report):
            errors["report_ids"] = "No report with that number: give report numbers separated by commas."
            return ()
        ids.append(report.id)
    return tuple(ids)


def _decisions(session: Session, user: User, meeting_id: int, held_on: date, titles: list[str],
               owners: list[str], dues: list[str], areas: list[str], categories: list[str], reports: list[str],
               errors: dict[str, str], texts: MailTexts, cells: list[str] | None = None) -> list[int]:
    """Add the filled decision rows of a form; collects row errors as ``row{i}.field``."""
    ids: list[int] = []
    for i, title in enumerate(titles):
        if not title.strip():
            continue
        row_errors: dict[str, str] = {}
        owner = owners[i] if i < len(owners) else ""
        due = _parse_date(dues[i] if i < len(dues) else "", "due", row_errors)
        area = areas[i] if i < len(areas) else ""
        cat = categories[i] if i < len(categories) else ""
        report_ids = _report_ids(session, user, reports[i] if i < len(reports) else "", row_errors)
        cell = (cells[i] if cells and i < len(cells) else "").strip() or None
        if not owner.isdigit():
            row_errors["owner_organisation_id"] = "Choose the organisation that owns the action."
        if cat and cat not in taxonomy_of(user):
            row_errors["category"] = "Unknown category."
        if not row_errors and due is not None:
            try:
                action = store.add_action(session, meeting_id, title=title, owner_organisation_id=int(owner), due=due,
                                          area_id=int(area) if area.isdigit() else None, category=cat or None,
                                          report_ids=report_ids, cell=cell, created_by=user.id,
                                          user_organisation_id=user.organisation_id)
                events.action_assigned(session, action, texts)
                ids.append(action.id)
                continue
            except ValidationError as exc:
                row_errors.update(exc.fields)
        errors.update({f"row{i}.{k}": v for k, v in row_errors.items()})
    return ids


@router.post("/meetings/{group_id}/record")
def record_meeting(group_id: int, request: Request, held_on: str = Form(""), notes: str = Form(""),
                   title: list[str] = Form([]), owner: list[str] = Form([]), due: list[str] = Form([]),
                   area: list[str] = Form([]), category: list[str] = Form([]), reports: list[str] = Form([]),
                   attendee: list[str] = Form([]), cell: list[str] = Form([]),
                   user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    """Record a meeting, who took part and its decisions (rows with an empty title are skipped)."""
    check_role(user, MEETING_ROLES)
    if store.get_group(session, group_id).archived:
        raise Conflict("The EST group is archived: it records no new meetings.",
                       hint="Restore the group on its edit page first.")
    errors: dict[str, str] = {}
    day = _parse_date(held_on, "held_on", errors)
    if day is not None and day > today() + timedelta(days=60):
        errors["held_on"] = "The meeting date is too far ahead."
    errors.update(check_fields({"notes": notes}, language(request)))
    meeting_id: int | None = None
    ids: list[int] = []
    if day is not None and "held_on" not in errors and "notes" not in errors:
        meeting = store.create_meeting(session, group_id, day, notes, created_by=user.id)
        meeting_id = meeting.id
        store.set_attendees(session, meeting.id, [int(a) for a in attendee if a.isdigit()])
        ids = _decisions(session, user, meeting.id, day, title, owner, due, area, category, reports, errors,
                         mail_texts(request), cell)
    if errors or meeting_id is None:
        session.rollback()
        ctx = group_context(session, user, group_id)
        ctx.update({"errors": errors, "values": {"held_on": held_on, "notes": notes, "title": title,
                                                   "owner": owner, "due": due, "area": area, "category": category,
                                                   "reports": reports, "cell": cell},
                    "attendee_ids": {int(a) for a in attendee if a.isdigit()}})
        return render(request, "meetings/group.html", ctx, status_code=422)
    audit.record(session, user.id, "create", "est_meeting", meeting_id,
                 {"group_id": group_id, "held_on": str(day), "actions": ids})
    session.commit()
    return RedirectResponse(f"/meetings/m/{meeting_id}?saved=1", status_code=303)


@router.get("/meetings/m/{meeting_id}")
def meeting_page(meeting_id: int, request: Request, user: User | None = Depends(current_user),
                 session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, MEETING_ROLES)
    meeting = store.get_meeting(session, meeting_id)
    group = store.get_group(session, meeting.est_group_id)
    return render(request, "meetings/meeting.html", {
        "meeting": meeting, "group": group, "actions": store.meeting_actions(session, meeting.id),
        "areas": store.group_areas(session, group.id), "organisations": store.list_organisations(session),
        "category_choices": [c for c in taxonomy_of(user).active if can_see_sensitive(user) or not c.sensitive],
        "default_due": meeting.held_on + timedelta(days=DEFAULT_DEADLINE_DAYS), "rows": range(1),
        "statuses": [str(s) for s in ActionStatus], "saved": request.query_params.get("saved"),
        "errors": {}, "values": {}, "today": today(), "attendees": store.attendees(session, meeting.id),
        "minutes": minutes_store.versions(session, meeting.id)})


@router.post("/meetings/m/{meeting_id}/actions")
def add_actions(meeting_id: int, request: Request, title: list[str] = Form([]), owner: list[str] = Form([]),
                due: list[str] = Form([]), area: list[str] = Form([]), category: list[str] = Form([]),
                reports: list[str] = Form([]), cell: list[str] = Form([]),
                user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    check_role(user, MEETING_ROLES)
    meeting = store.get_meeting(session, meeting_id)
    errors: dict[str, str] = {}
    if not any(t.strip() for t in title):
        errors["row0.title"] = "Describe the action (what is done, where)."
    ids = _decisions(session, user, meeting.id, meeting.held_on, title, owner, due, area, category, reports, errors,
                     mail_texts(request), cell)
    if errors:
        raise ValidationError("The action could not be recorded.", fields=errors)
    for action_id in ids:
        audit.record(session, user.id, "create", "short_term_action", action_id, {"meeting_id": meeting.id})
    session.commit()
    return RedirectResponse(f"/meetings/m/{meeting.id}?saved=1#decisions", status_code=303)


@router.post("/meetings/actions/{action_id}")
def update_action(action_id: int, request: Request, status: str = Form(...), outcome: str = Form(""),
                  next: str = Form(""), user: User = Depends(require_permission(Permission.EST_MEETINGS)),
                  session: Session = Depends(db_session)) -> Response:
    """Record how an action went: status (open, done, cancelled) and a short outcome."""
    before = store.get_action(session, action_id).status
    action = store.update_action(session, action_id, status=status, outcome=outcome, user_id=user.id,
                                 organisation_id=user.organisation_id)
    if action.status != before:
        events.action_status_changed(session, action, before, mail_texts(request))
    group_id = store.group_of_action(session, action)
    audit.record(session, user.id, "update", "short_term_action", action.id,
                 {"status": action.status, "outcome_length": len(action.outcome)})
    session.commit()
    target = _safe_next(next, f"/meetings/{group_id}" if group_id is not None else "/meetings")
    sep = "&" if "?" in target else "?"
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    return RedirectResponse(f"{target}{sep}saved=action{anchor}", status_code=303)


@router.post("/meetings/m/{meeting_id}/minutes")
def issue_minutes(meeting_id: int, request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    """Generate the minutes (HTML and PDF), archive them with the meeting as a new version and send
    them to the organisations that took part (through the outbox)."""
    check_role(user, MEETING_ROLES)
    meeting = store.get_meeting(session, meeting_id)
    group = store.get_group(session, meeting.est_group_id)
    areas = store.group_areas(session, group.id)
    prev = store.last_meeting(session, group.id, before=meeting.held_on)
    since = prev.held_on if prev else meeting.held_on - timedelta(days=7)
    # The minutes go by e-mail to every participant: sensitive categories are left out of the picture.
    brief = build_meeting_brief(session, tuple(a.id for a in areas), since=since, today=meeting.held_on,
                                base=ReportFilter(exclude_categories=sensitive_codes(session))) if areas else None
    lang = language(request)
    doc = minutes_document(session, meeting, doc_texts(lang, get_settings(request).municipality_name,
                                                     taxonomy(request)),
                           generated=clock.local_now(), brief=brief)
    row = minutes_store.save(session, meeting.id, html=doc.html, pdf=doc.pdf, lang=lang, created_by=user.id)
    attendees = [o.id for o in store.attendees(session, meeting.id)]
    sent = events.minutes_issued(session, row, attendees, group.name, meeting.held_on, mail_texts(request))
    audit.record(session, user.id, "create", "meeting_minutes", row.id,
                 {"meeting_id": meeting.id, "version": row.version, "recipients": sent})
    session.commit()
    return RedirectResponse(f"/meetings/m/{meeting.id}?saved=minutes#minutes", status_code=303)


@router.get("/meetings/m/{meeting_id}/minutes/{minutes_id}.{fmt}")
def minutes_file(meeting_id: int, minutes_id: int, fmt: str, request: Request,
                 user: User | None = Depends(current_user), session: Session = Depends(db_session)) -> Response:
    """An archived version of the minutes, as issued (``pdf`` or ``html``)."""
    if user is None:
        return login_redirect(request)
    check_role(user, MEETING_ROLES)
    row = minutes_store.get(session, meeting_id, minutes_id)
    if fmt == "pdf":
        return Response(row.pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="protokoll-{meeting_id}-v{row.version}.pdf"'})
    if fmt == "html":
        return HTMLResponse(row.html)
    raise NotFound("No such format.", hint="Use .pdf or .html.")
