"""Settings pages for putting Trygg into service (administrators only): the municipality, its
districts (list, map, editions, import — a first one or a new edition — with preview), organisations
(import, deactivate), known places and users in bulk (each with a one-time set-password link).

Each upload is checked first (a preview that stores nothing, listing every problem with its row or
feature number); the file travels on in the confirm form and is checked again when stored. The
work is done by `trygg.setup`, the same functions as the command line.
"""

from __future__ import annotations

import base64
import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from trygg.domain.enums import AreaLevel
from trygg.domain.permissions import Permission
from trygg.errors import ConfigError, TryggError, ValidationError
from trygg.setup.area_import import LEVELS, AreaImportResult, FieldMap, import_areas
from trygg.setup.organisations import import_organisations, set_active
from trygg.setup.places import import_places
from trygg.setup.tables import TableImportResult
from trygg.setup.user_import import import_users
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage import audit, invitations, municipality_details
from trygg.storage import users as user_store
from trygg.storage.schema import Place, Report, User
from trygg.web.access import require_permission
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, forget_details, get_settings
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.svg_map import MapShape, areas_svg
from trygg.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
admin_only = require_permission(Permission.ADMIN)
MAX_UPLOAD = 50 * 1024 * 1024
SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".csv", ".txt", ".xlsx", ".xlsm")
T = TypeVar("T")


def _upload(form: FormData) -> tuple[bytes, str]:
    """The uploaded file (first step) or the file carried by the confirm form (second step)."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(MAX_UPLOAD + 1)
        upload.file.close()
        name = upload.filename
    else:
        try:
            content = base64.b64decode(str(form.get("content") or ""), validate=True)
        except ValueError:
            content = b""
        name = str(form.get("filename") or "")
    suffix = Path(name).suffix.lower()
    if not content or len(content) > MAX_UPLOAD or suffix not in SUFFIXES:
        raise ValidationError("Choose a file.", fields={"file": "GeoJSON, GeoPackage, zipped Shapefile, CSV or "
                                                                "Excel, at most 50 MB"})
    return content, Path(name).name


def _with_file(content: bytes, filename: str, work: Callable[[Path], T]) -> T:
    with tempfile.TemporaryDirectory(prefix="trygg-upload-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        return work(path)


def _carry(content: bytes, filename: str) -> dict[str, str]:
    return {"content": base64.b64encode(content).decode(), "filename": filename}


def _map(session: Session, extra: list[MapShape] | None = None, title: str = "") -> Any:
    muni = area_store.municipality(session)
    shapes = [MapShape(muni.name, muni.geom, "outline")] if muni is not None else []
    if extra is None:
        shapes += [MapShape(f"{a.code} {a.name}", a.geom, "area")
                   for a in area_store.list_areas(session, AreaLevel.REGSO)]
    else:
        shapes += extra
    return areas_svg(shapes, title)


# --------------------------------------------------------------------------- the municipality


@router.get("/municipality")
def municipality_page(request: Request, admin: User = Depends(admin_only),
                      session: Session = Depends(db_session)) -> Response:
    return _municipality_page(request, session)


def _municipality_page(request: Request, session: Session, errors: dict[str, str] | None = None,
                       form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    _ = gettext_for(lang_of(request))
    muni = area_store.municipality(session)
    counts = {level: len(area_store.list_areas(session, level)) for level in (AreaLevel.REGSO, AreaLevel.DESO)}
    settings = get_settings(request)
    return render(request, "admin/municipality.html", {
        "muni": muni, "counts": counts, "orgs": len(user_store.list_organisations(session)),
        "users": len(user_store.list_users(session)),
        "places": session.scalar(select(func.count(Place.id))) or 0,
        "reports": session.scalar(select(func.count(Report.id))) or 0,
        "map": _map(session, title=_("The municipality and its districts")), "errors": errors or {},
        "form": form or {k: str(getattr(settings, k)) for k in municipality_details.EDITABLE},
        "flash": request.query_params.get("done", "")}, status_code=status_code)


@router.post("/municipality")
def municipality_save(request: Request, kontaktcenter_address: str = Form(""), kontaktcenter_hours: str = Form(""),
                      admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    """Save the Kontaktcenter's address and opening hours (they override the settings; audited)."""
    _ = gettext_for(lang_of(request))
    values = {"kontaktcenter_address": kontaktcenter_address.strip(),
              "kontaktcenter_hours": kontaktcenter_hours.strip().replace("–", "-")}
    errors: dict[str, str] = {}
    if not 1 <= len(values["kontaktcenter_address"]) <= 200:
        errors["kontaktcenter_address"] = _("1–200 characters.")
    try:
        dataclasses.replace(get_settings(request), **values).validate()  # type: ignore[arg-type]
    except ConfigError:
        errors["kontaktcenter_hours"] = _("Opening hours as HH:MM-HH:MM, e.g. 08:00-16:30.")
    if errors:
        return _municipality_page(request, session, errors, values, 422)
    changed = municipality_details.save(session, values)
    if changed:
        audit.record(session, admin.id, "update", "municipality", "", {"fields": changed})
    session.commit()
    forget_details(request)
    return RedirectResponse("/admin/municipality?done=saved", status_code=303)


