"""CSRF protection for every browser form: a double-submit token checked at one point.

Every browser gets a random ``trygg_csrf`` cookie. Pages put the same value in each form as the
hidden field ``csrf_token`` (``{{ csrf_field() }}`` in templates) and htmx/fetch send it as the
``X-CSRF-Token`` header (the base template sets it for htmx). An unsafe request (POST, PUT, PATCH,
DELETE) without a matching token is refused with 403 — except API calls authenticated with an
``Authorization: Bearer`` token and Open311 calls (authenticated by ``api_key``), which carry no
ambient browser credentials.
"""

from __future__ import annotations

import hmac
import json
import secrets
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "trygg_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIXES = ("/open311/",)
MAX_FORM_BYTES = 25 * 1024 * 1024


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(COOKIE)
        token = cookie or new_token()
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and not cookie:
                headers = MutableHeaders(scope=message)
                flags = "; Secure" if self.secure else ""
                headers.append("set-cookie", f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{flags}")
            await send(message)

        if scope["method"] not in UNSAFE or self._exempt(request):
            await self.app(scope, receive, send_with_cookie)
            return

        sent = request.headers.get(HEADER)
        body = b""
        replay = receive
        if sent is None:
            ctype = request.headers.get("content-type", "")
            if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                body, complete = await _read_body(receive, MAX_FORM_BYTES)
                sent = _form_token(body, ctype, request) if complete else None
                replay = _replay(body)
        if not cookie or not sent or not hmac.compare_digest(sent, cookie):
            await _refuse(scope, send_with_cookie, request)
            return
        await self.app(scope, replay, send_with_cookie)

    @staticmethod
    def _exempt(request: Request) -> bool:
        if request.url.path.startswith(EXEMPT_PREFIXES):
            return True
        auth = request.headers.get("authorization", "")
        return auth.lower().startswith("bearer ") and "trygg_session" not in request.cookies


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes) -> Receive:
    done = False

    async def receive() -> Message:
        nonlocal done
        if done:
            return {"type": "http.disconnect"}
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _form_token(body: bytes, ctype: str, request: Request) -> str | None:
    if ctype.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD)
        return values[0] if values else None
    # multipart: look for the csrf_token part without parsing files
    marker = f'name="{FIELD}"'.encode()
    at = body.find(marker)
    if at < 0:
        return None
    start = body.find(b"\r\n\r\n", at)
    end = body.find(b"\r\n", start + 4)
    if start < 0 or end < 0:
        return None
    return body[start + 4:end].decode("latin-1").strip()


async def _refuse(scope: Scope, send: Send, request: Request) -> None:
    message = ("The form has expired or did not come from this site (CSRF check failed). "
               "Reload the page and try again.")
    accept = request.headers.get("accept", "")
    if "text/html" in accept and not request.url.path.startswith("/api/"):
        body = (f"<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>403</title></head>"
                f"<body><main><h1>403</h1><p>{message}</p><p><a href='/'>Trygg</a></p></main></body>"
                f"</html>").encode()
        ctype = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"error": {"code": "csrf_failed", "message": message, "details": {}}}).encode()
        ctype = b"application/json"
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
