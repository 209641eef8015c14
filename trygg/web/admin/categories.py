"""The settings page of the category taxonomy (administrators only): list, add, edit (names,
sensitivity, public, focus areas, police event types), retire, restore, merge, export and import.

The rules and the audit are `trygg.setup.categories`, the same functions as ``trygg categories``;
this module reads the forms and shows the problems beside their fields, in the user's language.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain.categories import Category, Taxonomy
from trygg.domain.enums import Sensitivity
from trygg.domain.permissions import Permission
from trygg.errors import NotFound
from trygg.setup import categories as service
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.admin.setup import _carry, _upload, _with_file
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, forget_taxonomy
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
admin_only = require_permission(Permission.ADMIN)
FIELDS = ("code", "name_sv", "name_en", "sensitivity", "public", "focus_areas", "police_types", "sort_order")


def _list_context(session: Session, **extra: Any) -> dict[str, Any]:
    tax = taxonomy(session)
    return {"all": tax.categories, "form": {"public": "1", "sensitivity": "normal"}, "errors": {},
            "result": None, "sensitivities": [str(s) for s in Sensitivity], "columns": service.COLUMNS, **extra}


def _values(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip() for k in FIELDS}


def _category(values: dict[str, str], old: Category | None, _: Any) -> tuple[Category | None, dict[str, str]]:
    """The category the form describes, or the field errors that prevent it (translated)."""
    errors: dict[str, str] = {}
    try:
        focus = tuple(int(p) for p in values["focus_areas"].replace(";", ",").split(",") if p.strip())
    except ValueError:
        errors["focus_areas"] = _("Numbers of focus areas, 1–99, separated by commas.")
        focus = ()
    order = old.sort_order if old else 0
    if values["sort_order"]:
        try:
            order = int(values["sort_order"])
        except ValueError:
            errors["sort_order"] = _("A whole number.")
    if values["sensitivity"] not in {str(s) for s in Sensitivity}:
        errors["sensitivity"] = _("Normal or sensitive.")
    if errors:
        return None, errors
    police = tuple(dict.fromkeys(t.strip() for t in values["police_types"].splitlines() if t.strip()))
    base = old or Category(code=values["code"], name_sv="", name_en="")
    return replace(base, name_sv=values["name_sv"], name_en=values["name_en"],
                   sensitivity=Sensitivity(values["sensitivity"]), public=values["public"] == "1",
                   focus_areas=focus, police_types=police, sort_order=order), {}


def _checked(cat: Category, tax: Taxonomy, _: Any) -> dict[str, str]:
    others = {c.code: c for c in tax.categories if c.code != cat.code}
    return {f: _(msg, **params) for f, (msg, params) in service.problems(cat, others).items()}


@router.get("/categories")
def categories_page(request: Request, admin: User = Depends(admin_only),
                    session: Session = Depends(db_session)) -> Response:
    return render(request, "admin/categories.html", _list_context(session, flash=request.query_params.get("done", "")))


@router.post("/categories")
def category_add(request: Request, admin: User = Depends(admin_only), session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    """Add a category (audited); field errors answer 422 with the form as it was."""
    _ = gettext_for(lang_of(request))
    values = _values(form)
    tax = taxonomy(session)
    cat, errors = _category(values, None, _)
    if cat is not None:
        errors = _checked(cat, tax, _)
        if cat.code in tax:
            errors["code"] = _("A category with this code exists already.")
    if errors or cat is None:
        return render(request, "admin/categories.html", _list_context(session, form=values, errors=errors),
                      status_code=422)
    service.add(session, cat, user_id=admin.id)
    session.commit()
    forget_taxonomy(request)
    return RedirectResponse("/admin/categories?done=added", status_code=303)


@router.get("/categories/export.{fmt}")
def categories_export(fmt: str, admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    """The whole taxonomy as the file ``trygg categories import`` and the import below read."""
    if fmt not in ("csv", "json"):
        raise NotFound(f"No export as {fmt!r}.", hint="Use export.csv or export.json.")
    text = service.export_text(taxonomy(session), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(text, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="trygg-categories.{fmt}"'})


@router.post("/categories/import")
def categories_import(request: Request, admin: User = Depends(admin_only), session: Session = Depends(db_session),
                      form: FormData = Depends(read_form)) -> Response:
    """Check the file (a preview that stores nothing) or store it (``confirm=1``)."""
    content, filename = _upload(form)
    confirm = form.get("confirm") == "1"

    def work(path: Path) -> service.CategoryImportResult:
        return service.import_file(session, path, dry_run=not confirm, user_id=admin.id)

    result = _with_file(content, filename, work)
    if confirm and not result.errors:
        session.commit()
        forget_taxonomy(request)
        return RedirectResponse("/admin/categories?done=imported", status_code=303)
    session.rollback()
    return render(request, "admin/categories.html", _list_context(
        session, result=result, carry=_carry(content, filename)), status_code=422 if result.errors else 200)


def _current(session: Session, code: str) -> Category:
    cat = taxonomy(session).get(code)
    if cat is None:
        raise NotFound(f"No category {code!r}.", hint="The settings page lists them.")
    return cat


def _edit_page(request: Request, session: Session, cat: Category, *, form: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    tax = taxonomy(session)
    shown = form or {"name_sv": cat.name_sv, "name_en": cat.name_en, "sensitivity": str(cat.sensitivity),
                     "public": "1" if cat.public else "", "focus_areas": ", ".join(map(str, cat.focus_areas)),
                     "police_types": "\n".join(cat.police_types), "sort_order": str(cat.sort_order)}
    return render(request, "admin/category.html", {
        "cat": cat, "form": shown, "errors": errors or {}, "sensitivities": [str(s) for s in Sensitivity],
        "targets": [c for c in tax.active if c.code != cat.code],
        "merged_here": [c.name(lang_of(request)) for c in tax.categories if c.merged_into == cat.code],
        "flash": request.query_params.get("done", "")}, status_code=status_code)


@router.get("/categories/{code}")
def category_page(code: str, request: Request, admin: User = Depends(admin_only),
                  session: Session = Depends(db_session)) -> Response:
    return _edit_page(request, session, _current(session, code))


@router.post("/categories/{code}")
def category_save(code: str, request: Request, admin: User = Depends(admin_only),
                  session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    """Save names, sensitivity, public, focus areas, police event types and order (audited)."""
    _ = gettext_for(lang_of(request))
    old = _current(session, code)
    values = {**_values(form), "code": code}
    cat, errors = _category(values, old, _)
    if cat is not None:
        errors = _checked(cat, taxonomy(session), _)
    if errors or cat is None:
        return _edit_page(request, session, old, form=values, errors=errors, status_code=422)
    service.update(session, code, user_id=admin.id, **{k: getattr(cat, k) for k in (
        "name_sv", "name_en", "sensitivity", "public", "focus_areas", "police_types", "sort_order")})
    session.commit()
    forget_taxonomy(request)
    return RedirectResponse(f"/admin/categories/{code}?done=saved", status_code=303)


@router.post("/categories/{code}/retire")
def category_retire(code: str, request: Request, admin: User = Depends(admin_only),
                    session: Session = Depends(db_session)) -> Response:
    """Offer the category in no form any more; its reports stay listed and counted (audited)."""
    _current(session, code)
    service.retire(session, code, user_id=admin.id)
    session.commit()
    forget_taxonomy(request)
    return RedirectResponse(f"/admin/categories/{code}?done=retired", status_code=303)


@router.post("/categories/{code}/restore")
def category_restore(code: str, request: Request, admin: User = Depends(admin_only),
                     session: Session = Depends(db_session)) -> Response:
    """Undo a retirement or a merge (audited)."""
    _ = gettext_for(lang_of(request))
    cat = _current(session, code)
    problems = _checked(replace(cat, retired_on=None, merged_into=None), taxonomy(session), _)
    if problems:
        errors = {"restore": _("It cannot be restored: {why}", why=" ".join(problems.values()))}
        return _edit_page(request, session, cat, errors=errors, status_code=422)
    service.restore(session, code, user_id=admin.id)
    session.commit()
    forget_taxonomy(request)
    return RedirectResponse(f"/admin/categories/{code}?done=restored", status_code=303)


@router.post("/categories/{code}/merge")
def category_merge(code: str, request: Request, into: str = Form(""), admin: User = Depends(admin_only),
                   session: Session = Depends(db_session)) -> Response:
    """Merge the category into `into`: retired, its police event types move there, and its reports
    (keeping their own code) are counted under `into` (audited)."""
    _ = gettext_for(lang_of(request))
    cat = _current(session, code)
    target = taxonomy(session).get(into)
    if target is None or not target.active or into == code:
        return _edit_page(request, session, cat, errors={"into": _("Choose another category in use.")},
                          status_code=422)
    service.merge(session, code, into, user_id=admin.id)
    session.commit()
    forget_taxonomy(request)
    return RedirectResponse(f"/admin/categories/{code}?done=merged", status_code=303)
