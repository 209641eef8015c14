"""Creating and managing EST groups in the browser: name, districts, member organisations, archive.

``/meetings/groups/new`` creates a group; ``/meetings/{group}/edit`` renames it and changes its
description, districts, members and usual meeting day; ``/meetings/{group}/archive`` and
``/restore`` hide it from (and bring it back to) the active groups; ``/meetings/{group}/delete``
removes a group that has no meetings. Choosing a district that another group owns is a move that
the form asks to confirm. Who may do this: `trygg.web.access.can_manage_est_groups`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.errors import ValidationError
from trygg.lagesbild import est_groups as service
from trygg.storage import audit
from trygg.storage import meetings as store
from trygg.storage.schema import EstGroup, User
from trygg.web.access import check_manage_est_groups, require_user
from trygg.web.blocking import read_form
from trygg.web.deps import current_user, db_session
from trygg.web.errors import login_redirect
from trygg.web.serialize import area_feature
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


def _ids(values: list[str], field: str, message: str, errors: dict[str, str]) -> tuple[int, ...]:
    """The distinct whole numbers of a multi-value field, in order; anything else is a field error."""
    out: list[int] = []
    for v in values:
        if not v.strip().isdigit():
            errors[field] = message
            continue
        if int(v) not in out:
            out.append(int(v))
    return tuple(out)


def _values(form: FormData) -> dict[str, Any]:
    return {"name": str(form.get("name", "")), "description": str(form.get("description", "")),
            "areas": [str(v) for v in form.getlist("areas")], "members": [str(v) for v in form.getlist("members")],
            "meeting_weekday": str(form.get("meeting_weekday", "")), "meeting_time": str(form.get("meeting_time", "")),
            "confirm_move": [str(v) for v in form.getlist("confirm_move")]}


def _input(values: dict[str, Any], errors: dict[str, str]) -> service.GroupInput:
    """The form as a GroupInput; malformed ids and weekday become field errors."""
    weekday = values["meeting_weekday"].strip()
    if weekday and not weekday.isdigit():
        errors["meeting_weekday"] = "Choose a weekday from the list."
    return service.GroupInput(
        name=values["name"], description=values["description"],
        area_ids=_ids(values["areas"], "areas", "Choose districts from the list.", errors),
        member_ids=_ids(values["members"], "members", "Choose organisations from the list.", errors),
        meeting_weekday=int(weekday) if weekday.isdigit() else None,
        meeting_time=values["meeting_time"].strip() or None,
        confirm_moves=frozenset(_ids(values["confirm_move"], "areas", "Choose districts from the list.", errors)))


def _group_values(session: Session, group: EstGroup) -> dict[str, Any]:
    return {"name": group.name, "description": group.description,
            "areas": [str(a.id) for a in store.group_areas(session, group.id)],
            "members": [str(o.id) for o in group.members],
            "meeting_weekday": "" if group.meeting_weekday is None else str(group.meeting_weekday),
            "meeting_time": group.meeting_time or "", "confirm_move": []}


def _form_page(request: Request, session: Session, group: EstGroup | None, values: dict[str, Any],
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    choices = service.area_choices(session)
    chosen = {int(v) for v in values["areas"] if v.isdigit()}
    group_id = group.id if group else None
    moves = [c for c in choices if c.area.id in chosen and c.group_id is not None and c.group_id != group_id]
    features = [area_feature(c.area, {"group_id": c.group_id, "group_name": c.group_name}, precision=4)
                for c in choices]
    return render(request, "meetings/group_form.html", {
        "group": group, "values": values, "errors": errors or {}, "choices": choices, "moves": moves,
        "organisations": store.list_organisations(session),
        "meetings": service.count_meetings(session, group.id) if group else 0,
        "map_data": {"type": "FeatureCollection", "features": features, "group_id": group_id},
    }, status_code=status_code)


def _save(request: Request, session: Session, user: User, form: FormData, group: EstGroup | None) -> Response:
    values = _values(form)
    errors: dict[str, str] = {}
    data = _input(values, errors)
    try:
        if errors:
            raise ValidationError("The EST group could not be saved.", fields=errors)
        saved = service.update_group(session, group.id, data) if group else service.create_group(session, data)
    except ValidationError as exc:
        session.rollback()
        if group is not None:
            group = store.get_group(session, group.id)
        return _form_page(request, session, group, values, {**errors, **exc.fields}, 422)
    g = saved.group
    detail: dict[str, Any] = dict(saved.changes)
    if group is None:
        detail.update({"areas": sorted(data.area_ids), "members": sorted(data.member_ids)})
    if group is None or detail:
        audit.record(session, user.id, "create" if group is None else "update", "est_group", g.id, detail)
    for old_group_id in sorted(set(saved.moved_from.values())):
        lost = sorted(a for a, gid in saved.moved_from.items() if gid == old_group_id)
        audit.record(session, user.id, "update", "est_group", old_group_id, {"areas_moved_to": g.id, "areas": lost})
    session.commit()
    return RedirectResponse(f"/meetings/{g.id}?saved=group", status_code=303)


@router.get("/meetings/groups/new")
def new_group_page(request: Request, user: User | None = Depends(current_user),
                   session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_manage_est_groups(user)
    return _form_page(request, session, None, {"name": "", "description": "", "areas": [], "members": [],
                                               "meeting_weekday": "", "meeting_time": "", "confirm_move": []})


@router.post("/meetings/groups/new")
def create_group(request: Request, user: User = Depends(require_user), session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    """Create a group; a district of another group moves only when its move is confirmed."""
    check_manage_est_groups(user)
    return _save(request, session, user, form, None)


@router.get("/meetings/{group_id}/edit")
def edit_group_page(group_id: int, request: Request, user: User | None = Depends(current_user),
                    session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_manage_est_groups(user)
    group = store.get_group(session, group_id)
    return _form_page(request, session, group, _group_values(session, group))


@router.post("/meetings/{group_id}/edit")
def update_group(group_id: int, request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    check_manage_est_groups(user)
    return _save(request, session, user, form, store.get_group(session, group_id))


@router.post("/meetings/{group_id}/archive")
def archive_group(group_id: int, request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    """Hide the group from the active groups; its meetings, actions and districts stay."""
    return _set_archived(session, user, group_id, True)


@router.post("/meetings/{group_id}/restore")
def restore_group(group_id: int, request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    return _set_archived(session, user, group_id, False)


def _set_archived(session: Session, user: User, group_id: int, archived: bool) -> Response:
    check_manage_est_groups(user)
    service.set_archived(session, group_id, archived)
    action = "archive" if archived else "restore"
    audit.record(session, user.id, action, "est_group", group_id)
    session.commit()
    return RedirectResponse(f"/meetings/{group_id}?saved={action}d", status_code=303)


@router.post("/meetings/{group_id}/delete")
def delete_group(group_id: int, request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    """Delete a group without meetings (409 otherwise: archive it); its districts become free."""
    check_manage_est_groups(user)
    if form.get("confirm") != "1":
        raise ValidationError("The group was not deleted.",
                              fields={"confirm": "Tick the box to confirm that the group is deleted."})
    gone = service.delete_group(session, group_id)
    audit.record(session, user.id, "delete", "est_group", group_id, gone)
    session.commit()
    return RedirectResponse("/meetings?saved=deleted", status_code=303)
