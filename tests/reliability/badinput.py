"""A seeded generator of malformed write requests, and the check of each answer.

Every generated request is invalid on purpose (wrong types, missing fields, huge bodies, broken
JSON and XML, impossible coordinates and dates, wrong encodings, personal data, bad headers), so
the right answer is always a 4xx in the endpoint's error shape and nothing stored. The same seed
gives the same requests.
"""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.factories import AREA_BOXES

Payload = dict[str, Any]


@dataclass(frozen=True)
class Endpoint:
    """A write endpoint, how it is called and what a valid body looks like."""

    name: str
    path: str
    body: str  # "json" | "form"
    shape: str  # "api" | "open311_json" | "open311_xml" | "html"
    valid: Callable[[random.Random], Payload]
    headers: dict[str, str] = field(default_factory=dict)
    form_extra: dict[str, str] = field(default_factory=dict)  # api_key, csrf_token: always sent
    strings: tuple[str, ...] = ()  # text fields
    numbers: tuple[str, ...] = ()  # float fields (coordinates)
    integers: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    enums: tuple[str, ...] = ()  # closed vocabularies (category, item, service_code)
    required: tuple[str, ...] = ()  # removing any one makes the request invalid
    lon: str = "lon"
    lat: str = "lat"
    text: str = "description"
    browser: bool = False  # sent by the signed-in browser client (cookies + CSRF), not the API client
    outside_refused: bool = True  # a point outside the municipality is refused here
    idempotent: bool = False  # takes an Idempotency-Key header


@dataclass(frozen=True)
class Case:
    endpoint: Endpoint
    kind: str
    content: bytes
    content_type: str
    headers: dict[str, str]
    query: str = ""  # appended to the path

    @property
    def label(self) -> str:
        return f"{self.endpoint.name}/{self.kind}"


def inside_point(rng: random.Random) -> tuple[float, float]:
    _n, _t, (x0, y0, x1, y1), _p = AREA_BOXES[rng.choice(sorted(AREA_BOXES))]
    return round(rng.uniform(x0 + 0.001, x1 - 0.001), 6), round(rng.uniform(y0 + 0.001, y1 - 0.001), 6)


BAD_NUMBERS: tuple[Any, ...] = ("abc", "", "12,5", [], {}, "NaN", "Infinity", "1e999", "0x1F", "58.28.1")
IMPOSSIBLE_COORDS: tuple[tuple[Any, Any], ...] = (
    (12.28, 91.0), (12.28, -90.5), (181.0, 58.28), (-180.5, 58.28), (1e308, 1e308), (-1e308, 58.28),
    (12.28, 1e20), (999, 999))
OUTSIDE_COORDS = ((18.0686, 59.3293), (11.9746, 57.7089), (0.0, 0.0), (58.28, 12.28))  # Stockholm, Göteborg, …
BAD_DATES = ("2024-13-45T10:00:00+01:00", "2024-02-30T10:00:00+01:00", "yesterday", "31/12/2024",
             "2024-06-01T25:00:00+02:00", "2999-01-01T00:00:00+01:00", "1899-12-31T23:00:00+01:00",
             "0000-00-00T00:00:00", "2024-06-01T12:00:00+25:00", "20240601T99", "-1", "2024-W99")
BAD_TEXTS = ("Ring mig på 070-123 45 67", "Mejla anna.svensson@example.se", "Personnummer 850709-9805",
             "samordningsnummer 701063-2391", "nul\x00byte")
JSON_ONLY_TEXTS = ("lone \ud800 surrogate",)  # a form decodes it leniently to U+FFFD, which is valid text
BAD_ENUMS = ("", "no_such_thing", "VANDALISM", "vandal ism", "x" * 500, "<script>", "../../etc/passwd", "null")
BROKEN_JSON = (b"", b"{", b'{"category": ', b"{'category': 'vandalism'}", b'{"category": "vandalism",}',
               b"nonsense", b"[1, 2", b'{"a": 1} {"b": 2}', b"\x00\x01\x02", b'{"category": "vandalism"',
               b"null", b"[]", b'"just a string"', b"123", b"true")
XML_BODIES = (
    b'<?xml version="1.0"?><report><category>vandalism</category><lon>12.27</lon></report>',
    b'<?xml version="1.0"?><report><category>vandalism</categ',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<r>&b;&b;&b;&b;</r>",
    b"<service_request><service_code>unsafe_place</service_code><lat>58.28</lat><long>12.27",
    b'<?xml version="1.0" encoding="UTF-16"?><r/>',
)


