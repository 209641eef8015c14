"""CSRF protection for every browser form: a token tied to the session, checked at one point.

A token is ``<nonce>.<mac>``: the MAC (HMAC-SHA256 under the app's secret key) covers the nonce and
the session the token belongs to — a hash of the ``trygg_session`` cookie, or "anonymous" before
sign-in. A token planted in a browser by someone else (a cookie and form field of their own) is
therefore refused once the browser is signed in, and every sign-in (a new session cookie, also
after the second factor) gets a new token; signing out returns to an anonymous one.

The token travels in the ``trygg_csrf`` cookie (renewed whenever it does not fit the session) and
pages put it in each form as the hidden field ``csrf_token`` (``{{ csrf_field() }}``); htmx and
fetch send it as the ``X-CSRF-Token`` header (the base template sets it for htmx). An unsafe request
(POST, PUT, PATCH, DELETE) is refused with 403 unless it carries a token valid for its session —
and, before sign-in, equal to the cookie too (double submit). Exempt: API calls authenticated with
``Authorization: Bearer`` and Open311 calls (``api_key``), which carry no ambient browser
credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "trygg_csrf"
SESSION_COOKIE = "trygg_session"  # the name in trygg.web.deps (not imported: deps imports the app's parts)
HEADER = "x-csrf-token"
FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIXES = ("/open311/",)
MAX_FORM_BYTES = 25 * 1024 * 1024


def _binding(session_token: str) -> str:
    return "session:" + hashlib.sha256(session_token.encode()).hexdigest() if session_token else "anonymous"


def _mac(secret: str, nonce: str, session_token: str) -> str:
    message = f"{nonce}|{_binding(session_token)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def new_token(secret: str, session_token: str = "") -> str:
    """A fresh token for the session `session_token` (empty: not signed in)."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(secret, nonce, session_token)}"


def valid_token(secret: str, token: str | None, session_token: str = "") -> bool:
    """Whether `token` was made by this server for the session `session_token`."""
    if not token or token.count(".") != 1:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac, _mac(secret, nonce, session_token))


def _session_set_by(message: Message) -> str | None:
    """The session cookie value a response sets ("" when it deletes it), None when it leaves it alone."""
    for key, value in message.get("headers", []):
        if key.lower() != b"set-cookie" or not value.startswith(SESSION_COOKIE.encode() + b"="):
            continue
        cookie = SimpleCookie()
        cookie.load(value.decode("latin-1"))
        morsel = cookie.get(SESSION_COOKIE)
        if morsel is None:
            continue
        gone = morsel["max-age"] in ("0", "-1") or (morsel["expires"] and "1970" in morsel["expires"])
        return "" if gone or not morsel.value.strip('"') else morsel.value
    return None


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, secret: str, secure: bool = True) -> None:
        self.app = app
        self.secret = secret
        self.flags = "; Secure" if secure else ""

    def _cookie(self, token: str) -> str:
        return f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{self.flags}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(COOKIE)
        session_token = request.cookies.get(SESSION_COOKIE, "")
        token = cookie if cookie and valid_token(self.secret, cookie, session_token) else new_token(
            self.secret, session_token)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session_now = _session_set_by(message)
                fresh = token
                if session_now is not None:  # signed in (a new session) or out: a new token
                    fresh = new_token(self.secret, session_now)
                if fresh != cookie:
                    MutableHeaders(scope=message).append("set-cookie", self._cookie(fresh))
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
        if not self._accepted(sent, cookie, session_token):
            await _refuse(scope, send_with_cookie, request)
            return
        await self.app(scope, replay, send_with_cookie)

    def _accepted(self, sent: str | None, cookie: str | None, session_token: str) -> bool:
        if not sent or not valid_token(self.secret, sent, session_token):
            return False
        if session_token:
            return True  # bound to this session by its MAC
        return cookie is not None and hmac.compare_digest(sent, cookie)  # anonymous: double submit too

    @staticmethod
    def _exempt(request: Request) -> bool:
        if request.url.path.startswith(EXEMPT_PREFIXES):
            return True
        auth = request.headers.get("authorization", "")
        return auth.lower().startswith("bearer ") and SESSION_COOKIE not in request.cookies


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
