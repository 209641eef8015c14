"""GeoReport v2 documents in JSON and XML, and the shapes of services, definitions and requests.

XML follows the GeoReport v2 examples: a root element holding one element per item
(``<services><service>…</service></services>``, ``<service_requests><request>…</request>``), lists inside
an item wrapped in a plural element (``<attributes><attribute>…``, ``<values><value>…``), ``true``/``false``
for booleans and an empty element for a missing value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from fastapi.responses import JSONResponse, Response

from trygg.domain.categories import Category
from trygg.domain.enums import ReportStatus
from trygg.domain.vocabulary import REPORT_STATUS
from trygg.storage.schema import Report
from trygg.web.i18n import gettext_for

STOCKHOLM = ZoneInfo("Europe/Stockholm")
XML_TYPE = "text/xml; charset=utf-8"
LIST_CHILD = {"attributes": "attribute", "values": "value", "formats": "format", "endpoints": "endpoint"}
CLOSED = {ReportStatus.RESOLVED, ReportStatus.REJECTED, ReportStatus.DUPLICATE}
PUBLIC_PRECISION = 0.005  # degrees: public positions are rounded to ~0.5 km (no exact points in public)


def _value_xml(tag: str, value: Any) -> str:
    if value is None:
        return f"<{tag}></{tag}>"
    if isinstance(value, bool):
        return f"<{tag}>{'true' if value else 'false'}</{tag}>"
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_value_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):
        child = LIST_CHILD.get(tag, "item")
        return f"<{tag}>" + "".join(_value_xml(child, v) for v in value) + f"</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def to_xml(root: str, item: str | None, body: Any) -> str:
    """``<root><item>…</item>…</root>`` for a list body, ``<root>…</root>`` for an object body."""
    if isinstance(body, list) and item is not None:
        inner = "".join(_value_xml(item, b) for b in body)
    else:
        inner = "".join(_value_xml(k, v) for k, v in body.items())
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{inner}</{root}>'


def respond(fmt: str, body: Any, root: str, item: str | None, status: int = 200,
            headers: dict[str, str] | None = None) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, body), status_code=status, media_type=XML_TYPE, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def w3(value: datetime | None) -> str | None:
    """A W3C/RFC 3339 date-time in Swedish local time with its offset, whole seconds."""
    if value is None:
        return None
    return value.astimezone(STOCKHOLM).replace(microsecond=0).isoformat()


def service_json(cat: Category, lang: str) -> dict[str, Any]:
    return {"service_code": cat.code, "service_name": cat.name(lang),
            "description": cat.name_en if lang == "sv" else cat.name_sv, "metadata": True,
            "type": "realtime", "keywords": ", ".join((cat.name_sv, cat.name_en)), "group": "trygghet"}


def definition_json(cat: Category, lang: str) -> dict[str, Any]:
    sv = lang == "sv"
    return {"service_code": cat.code, "attributes": [
        {"variable": True, "code": "insecurity", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "1–5", "order": 1,
         "description": "Hur otrygg kände du dig? 1 = lite, 5 = mycket" if sv else
         "How unsafe did it make you feel? 1 = a little, 5 = very",
         "values": [{"key": str(n), "name": str(n)} for n in range(1, 6)]},
        {"variable": True, "code": "occurred", "datatype": "datetime", "required": False,
         "datatype_description": "ISO 8601, e.g. 2024-05-03T22:30:00+02:00", "order": 2,
         "description": "När hände det?" if sv else "When did it happen?", "values": []},
        {"variable": True, "code": "people_count", "datatype": "number", "required": False,
         "datatype_description": "0–10000", "order": 3,
         "description": "Hur många personer var inblandade?" if sv else "How many people were involved?",
         "values": []},
        {"variable": True, "code": "police_called", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "yes / no", "order": 4,
         "description": "Ringde någon polisen?" if sv else "Were the police called?",
         "values": [{"key": "yes", "name": "Ja" if sv else "Yes"}, {"key": "no", "name": "Nej" if sv else "No"}]},
    ]}


def request_json(report: Report, lang: str, agency: str | None, service_name: str | None) -> dict[str, Any]:
    """A resident's report as a GeoReport v2 request: no free text, position rounded (privacy)."""
    def rounded(v: float) -> float:
        return round(round(v / PUBLIC_PRECISION) * PUBLIC_PRECISION, 4)

    closed = report.status in CLOSED
    return {
        "service_request_id": report.public_id,
        "status": "closed" if closed else "open",
        "status_notes": report.feedback_note or gettext_for(lang)(REPORT_STATUS.get(report.status, report.status)),
        "service_name": service_name,
        "service_code": report.category,
        "description": None,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": w3(report.created_at),
        "updated_datetime": w3(report.updated_at),
        "expected_datetime": None,
        "address": report.area.name if report.area is not None else None,
        "address_id": None,
        "zipcode": None,
        "lat": rounded(report.lat),
        "long": rounded(report.lon),
        "media_url": None,
    }
