"""The plan and follow-up documents (PDF/HTML) served from the web (pages and API): texts from the
request's language. Not a page module: the API uses it too."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.categories import Taxonomy
from trygg.errors import NotFound
from trygg.reports.plan_pdf import DocTexts, followup_html, plan_html, to_pdf
from trygg.storage.schema import ActionPlan
from trygg.web import i18n
from trygg.web.deps import language, municipality_name, taxonomy
from trygg.web.plans.labels import LABELS


def doc_texts(lang: str, municipality: str, tax: Taxonomy) -> DocTexts:
    return i18n.document_texts(lang, municipality, tax, labels=LABELS)


def _respond(html: str, fmt: str, filename: str) -> Response:
    if fmt == "html":
        return HTMLResponse(html)
    if fmt == "pdf":
        return Response(to_pdf(html), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
    raise NotFound(f"No document format {fmt!r}.", hint="Use pdf or html.")


def plan_document(request: Request, session: Session, plan: ActionPlan, fmt: str) -> Response:
    texts = doc_texts(language(request), municipality_name(request), taxonomy(request))
    html = plan_html(session, plan, texts, generated=clock.now())
    return _respond(html, fmt, f"atgardsplan-{plan.year}-v{plan.version}")


def followup_document(request: Request, session: Session, plan: ActionPlan, fmt: str) -> Response:
    texts = doc_texts(language(request), municipality_name(request), taxonomy(request))
    html = followup_html(session, plan, texts, generated=clock.now())
    return _respond(html, fmt, f"uppfoljning-{plan.year}")
