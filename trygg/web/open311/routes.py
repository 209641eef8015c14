"""The Open311 GeoReport v2 server at ``/open311/v2/`` (JSON and XML).

Endpoints: ``discovery``, ``services``, ``services/{code}``, ``requests`` (GET with filters, POST with
an ``api_key`` per client application — `trygg open311 keys create --name APP`), ``requests/{id}``
and ``tokens/{token}``, each with ``.json`` or ``.xml``. Errors are the GeoReport list
``[{code, description}]`` with 400 (bad input), 403 (bad api_key), 404 (not found).

Services are the categories fit for the public. Requests are residents' reports; the public
lists show no free text and a rounded position (DOMAIN.md privacy rules), and no report of a
sensitive category is ever shown, in a list or alone (the suppression gate,
``trygg.publication.gate.single_report_public``): one such report is a count of one. Parameters are read by
hand (not declared to FastAPI) so that every bad value is a GeoReport 400, never a 422.
``jurisdiction_id`` is accepted and ignored: this server serves one municipality.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.categories import Category, Taxonomy
from trygg.domain.enums import ReportStatus, Source
from trygg.domain.text import check_text, forbidden_character, whole_number
from trygg.errors import NotFound, PermissionDenied, TryggError, ValidationError
from trygg.ingest.service import IntakeContext, ReportInput, create_report
from trygg.publication.gate import single_report_public
from trygg.storage import intake as intake_store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import Organisation, Report
from trygg.storage.schema.intake import Open311Client
from trygg.web.blocking import run_blocking
from trygg.web.deps import db_session, get_database, get_settings, language, municipality_name
from trygg.web.deps import taxonomy as request_taxonomy
from trygg.web.i18n import gettext_for
from trygg.web.idempotency import idempotent
from trygg.web.open311.render import definition_json, request_json, respond, service_json
from trygg.web.ratelimit import limit

router = APIRouter(tags=["open311"], include_in_schema=False)
FORMATS = ("json", "xml")
MAX_SPAN = timedelta(days=90)
OPEN = [str(s) for s in intake_store.OPEN_STATUSES]
CLOSED = [str(s) for s in intake_store.CLOSED_STATUSES]


class Open311BadRequest(TryggError):
    status_code = 400
    code = "bad_request"


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFound(f"Format {fmt!r} is not served.", hint="Use .json or .xml.")
    return fmt


def public_services(tax: Taxonomy) -> list[Category]:
    """The services offered: the public categories in use (a retired one is offered no more)."""
    return list(tax.public)


def _service(tax: Taxonomy, code: str) -> Category:
    cat = tax.get(code)
    if cat is None or not cat.public or not cat.active:
        raise NotFound(f"No service with code {code!r}.", hint="List them at /open311/v2/services.json.")
    return cat


def _as_request(session: Session, report: Report, lang: str) -> dict[str, Any]:
    agency = None
    if report.routed_to_id is not None:
        org = session.get(Organisation, report.routed_to_id)
        agency = org.name if org is not None else None
    cat = taxonomy(session).get(report.category)
    return request_json(report, lang, agency, cat.name(lang) if cat else None)


_W3 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                 r"\s*([Zz]|[+-]\d{2}:?\d{2})?$")


def _parse_dt(value: str, name: str) -> datetime:
    """A W3C/RFC 3339 date-time; leap seconds and out-of-range years are clamped, not refused."""
    m = _W3.match(value.strip())
    if not m:
        raise Open311BadRequest(f"{name} {value[:40]!r} is not a W3C date-time, e.g. 2024-05-01T00:00:00Z.")
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        naive = datetime(max(1, int(y)), int(mo), int(d), int(hh or 0), int(mm or 0), min(59, int(ss or 0)))
    except ValueError:
        raise Open311BadRequest(f"{name} {value[:40]!r} is not a valid date.") from None
    offset = timedelta(0)
    if tz and tz not in "Zz":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:  # an offset is less than a day (RFC 3339: -23:59 … +23:59)
            raise Open311BadRequest(f"{name} {value[:40]!r} has a time-zone offset that does not exist; "
                                    "use -23:59 … +23:59 or Z.")
        offset = sign * timedelta(hours=hours, minutes=minutes)
    try:
        return (naive - offset).replace(tzinfo=UTC)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC) if offset > timedelta(0) else datetime.max.replace(tzinfo=UTC)


@router.get("/open311/discovery.{fmt}")
@router.get("/open311/v2/discovery.{fmt}")
def discovery(fmt: str, request: Request) -> Response:
    settings = get_settings(request)
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    body = {"changeset": "2024-01-01T00:00:00+01:00",
            "contact": f"Kontaktcenter, {municipality_name(request)}: {settings.kontaktcenter_address}",
            "key_service": "Ask the municipality's Kontaktcenter for an api_key for your application.",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                           "changeset": "2024-01-01T00:00:00+01:00", "type": "production",
                           "formats": ["application/json", "text/xml"]}]}
    return respond(_fmt(fmt), body, "discovery", None)


@router.get("/open311/v2/services.{fmt}")
def services(fmt: str, request: Request) -> Response:
    lang = language(request)
    offered = public_services(request_taxonomy(request))
    return respond(_fmt(fmt), [service_json(c, lang) for c in offered], "services", "service")


@router.get("/open311/v2/services/{code}.{fmt}")
def service_definition(code: str, fmt: str, request: Request) -> Response:
    fmt = _fmt(fmt)
    return respond(fmt, definition_json(_service(request_taxonomy(request), code),
                                        language(request)), "service_definition", None)


@router.get("/open311/v2/requests.{fmt}")
def list_requests(fmt: str, request: Request, session: Session = Depends(db_session)) -> Response:
    fmt = _fmt(fmt)
    q = request.query_params
    if any("\x00" in v for v in q.values()):
        # PostgreSQL cannot hold a NUL (→ 400); answer the same on SQLite rather than an empty list
        raise Open311BadRequest("A filter holds a NUL character, which no stored value can contain; remove it.")
    lang = language(request)
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    tax = taxonomy(session)
    hidden = [c for c in tax.codes if not single_report_public(c, tax)]
    if ids:
        rows = intake_store.open311_requests(session, public_ids=ids[:1000], exclude_categories=hidden)
    else:
        codes = [c.strip() for c in q.get("service_code", "").split(",") if c.strip()]
        statuses: list[str] = []
        for s in (part.strip() for part in q.get("status", "").split(",") if part.strip()):
            if s not in ("open", "closed"):
                raise Open311BadRequest(f"status {s[:20]!r} is not open or closed.")
            statuses += OPEN if s == "open" else CLOSED
        start = _parse_dt(q["start_date"], "start_date") if q.get("start_date") else None
        end = _parse_dt(q["end_date"], "end_date") if q.get("end_date") else None
        # At most 90 days (GeoReport v2): a longer range is cut to the 90 days after start_date.
        if start is None:
            start = (end or clock.now()) - MAX_SPAN
        elif end is None or end - start > MAX_SPAN:
            end = start + MAX_SPAN if start < datetime.max.replace(tzinfo=UTC) - MAX_SPAN else end
        rows = intake_store.open311_requests(session, categories=codes, start=start, end=end,
                                             statuses=statuses, exclude_categories=hidden, limit=1000)
    return respond(fmt, [_as_request(session, r, lang) for r in rows], "service_requests", "request")


@router.get("/open311/v2/requests/{request_id}.{fmt}")
def get_request(request_id: str, fmt: str, request: Request, session: Session = Depends(db_session)) -> Response:
    fmt = _fmt(fmt)
    report = intake_store.resident_report(session, request_id)
    if report is None or not single_report_public(report.category, taxonomy(session)):
        raise NotFound(f"No service request {request_id[:40]!r}.")
    return respond(fmt, [_as_request(session, report, language(request))], "service_requests", "request")


@router.get("/open311/v2/tokens/{token}.{fmt}")
def get_token(token: str, fmt: str, session: Session = Depends(db_session)) -> Response:
    fmt = _fmt(fmt)
    report = intake_store.resident_report(session, token)
    if report is None or not single_report_public(report.category, taxonomy(session)):
        raise NotFound(f"No service request for token {token[:40]!r}.")
    return respond(fmt, [{"service_request_id": report.public_id, "token": token}], "service_requests", "request")


def _float(form: dict[str, str], name: str) -> float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Open311BadRequest(f"{name} {raw[:30]!r} is not a number.") from None


def _attributes(form: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    raw = {k[len("attribute["):-1]: v.strip() for k, v in form.items()
           if k.startswith("attribute[") and k.endswith("]")}
    if raw.get("insecurity"):
        if raw["insecurity"] not in ("1", "2", "3", "4", "5"):
            raise Open311BadRequest("attribute[insecurity] must be one of 1–5.")
        out["insecurity"] = int(raw["insecurity"])
    if raw.get("people_count"):
        count = whole_number(raw["people_count"])
        if count is None:
            raise Open311BadRequest("attribute[people_count] must be a whole number.")
        out["people_count"] = count
    if raw.get("police_called"):
        if raw["police_called"] not in ("yes", "no"):
            raise Open311BadRequest("attribute[police_called] must be yes or no.")
        out["police_called"] = raw["police_called"] == "yes"
    if raw.get("occurred"):
        out["occurred_from"] = _parse_dt(raw["occurred"], "attribute[occurred]")
    return out


@router.post("/open311/v2/requests.{fmt}")
async def post_request(fmt: str, request: Request, session: Session = Depends(db_session)) -> Response:
    """Read the form (the only awaited part), then do the checks and the database work in the
    threadpool: the event loop never waits on the database."""
    fmt = _fmt(fmt)
    form_data = await request.form()
    form = {k: v for k, v in form_data.items() if isinstance(v, str)}
    return await run_blocking(session, _post_request, fmt, request, session, form)


def _checked_form(form: dict[str, str]) -> None:
    """Refuse control characters (NUL, …) in any field before anything else looks at them."""
    bad = check_text({k: v for k, v in form.items() if k != "api_key"}, "en")
    if bad:
        names = ", ".join(sorted(  # a name may hold NUL too: never echo one
            "".join(c if forbidden_character(c) is None else f"\\u{ord(c):04x}" for c in k[:40]) for k in bad))
        raise Open311BadRequest(f"{names}: a text holds a control character (such as NUL) that cannot be "
                                "stored; remove it.")


def _client_for(request: Request, session: Session, form: dict[str, str]) -> Open311Client:
    key = form.get("api_key", "") or request.query_params.get("api_key", "")
    client = intake_store.open311_client_for_key(session, key)
    if client is None:
        raise PermissionDenied("api_key is missing or not valid.",
                               hint="Ask the Kontaktcenter for an api_key for your application.")
    if intake_store.open311_use_is_stale(client):
        # In a short transaction of its own, never in the request's: a request that is refused
        # later must not hold the client's row (or SQLite's write lock) while it is answered.
        with get_database(request).session() as s:
            intake_store.note_open311_use(s, client.id)
    return client


def _post_request(fmt: str, request: Request, session: Session, form: dict[str, str]) -> Response:
    client = _client_for(request, session, form)
    settings = get_settings(request)
    _checked_form(form)
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311BadRequest("service_code is required.")
    cat = taxonomy(session).get(code)
    if cat is None or not cat.public or not cat.active:
        raise NotFound(f"service_code {code[:40]!r} not found.", hint="List them at services.json.")
    lat, lon = _float(form, "lat"), _float(form, "long")
    place = form.get("address_string", "").strip() or form.get("address_id", "").strip() or None
    if (lat is None or lon is None) and place is None:
        raise Open311BadRequest("Give a location: lat and long, address_string or address_id.")
    # Counted (in the database, shared by every server process) only for a request that could be stored.
    limit(request, "open311_post", settings.public_rate_limit)
    attrs = _attributes(form)
    lang = language(request)
    payload = {k: v for k, v in sorted(form.items()) if k != "api_key"}

    def create() -> tuple[int, Any]:
        ctx = IntakeContext(source=Source.RESIDENT, public=True, lang=lang, gettext=gettext_for(lang),
                            status=ReportStatus.RECEIVED, allow_outside=False)
        data = ReportInput(category=code, description=form.get("description", ""), lon=lon, lat=lat,
                           place=None if lat is not None and lon is not None else place, **attrs)
        try:
            report = create_report(session, data, ctx)
        except ValidationError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in (exc.fields or {}).items())
            raise Open311BadRequest(f"{exc.message} {details}".strip()) from None
        name = " ".join(p for p in (form.get("first_name", "").strip(), form.get("last_name", "").strip()) if p)
        intake_store.add_contact(session, report.id, name=name, email=form.get("email", "").strip(),
                                 phone=form.get("phone", "").strip())
        notice = ("Tack! Kontaktcenter går igenom ärendet en vardag." if lang == "sv"
                  else "Thank you! The Kontaktcenter reviews it on a working day.")
        return 200, [{"service_request_id": report.public_id, "token": report.public_id,
                      "service_notice": notice, "account_id": None}]

    return idempotent(request, session, scope=f"open311:{client.id} POST requests", payload=payload,
                      create=create,
                      render=lambda s, b, h: respond(fmt, b, "service_requests", "request", s, h))