# --------------------------------------------------------------------------- districts


def _districts_context(request: Request, session: Session, **extra: Any) -> dict[str, Any]:
    _ = gettext_for(lang_of(request))
    return {"areas": area_store.list_areas(session, AreaLevel.REGSO),
            "deso": len(area_store.list_areas(session, AreaLevel.DESO)),
            "editions": edition_store.list_editions(session), "edition_areas": edition_store.area_counts(session),
            "map": _map(session, title=_("The municipality and its districts")), "levels": list(LEVELS),
            "form": {}, "result": None, **extra}


@router.get("/districts")
def districts_page(request: Request, admin: User = Depends(admin_only),
                   session: Session = Depends(db_session)) -> Response:
    return render(request, "admin/districts.html", _districts_context(
        request, session, flash=request.query_params.get("done", "")))


def _edition_fields(form: FormData) -> tuple[str | None, int | None]:
    """The new edition's name and year (both optional: a first import needs neither)."""
    name = str(form.get("edition") or "").strip() or None
    raw = str(form.get("year") or "").strip()
    if raw and not (raw.isdigit() and 1900 <= int(raw) <= 2100):
        raise ValidationError("The year of an edition is a year.", fields={"year": "e.g. 2025"})
    return name, int(raw) if raw else None


def _district_fields(form: FormData) -> tuple[str, FieldMap, str | None]:
    level = str(form.get("level") or "district")
    code, name = str(form.get("code_field") or "").strip(), str(form.get("name_field") or "").strip()
    if not code or not name or level not in LEVELS:
        raise ValidationError("Name the code and name fields.", fields={
            "code_field": "the field holding each area's code", "name_field": "the field holding its name"})
    fields = FieldMap(code, name, str(form.get("type_field") or "").strip() or None,
                      str(form.get("population_field") or "").strip() or None,
                      str(form.get("class_field") or "").strip() or None)
    return level, fields, str(form.get("crs") or "").strip() or None


