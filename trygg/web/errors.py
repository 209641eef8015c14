"""One error shape for the whole API: ``{"error": {"code", "message", "details"}}``.

HTML pages get the same information as a readable page; Open311 paths get the GeoReport v2
error list ``[{"code", "description"}]`` (see ``trygg.web.open311``).
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from trygg.errors import AuthenticationRequired, RateLimited, TryggError

log = logging.getLogger("trygg.web")

HTTP_CODES = {
    400: "bad_request", 401: "authentication_required", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/open311/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def field_errors(exc: RequestValidationError) -> dict[str, str]:
    """FastAPI/pydantic errors as {field path: message}."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header", "form")]
        key = ".".join(loc) or "body"
        out.setdefault(key, str(err.get("msg", "invalid")))
    return out


def _page_text(request: Request, text: str | None) -> str:
    """`text` in the page's language when the catalogs know it; else "" on a page that is not English
    (the page's heading and explanation, chosen by the status code, are always translated)."""
    if not text:
        return ""
    from trygg.web.deps import language
    from trygg.web.i18n import gettext_for

    lang = language(request)
    translated = gettext_for(lang)(text)
    return translated if lang == "en" or translated != text else ""


def login_redirect(request: Request) -> RedirectResponse:
    """A signed-out browser asking for a page goes to the sign-in page, which brings it back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    step = "/login/totp" if getattr(request.state, "pending_user", None) is not None else "/login"
    return RedirectResponse(f"{step}?next={quote(target, safe='')}", status_code=303)


def render_error(request: Request, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None, *, hint: str | None = None) -> Response:
    if request.url.path.startswith("/open311/"):
        from trygg.web.open311.errors import open311_error_response

        return open311_error_response(request, status, message + (f" {hint}" if hint else ""), headers)
    if wants_html(request):
        from trygg.web.templating import render

        try:
            return render(request, "error.html", {
                "status": status, "code": code, "message": _page_text(request, message),
                "hint": _page_text(request, hint), "details": details}, status_code=status, headers=headers)
        except Exception:  # noqa: BLE001 - the page itself failed: answer plainly, never Starlette's text
            log.exception("the error page for %s %s could not be rendered", request.method, request.url.path)
            return plain_error_page(status, message, details, headers)
    return JSONResponse(error_body(code, message + (f" {hint}" if hint else ""), details),
                        status_code=status, headers=headers)


def plain_error_page(status: int, message: str, details: Any = None,
                     headers: dict[str, str] | None = None) -> HTMLResponse:
    """A minimal error page without the layout (no template, no database): the last resort when
    the real error page cannot be rendered."""
    items = "".join(f"<li>{escape(str(k))}: {escape(str(v))}</li>" for k, v in details.items()) \
        if isinstance(details, dict) else ""
    body = (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{status}</title></head>'
            f"<body><main><h1>{status}</h1><p>{escape(message)}</p>"
            f"{f'<ul>{items}</ul>' if items else ''}<p><a href=\"/\">Trygg</a></p></main></body></html>")
    return HTMLResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TryggError)
    async def _trygg_error(request: Request, exc: TryggError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        if isinstance(exc, AuthenticationRequired) and request.method in ("GET", "HEAD") and wants_html(request):
            return login_redirect(request)
        return render_error(request, exc.status_code, exc.code, exc.message, exc.details, headers, hint=exc.hint)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return render_error(request, 422, "validation_error",
                            "The request has invalid or missing fields.", field_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return render_error(request, exc.status_code, code, message, None,
                            dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render_error(request, 500, "internal_error",
                            "Something went wrong on our side; nothing you sent was stored twice.")


class UnexpectedErrorMiddleware:
    """Answer an unexpected exception from a route with the 500 page or JSON error — and stop it there.

    Starlette's ServerErrorMiddleware also answers with our handler for ``Exception``, but then re-raises
    the exception to the server, and uvicorn closes the connection of a response it already sent: the
    next request a browser sends on that keep-alive connection is reset. Caught here, the connection
    stays usable. An exception after the response has started is re-raised (nothing else can be sent).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                raise
            request = Request(scope, receive)
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            response = render_error(request, 500, "internal_error",
                                    "Something went wrong on our side; nothing you sent was stored twice.")
            await response(scope, receive, send)
