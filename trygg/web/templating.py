"""Page rendering: Jinja2 templates with the language, the user, CSRF and formatting helpers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from trygg.domain.vocabulary import term_for
from trygg.web import i18n
from trygg.web.deps import get_settings, language, municipality_name, taxonomy
from trygg.web.nav import split_nav

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def _json_script(value: Any, element_id: str) -> Markup:
    """Embed data for scripts as a non-executable JSON block (allowed by the strict CSP)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="{escape(element_id)}">{text}</script>')


templates.env.globals["json_script"] = _json_script


def page_context(request: Request) -> dict[str, Any]:
    lang = language(request)
    csrf = getattr(request.state, "csrf_token", "")
    nav_main, nav_more = split_nav(getattr(getattr(request.state, "user", None), "role", None))
    settings = get_settings(request)
    name = municipality_name(request)
    if name != settings.municipality_name:  # the database's municipality (trygg init) names the pages
        settings = dataclasses.replace(settings, municipality_name=name)
    gettext = i18n.gettext_for(lang)
    tax = taxonomy(request)
    return {
        "request": request,
        "lang": lang,
        "_": gettext,
        "term": term_for(gettext),
        "ngettext": i18n.ngettext_for(lang),
        "user": getattr(request.state, "user", None),
        "settings": settings,
        "csrf_token": csrf,
        "csrf_field": lambda: Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'),
        "fmt_date": lambda v, fmt="medium": i18n.format_date(v, lang, fmt),
        "fmt_datetime": lambda v, fmt="short": i18n.format_datetime(v, lang, fmt),
        "fmt_number": lambda v, digits=0: i18n.format_number(v, lang, digits),
        "fmt_percent": lambda v, digits=0: i18n.format_percent(v, lang, digits),
        "category_name": lambda code: tax.label(code, lang),
        "categories": tax.active,  # what forms offer (a page may pass its own list)
        "nav_items": nav_main,
        "nav_more": nav_more,
        "path": request.url.path,
    }


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    ctx = page_context(request)
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)
