"""The GeoReport v2 error list, ``[{"code": <status>, "description": <text>}]``, in JSON or XML."""

from __future__ import annotations

from xml.sax.saxutils import escape

from fastapi import Request
from fastapi.responses import JSONResponse, Response


def open311_error_response(request: Request, status: int, message: str,
                           headers: dict[str, str] | None = None) -> Response:
    # GeoReport v2 knows 400 for any invalid request; our 422 (a field we cannot accept) is one.
    if status == 422:
        status = 400
    if request.url.path.endswith(".xml"):
        body = ('<?xml version="1.0" encoding="utf-8"?><errors><error>'
                f"<code>{status}</code><description>{escape(message)}</description></error></errors>")
        return Response(body, status_code=status, media_type="text/xml; charset=utf-8", headers=headers)
    return JSONResponse([{"code": status, "description": message}], status_code=status, headers=headers)