@router.post("/districts")
def districts_import(request: Request, admin: User = Depends(admin_only),
                     session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    """Check the file (``confirm`` absent: a preview that stores nothing) or store it (``confirm=1``)."""
    _ = gettext_for(lang_of(request))
    content, filename = _upload(form)
    level, fields, crs = _district_fields(form)
    edition, year = _edition_fields(form)
    confirm = form.get("confirm") == "1"

    def work(path: Path) -> AreaImportResult:
        return import_areas(session, path, level, fields, crs=crs, dry_run=not confirm, user_id=admin.id,
                            edition=edition, year=year)

    result = _with_file(content, filename, work)
    if confirm and result.ok:
        session.commit()
        return RedirectResponse("/admin/districts?done=imported", status_code=303)
    session.rollback()
    shapes = [MapShape(f"{a.code} {a.name}", a.geom, "new") for a in result.areas]
    form_values = {k: str(form.get(k) or "") for k in ("level", "code_field", "name_field", "type_field",
                                                       "population_field", "class_field", "crs", "edition",
                                                       "year")}
    return render(request, "admin/districts.html", _districts_context(
        request, session, result=result, carry=_carry(content, filename), form=form_values,
        preview_map=_map(session, shapes, _("The districts of the file")) if shapes else None),
        status_code=200 if result.ok else 422)


# --------------------------------------------------------------------------- organisations, places, users


TABLES: dict[str, dict[str, Any]] = {
    "organisations": {"run": import_organisations, "title": "Organisations", "path": "/admin/organisations",
                      "columns": "namn, kortnamn, typ (polis, kommun, bostad, skola, räddningstjänst, bevakning, "
                                 "ideell, annan), utanför (ja/nej), delar (ja/nej)"},
    "places": {"run": import_places, "title": "Known places", "path": "/admin/places",
               "columns": "namn, lon, lat | x, y (SWEREF 99 TM), typ (plats, adress, lokal)"},
    "users": {"run": import_users, "title": "Users in bulk", "path": "/admin/users-import",
              "columns": "användarnamn, namn, e-post, roll, organisation", "note": "Never a password."},
}


def _table_context(session: Session, kind: str, **extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {"kind": kind, "spec": TABLES[kind], "result": None, "links": [], **extra}
    if kind == "organisations":
        ctx["orgs"] = user_store.list_organisations(session)
    elif kind == "places":
        ctx["places"] = list(session.scalars(select(Place).order_by(Place.name)))
    return ctx


def _table_page(kind: str) -> Callable[..., Response]:
    def page(request: Request, admin: User = Depends(admin_only),
             session: Session = Depends(db_session)) -> Response:
        return render(request, "admin/table_import.html", _table_context(
            session, kind, flash=request.query_params.get("done", "")))
    return page


def _table_import(kind: str) -> Callable[..., Response]:
    def run(request: Request, admin: User = Depends(admin_only),
            session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
        content, filename = _upload(form)
        confirm = form.get("confirm") == "1"
        result: TableImportResult = _with_file(content, filename, lambda path: TABLES[kind]["run"](
            session, path, dry_run=not confirm, user_id=admin.id))
        if confirm and not result.errors:
            session.commit()
            if kind != "users":
                return RedirectResponse(f"{TABLES[kind]['path']}?done=imported", status_code=303)
            # The links are shown once, in this response only (never stored in plain, never redirected).
            base = str(request.base_url).rstrip("/")
            links = [(u, invitations.link_url(base, t)) for u, t in result.links]
            return render(request, "admin/table_import.html", _table_context(session, kind, links=links),
                          status_code=201)
        session.rollback()
        return render(request, "admin/table_import.html", _table_context(
            session, kind, result=result, carry=_carry(content, filename)),
            status_code=200 if not result.errors else 422)
    return run


for _kind, _spec in TABLES.items():
    router.add_api_route(_spec["path"].removeprefix("/admin"), _table_page(_kind), methods=["GET"])
    router.add_api_route(_spec["path"].removeprefix("/admin"), _table_import(_kind), methods=["POST"])


@router.post("/organisations/{org_id}/active")
def organisation_active(org_id: int, active: str = Form(""), admin: User = Depends(admin_only),
                        session: Session = Depends(db_session)) -> Response:
    try:
        set_active(session, str(org_id), active == "1", user_id=admin.id)
    except TryggError:
        session.rollback()
        raise
    session.commit()
    return RedirectResponse("/admin/organisations?done=saved", status_code=303)