def _serialise(ep: Endpoint, payload: Payload) -> tuple[bytes, str]:
    if ep.body == "json":
        return json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass"), "application/json"
    fields = {**{k: "" if v is None else (json.dumps(v) if isinstance(v, (list, dict, bool)) else str(v))
                 for k, v in payload.items()}, **ep.form_extra}
    return (urllib.parse.urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii"),
            "application/x-www-form-urlencoded")


def _set(ep: Endpoint, payload: Payload, fieldname: str, value: Any) -> tuple[bytes, str]:
    payload = dict(payload)
    payload[fieldname] = value
    return _serialise(ep, payload)


def _mutations(ep: Endpoint) -> list[str]:
    kinds = ["missing_field", "broken_body", "wrong_content_type", "xml_body", "wrong_encoding",
             "impossible_coordinates", "bad_date", "bad_enum", "huge_body", "bad_text", "non_object"]
    if ep.numbers or ep.integers:
        kinds.append("wrong_type_number")
    if ep.strings and ep.body == "json":
        kinds.append("wrong_type_string")
    if ep.booleans:
        kinds.append("wrong_type_bool")
    if ep.outside_refused:
        kinds.append("outside_municipality")
    if ep.idempotent:
        kinds.append("bad_idempotency_key")
    if ep.body == "json":
        kinds.append("deep_nesting")
    return kinds


