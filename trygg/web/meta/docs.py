"""``/api/docs``: Swagger UI over the OpenAPI document, served from Trygg's own static folder.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; the app's
Content-Security-Policy (``script-src 'self'``, no third-party origins) blocks both, so the page was
blank. Here the assets come from npm (``swagger-ui-dist``, copied by scripts/vendor.py) and the
start-up code is a static file.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trygg API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" data-openapi-url="/api/v1/openapi.json"><h1>Trygg API</h1></main>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
