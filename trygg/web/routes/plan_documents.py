"""The plan and follow-up documents (PDF/HTML) served from the web: texts from the page language."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.errors import NotFound
from trygg.reports.plan_pdf import DocTexts, followup_html, plan_html, to_pdf
from trygg.storage.schema import ActionPlan
from trygg.web import i18n
from trygg.web.deps import language, municipality_name
from trygg.web.routes.plan_labels import LABELS
from trygg.web.templating import _category_name


def doc_texts(lang: str, municipality: str) -> DocTexts:
    def number(v: Any, digits: int = 0) -> str:
        return i18n.format_number(v, lang, digits)

    def percent(v: Any, digits: int = 0) -> str:
        return i18n.format_percent(v, lang, digits)

    def day(v: Any, fmt: str = "medium") -> str:
        return i18n.format_date(v, lang, fmt)

    return DocTexts(
        lang=lang, gettext=i18n.gettext_for(lang), number=number, percent=percent, date=day,
        datetime=lambda v: i18n.format_datetime(v, lang), category_name=lambda c: _category_name(c, lang),
        municipality=municipality, labels=LABELS)


def _respond(html: str, fmt: str, filename: str) -> Response:
    if fmt == "html":
        return HTMLResponse(html)
    if fmt == "pdf":
        return Response(to_pdf(html), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
    raise NotFound(f"No document format {fmt!r}.", hint="Use pdf or html.")


def plan_document(request: Request, session: Session, plan: ActionPlan, fmt: str) -> Response:
    texts = doc_texts(language(request), municipality_name(request))
    html = plan_html(session, plan, texts, generated=clock.now())
    return _respond(html, fmt, f"atgardsplan-{plan.year}-v{plan.version}")


def followup_document(request: Request, session: Session, plan: ActionPlan, fmt: str) -> Response:
    texts = doc_texts(language(request), municipality_name(request))
    html = followup_html(session, plan, texts, generated=clock.now())
    return _respond(html, fmt, f"uppfoljning-{plan.year}")
