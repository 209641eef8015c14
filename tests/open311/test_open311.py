"""Open311 GeoReport v2: responses valid against the JSON Schemas, api_keys, errors, privacy,
XML, and the independent `georeport` client reading every endpoint in both formats."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmltodict
from fastapi.testclient import TestClient
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.open311.conftest import TEST_KEY

SCHEMAS = "open311/schemas"


@pytest.fixture
def o311(o311_app: Any) -> Iterator[TestClient]:
    with TestClient(o311_app) as c:
        yield c


def _validator(shared_dir: Path, name: str) -> Draft4Validator:
    folder = shared_dir / SCHEMAS
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT4))
                 for p in folder.glob("*.json")]
    registry: Registry = Registry().with_resources(resources)
    return Draft4Validator(json.loads((folder / name).read_text()), registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.mark.shared_data
def test_json_responses_are_valid_against_the_georeport_schemas(o311: TestClient, shared_dir: Path) -> None:
    services = o311.get("/open311/v2/services.json").json()
    _validator(shared_dir, "services.json").validate(services)
    for s in services:
        _validator(shared_dir, "service-definition.json").validate(
            o311.get(f"/open311/v2/services/{s['service_code']}.json").json())
    requests = o311.get("/open311/v2/requests.json").json()
    assert len(requests) == 2  # the sensitive one is not listed publicly
    _validator(shared_dir, "requests.json").validate(requests)
    one = o311.get(f"/open311/v2/requests/{requests[0]['service_request_id']}.json").json()
    _validator(shared_dir, "requests.json").validate(one)
    _validator(shared_dir, "request.json").validate(one[0])


def test_public_requests_hold_no_free_text_or_exact_points(o311: TestClient) -> None:
    for r in o311.get("/open311/v2/requests.json").json():
        assert r["description"] is None and r["service_code"] != "sexual_harassment"
        assert round(r["lat"] / 0.005) * 0.005 == pytest.approx(r["lat"])
    assert {r["status"] for r in o311.get("/open311/v2/requests.json?status=closed").json()} == {"closed"}
    assert [r["service_code"] for r in o311.get("/open311/v2/requests.json?service_code=vandalism").json()] \
        == ["vandalism"]
    assert o311.get("/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z"
                    ).json() == []


def test_posting_needs_a_valid_api_key_and_gives_a_token(o311: TestClient, o311_app: Any) -> None:
    form = {"service_code": "littering", "lat": "58.275", "long": "12.27", "description": "Skräp"}
    r = o311.post("/open311/v2/requests.json", data=form)
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    assert o311.post("/open311/v2/requests.json", data={**form, "api_key": "wrong"}).status_code == 403
    ok = o311.post("/open311/v2/requests.json", data={**form, "api_key": TEST_KEY})
    assert ok.status_code == 200
    token = ok.json()[0]["token"]
    t = o311.get(f"/open311/v2/tokens/{token}.json").json()
    assert t == [{"service_request_id": ok.json()[0]["service_request_id"], "token": token}]
    by_place = o311.post("/open311/v2/requests.json", data={"service_code": "vandalism", "api_key": TEST_KEY,
                                                           "address_string": "Resecentrum",
                                                           "attribute[insecurity]": "4"})
    assert by_place.status_code == 200, by_place.text


def test_bad_posts_get_the_georeport_error_list(o311: TestClient) -> None:
    base = {"api_key": TEST_KEY, "service_code": "littering"}
    cases = [({**base, "service_code": "nope"}, 404), (base, 400),
             ({**base, "lat": "57.7", "long": "11.97"}, 400), ({**base, "lat": "x", "long": "12.27"}, 400),
             ({**base, "lat": "58.275", "long": "12.27", "description": "pnr 811218-9876"}, 400),
             ({**base, "lat": "58.275", "long": "12.27", "attribute[insecurity]": "9"}, 400)]
    for form, status in cases:
        r = o311.post("/open311/v2/requests.json", data=form)
        assert r.status_code == status, (form, r.text)
        body = r.json()
        assert isinstance(body, list) and set(body[0]) == {"code", "description"} and body[0]["code"] == status
        assert "9876" not in r.text
    xml = o311.post("/open311/v2/requests.xml", data=base)
    assert xml.status_code == 400 and xml.text.startswith("<?xml") and "<errors><error><code>400</code>" in xml.text
    assert o311.get("/open311/v2/services/nope.json").status_code == 404
    assert o311.get("/open311/v2/services.yaml").status_code == 404


def test_a_retried_post_with_an_idempotency_key_creates_one_request(o311: TestClient) -> None:
    form = {"api_key": TEST_KEY, "service_code": "littering", "lat": "58.275", "long": "12.27"}
    one = o311.post("/open311/v2/requests.json", data=form, headers={"Idempotency-Key": "k-1"})
    two = o311.post("/open311/v2/requests.json", data=form, headers={"Idempotency-Key": "k-1"})
    assert one.json() == two.json() and two.headers["idempotent-replayed"] == "true"


def test_discovery_and_xml_documents(o311: TestClient) -> None:
    d = o311.get("/open311/discovery.json").json()
    assert d["endpoints"][0]["url"].endswith("/open311/v2/") and "text/xml" in d["endpoints"][0]["formats"]
    assert "<discovery>" in o311.get("/open311/v2/discovery.xml").text
    services = xmltodict.parse(o311.get("/open311/v2/services.xml").content)["services"]["service"]
    assert {"service_code", "service_name", "metadata", "type"} <= set(services[0])
    definition = xmltodict.parse(o311.get("/open311/v2/services/littering.xml").content)["service_definition"]
    assert definition["attributes"]["attribute"][0]["values"]["value"][0]["key"] == "1"


# --------------------------------------------------------------------------- the georeport client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_open311(o311_app: Any) -> Iterator[str]:
    """Our app served by uvicorn on 127.0.0.1 (the georeport client speaks real HTTP)."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(o311_app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/open311/v2"
    server.should_exit = True
    thread.join(5)