def make_case(ep: Endpoint, kind: str, rng: random.Random) -> Case:  # noqa: C901 - one branch per kind
    base = ep.valid(rng)
    headers = dict(ep.headers)
    query = ""
    content: bytes
    ctype: str
    if kind == "missing_field":
        payload = dict(base)
        for name in rng.sample(ep.required, k=rng.randint(1, len(ep.required))):
            payload.pop(name, None)
        content, ctype = _serialise(ep, payload)
    elif kind == "wrong_type_number":
        name = rng.choice(ep.numbers + ep.integers)
        bad = list(BAD_NUMBERS) + ([1.5, "2.7"] if name in ep.integers else [])
        if ep.body == "form":
            bad = [b for b in bad if isinstance(b, str) and b not in ("", "NaN", "Infinity", "1e999")]
            if name in ep.integers:
                bad += ["1.5", "två"]
        content, ctype = _set(ep, base, name, rng.choice(bad))
    elif kind == "wrong_type_string":
        content, ctype = _set(ep, base, rng.choice(ep.strings), rng.choice([[], {}, 12345, 1.5, ["a"]]))
    elif kind == "wrong_type_bool":
        content, ctype = _set(ep, base, rng.choice(ep.booleans), rng.choice(["maybe", 2, [], {}, "ja!"]))
    elif kind == "impossible_coordinates":
        lon, lat = rng.choice(IMPOSSIBLE_COORDS)
        content, ctype = _serialise(ep, {**base, ep.lon: lon, ep.lat: lat})
    elif kind == "outside_municipality":
        lon, lat = rng.choice(OUTSIDE_COORDS)
        content, ctype = _serialise(ep, {**base, ep.lon: lon, ep.lat: lat})
    elif kind == "bad_date":
        content, ctype = _set(ep, base, rng.choice(ep.dates), rng.choice(BAD_DATES)) if ep.dates else \
            _set(ep, base, rng.choice(ep.enums), rng.choice(BAD_ENUMS[1:]))
    elif kind == "bad_enum":
        content, ctype = _set(ep, base, rng.choice(ep.enums), rng.choice(BAD_ENUMS))
    elif kind == "bad_text":
        content, ctype = _set(ep, base, ep.text, rng.choice(BAD_TEXTS))
    elif kind == "huge_body":
        size = rng.choice((20_000, 300_000, 2_000_000))
        if rng.random() < 0.5:
            content, ctype = _set(ep, base, ep.text, "å" * size)
        else:  # a valid-looking body followed by a flood of junk fields
            payload = {**base, **{f"f{i}": "x" * 50 for i in range(size // 60)}, ep.required[0]: None}
            if ep.body == "form":
                payload[ep.required[0]] = ""
            content, ctype = _serialise(ep, payload)
    elif kind == "broken_body":
        if ep.body == "json":
            good, ctype = _serialise(ep, base)
            content = rng.choice([rng.choice(BROKEN_JSON), good[: rng.randint(1, max(1, len(good) - 2))]])
        else:
            content, ctype = rng.choice([b"%%%&&&==", b"=&=&=", b"category=%ZZ&lat=%", b"\xff\xfe\x00a=b"]), \
                "application/x-www-form-urlencoded"
            content += b"&" + urllib.parse.urlencode(ep.form_extra).encode()
    elif kind == "non_object":
        content = rng.choice([b"[]", b"null", b"42", b'"text"', b"[{}]"]) if ep.body == "json" else b""
        ctype = "application/json" if ep.body == "json" else "application/x-www-form-urlencoded"
        if ep.body == "form":
            content = urllib.parse.urlencode(ep.form_extra).encode()
    elif kind == "wrong_content_type":
        good, _ = _serialise(ep, {**base, ep.required[0]: ""})
        content, ctype = good, rng.choice(["text/plain", "application/octet-stream", "image/png",
                                           "multipart/form-data; boundary=nothing", "application/json"
                                           if ep.body == "form" else "application/x-www-form-urlencoded"])
    elif kind == "xml_body":
        content = rng.choice(XML_BODIES)
        ctype = rng.choice(["application/xml", "text/xml"])
        if ep.body == "form":  # the form's credentials in the query, so the body is what is wrong
            query = urllib.parse.urlencode(ep.form_extra)
    elif kind == "wrong_encoding":
        payload = {**base, rng.choice(ep.enums): "skadegörelse", ep.text: "Klotter på väggen vid förskolan"}
        good, ctype = _serialise(ep, payload)
        text = good.decode("utf-8")
        content = rng.choice([text.encode("latin-1", "replace"), text.encode("utf-16"), text.encode("cp1252",
                              "replace"), good.replace("ö".encode(), b"\xff\xfe")])
        if ep.body == "form":
            content = urllib.parse.urlencode(
                {k: v for k, v in urllib.parse.parse_qsl(text)}, encoding="latin-1", errors="replace").encode()
    elif kind == "bad_idempotency_key":
        content, ctype = _serialise(ep, base)  # a valid body: only the key is wrong
        headers["Idempotency-Key"] = rng.choice(["x" * 201, "", "key with\ttab", "ключ".encode().hex() * 20])
    elif kind == "deep_nesting":
        depth = rng.choice((1000, 5000, 100_000))
        content, ctype = b"[" * depth + b"]" * depth, "application/json"
        if rng.random() < 0.5:
            content = b'{"category": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
    else:  # pragma: no cover - the kinds above are all there are
        raise ValueError(kind)
    if ep.idempotent and "Idempotency-Key" not in headers and rng.random() < 0.5:
        headers["Idempotency-Key"] = f"bad-{rng.getrandbits(64):x}"
    return Case(ep, kind, content, ctype, headers, query)


def generate(endpoints: list[Endpoint], n: int, seed: int) -> Iterator[Case]:
    """`n` malformed requests spread over `endpoints` and every kind of mutation, reproducibly."""
    rng = random.Random(seed)
    plan = [(ep, kind) for ep in endpoints for kind in _mutations(ep)]
    for i in range(n):
        ep, kind = plan[i % len(plan)] if i < len(plan) else rng.choice(plan)
        if kind == "huge_body" and i >= len(plan) and rng.random() < 0.9:
            kind = "bad_enum"  # keep multi-megabyte bodies to a few percent of the flood
        yield make_case(ep, kind, rng)


def problem_with(case: Case, status: int, content_type: str, body: bytes) -> str | None:
    """Why this answer is wrong for a malformed request, or None when it is right."""
    if not 400 <= status < 500:
        return f"status {status}: {body[:200]!r}"
    shape = case.endpoint.shape
    try:
        if shape == "api":
            data = json.loads(body)
            if not (isinstance(data, dict) and set(data) == {"error"}
                    and set(data["error"]) == {"code", "message", "details"}):
                return f"not the API error shape: {body[:200]!r}"
        elif shape == "open311_json":
            data = json.loads(body)
            if not (isinstance(data, list) and data and all(set(e) == {"code", "description"} and e["code"] == status
                                                            for e in data)):
                return f"not the Open311 error list: {body[:200]!r}"
        elif shape == "open311_xml":
            if not (body.startswith(b"<?xml") and b"<errors><error><code>" in body):
                return f"not the Open311 XML error list: {body[:200]!r}"
        elif shape == "html" and not content_type.startswith("text/html"):
            return f"not an HTML page ({content_type}): {body[:200]!r}"
    except ValueError:
        return f"unreadable error body: {body[:200]!r}"
    return None
