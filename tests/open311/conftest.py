"""Fixtures for the Open311 tests: an app with a known api_key, residents' reports, the spec."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from trygg.config import Settings
from trygg.storage.database import Database
from trygg.storage.schema import Place

SPEC = "open311/georeport_v2-1.patched.yaml"
TEST_KEY = "test-key"  # the api_key the patched spec declares (enum: [test-key])


@pytest.fixture
def o311_app(database: Database, world):  # type: ignore[no-untyped-def]
    """The app with a generous rate limit, the api_key ``test-key``, a known place and three
    residents' reports (one closed, one sensitive)."""
    from trygg.storage import intake as intake_store
    from trygg.web.app import create_app

    with database.session() as s:
        intake_store.create_open311_client(s, "conformance tests", key=TEST_KEY)
        s.add(Place(name="Resecentrum", lon=12.27, lat=58.285, area_id=world.area_ids["T001"]))
    app = create_app(Settings(database_url=database.url, secret_key="o311", public_rate_limit=100_000,
                              secure_cookies="false"), database)
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        for category, lon in (("littering", 12.27), ("vandalism", 12.29), ("sexual_harassment", 12.275)):
            r = c.post("/open311/v2/requests.json", data={"api_key": TEST_KEY, "service_code": category,
                                                          "lat": "58.285", "long": str(lon),
                                                          "description": "Test", "email": "a@example.se"})
            assert r.status_code == 200, r.text
    from sqlalchemy import select

    from trygg.storage.schema import Report

    with database.session() as s:
        first = s.scalar(select(Report).where(Report.source == "resident").order_by(Report.id))
        first.status = "resolved"
    return app


def load_spec(shared_dir: Path, fmt: str) -> dict[str, Any]:
    """The patched GeoReport v2 spec served under /open311/v2, with response_format = `fmt`."""
    raw = yaml.safe_load((shared_dir / SPEC).read_text(encoding="utf-8"))
    spec = copy.deepcopy(raw)
    spec["basePath"] = "/open311/v2"
    spec["parameters"]["response_format"]["enum"] = [fmt]
    return spec