def test_the_georeport_client_reads_every_endpoint_in_json_and_xml(live_open311: str) -> None:
    for fmt in ("json", "xml"):
        _read_everything(live_open311, fmt)


def _read_everything(base: str, fmt: str) -> None:
    from georeport import GeoReport

    client = GeoReport(base, api_key=TEST_KEY, output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "littering" in codes and "staff_threat" not in codes
    definition = client.get_service_definition("littering")
    assert definition["service_code"] == "littering"
    requests = client.get_service_requests()
    requests = requests if isinstance(requests, list) else [requests]
    assert {r["service_code"] for r in requests} == {"littering", "vandalism"}
    one = client.get_service_request(requests[0]["service_request_id"])
    assert one["service_request_id"] == requests[0]["service_request_id"]
    closed = client.get_service_requests(status="closed")
    closed = closed if isinstance(closed, list) else [closed]
    assert [r["status"] for r in closed] == ["closed"]
    by_id = client.get_service_requests(service_request_id=requests[0]["service_request_id"])
    by_id = by_id if isinstance(by_id, list) else [by_id]
    assert len(by_id) == 1


def test_status_notes_speak_the_requested_language(o311: TestClient) -> None:
    """Without a feedback note the status note is the status in words, Swedish by default."""
    from trygg.domain.vocabulary import REPORT_STATUS
    from trygg.web.i18n import gettext_for

    swedish = {gettext_for("sv")(m) for m in REPORT_STATUS.values()}
    sv = [r["status_notes"] for r in o311.get("/open311/v2/requests.json").json()]
    en = [r["status_notes"] for r in o311.get("/open311/v2/requests.json?lang=en").json()]
    assert sv and set(sv) <= swedish and "Mottagen" in sv, sv
    assert set(en) <= set(REPORT_STATUS.values()) and "Received" in en, en
