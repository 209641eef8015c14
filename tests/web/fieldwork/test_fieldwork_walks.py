"""Safety walks over HTTP: planning form, the idempotent observation API, routing, resolution, PDF."""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from tests.factories import World

ROUTE = json.dumps({"type": "LineString", "coordinates": [[12.262, 58.285], [12.278, 58.285]]})


def _plan(client: Any, world: World) -> int:
    r = client.post("/fieldwork/walks", data={
        "title": "Trygghetsrond Centrum", "planned_for": "2024-05-03T19:00", "route": ROUTE,
        "organisation_ids": [str(world.org_ids["bostad"])], "checklist": ["lighting", "litter", "graffiti"],
        "resident_groups": "Hyresgästföreningen"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (80, 60), "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (58.0, 17.0, 0.0), 1: "N"}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def test_a_walk_is_planned_walked_routed_resolved_and_exported(login, world: World) -> None:
    boss = login("samordnare")
    walk_id = _plan(boss, world)
    page = boss.get(f"/fieldwork/walks/{walk_id}")
    assert page.status_code == 200 and "Trygghetsrond Centrum" in page.text and "Belysning" in page.text
    boss.post("/fieldwork/routing", data={"route_lighting": str(world.org_ids["skola"])})

    walker = login("rapportor")  # the housing company takes part
    url = f"/api/v1/walks/{walk_id}/observations"
    body = {"item": "lighting", "lon": "12.27", "lat": "58.285", "note": "Mörk gångväg",
            "observed_at": "2024-05-03T19:20:00+02:00"}
    headers = {"Idempotency-Key": "3f1c2a9e-device-0001"}
    first = walker.post(url, data=body, files={"photo": ("p.jpg", _jpeg_with_gps(), "image/jpeg")}, headers=headers)
    again = walker.post(url, data=body, files={"photo": ("p.jpg", _jpeg_with_gps(), "image/jpeg")}, headers=headers)
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    detail = boss.get(f"/api/v1/walks/{walk_id}").json()
    assert len(detail["observations"]) == 1 and detail["summary"]["open"] == 1
    photo = walker.get(first.json()["photos"][0])
    assert photo.status_code == 200 and 0x8825 not in Image.open(io.BytesIO(photo.content)).getexif()

    school = login("rapportor2")  # the finding was routed to the school: it may see and resolve it
    obs_id = first.json()["id"]
    assert school.get(f"/fieldwork/walks/{walk_id}").status_code == 200
    r = school.post(f"/fieldwork/observations/{obs_id}", data={"status": "resolved", "note": "Lampan lagad"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = walker.get(f"/fieldwork/walks/{walk_id}")
    assert "Lampan lagad" in page.text and "1 fynd: 1 åtgärdade" in page.text

    pdf = walker.get(f"/fieldwork/walks/{walk_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"


def test_a_reused_key_with_another_body_is_refused_and_a_missing_key_too(login, world: World) -> None:
    boss = login("samordnare")
    walk_id = _plan(boss, world)
    url = f"/api/v1/walks/{walk_id}/observations"
    ok = boss.post(url, json={"item": "litter", "lon": 12.27, "lat": 58.285}, headers={"Idempotency-Key": "k-12345678"})
    assert ok.status_code == 201
    other = boss.post(url, json={"item": "graffiti", "lon": 12.27, "lat": 58.285},
                      headers={"Idempotency-Key": "k-12345678"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]["details"]
    missing = boss.post(url, json={"item": "litter", "lon": 12.27, "lat": 58.285})
    assert missing.status_code == 422 and "idempotency_key" in missing.json()["error"]["details"]
    bad = boss.post(url, json={"item": "weather", "lon": "x"}, headers={"Idempotency-Key": "k-87654321"})
    assert bad.status_code == 422 and "location" in bad.json()["error"]["details"]
    assert len(boss.get(f"/api/v1/walks/{walk_id}").json()["observations"]) == 1


def test_outsiders_neither_see_nor_record_on_a_walk(login, api, world: World) -> None:
    walk_id = _plan(login("samordnare"), world)
    school = api("rapportor2")
    assert school.get(f"/api/v1/walks/{walk_id}").status_code == 404
    r = school.post(f"/api/v1/walks/{walk_id}/observations", json={"item": "litter", "lon": 12.27, "lat": 58.285},
                    headers={"Idempotency-Key": "k-outsider-1"})
    assert r.status_code == 404
    assert walk_id not in [w["id"] for w in school.get("/api/v1/walks").json()["walks"]]
    viewer = login("lasare")
    assert viewer.get(f"/fieldwork/walks/{walk_id}").status_code == 200
    assert viewer.post("/fieldwork/walks", data={"title": "x", "planned_for": "2024-05-03T19:00"}).status_code == 403


def test_planning_errors_are_shown_on_the_form_in_swedish(login) -> None:
    r = login("samordnare").post("/fieldwork/walks", data={"title": "", "planned_for": "igår",
                                                             "route": "[[1,2]]"})
    assert r.status_code == 422 and "Rätta de markerade fälten" in r.text


def test_the_phone_page_carries_the_walk_data_and_its_script(login, world: World) -> None:
    boss = login("samordnare")
    walk_id = _plan(boss, world)
    r = boss.get(f"/fieldwork/walks/{walk_id}/walk")
    assert r.status_code == 200
    assert 'id="walk-data"' in r.text and "/static/js/walk.js" in r.text and 'id="obs-form"' in r.text
    assert f"/api/v1/walks/{walk_id}/observations" in r.text
    assert "<script>" not in r.text.replace('<script type="application/json"', "")
