"""EST reporting: the JSON API (idempotent, field-level 422s, personal-data guard, exports, status)
and the pages (one-minute form, photos, weekly batch, CSV upload, feedback to reporters)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.factories import World
from trygg.domain.geo import to_sweref
from trygg.storage.database import Database
from trygg.storage.schema import (
    AuditEntry,
    EstMeeting,
    Organisation,
    Place,
    Report,
    ReportPhoto,
    ShortTermAction,
)

KRONOGARDEN = (12.29, 58.285)  # inside T002 of tests.factories.AREA_BOXES
PNR = "19811218-9876"  # Luhn-valid


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id))) or 0)


def _texts(db: Database) -> list[str]:
    with db.session() as s:
        return [r.description + r.feedback_note for r in s.scalars(select(Report))]


def test_api_report_is_placed_in_its_area_with_sweref_coordinates(api, world: World) -> None:  # type: ignore[no-untyped-def]
    r = api("rapportor").post("/api/v1/reports", json={
        "category": "vandalism", "description": "Krossad busskur", "lon": KRONOGARDEN[0], "lat": KRONOGARDEN[1],
        "insecurity": 4, "people_count": 3, "police_called": False})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["area_id"] == world.area_ids["T002"] and body["area_name"] == "Kronogården"
    assert body["location"]["precision"] == "exact"
    x, y = to_sweref(*KRONOGARDEN)
    assert body["location"]["x"] == pytest.approx(x) and body["location"]["y"] == pytest.approx(y)
    assert 6_460_000 < y < 6_470_000
    assert body["organisation_id"] == world.org_ids["bostad"] and body["source"] == "est"


def test_a_retried_request_with_the_same_idempotency_key_creates_one_report(api, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("rapportor")
    payload = {"category": "littering", "lon": KRONOGARDEN[0], "lat": KRONOGARDEN[1]}
    before = _count(database)
    first = c.post("/api/v1/reports", json=payload, headers={"Idempotency-Key": "abc-123"})
    again = c.post("/api/v1/reports", json=payload, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert _count(database) == before + 1
    other = c.post("/api/v1/reports", json={**payload, "category": "vandalism"}, headers={"Idempotency-Key": "abc-123"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["error"]["details"]
    # another user's identical key is another scope
    assert api("samordnare").post("/api/v1/reports", json=payload,
                                  headers={"Idempotency-Key": "abc-123"}).status_code == 201
    assert _count(database) == before + 2


def test_bad_input_gets_a_message_per_field_in_the_one_error_shape(api) -> None:  # type: ignore[no-untyped-def]
    r = api("rapportor").post("/api/v1/reports", json={"category": "nope", "insecurity": 9, "lon": 12.29,
                                                       "occurred_from": "2999-01-01T00:00:00Z"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_error"
    assert {"category", "insecurity", "location", "occurred_from"} <= set(err["details"])
    typed = api("rapportor").post("/api/v1/reports", json={"category": "vandalism", "lon": "east", "extra": 1})
    assert typed.status_code == 422 and {"lon", "extra"} <= set(typed.json()["error"]["details"])


def test_a_personal_identity_number_never_reaches_the_database(api, database: Database) -> None:  # type: ignore[no-untyped-def]
    before = _count(database)
    r = api("rapportor").post("/api/v1/reports", json={
        "category": "disorder", "description": f"Personen med pnr {PNR} stod där", "lon": KRONOGARDEN[0],
        "lat": KRONOGARDEN[1]}, headers={"Idempotency-Key": "pd-1"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "personal_data"
    assert "19******-****" in err["details"]["description"] and "9876" not in json.dumps(err)
    assert _count(database) == before
    assert not any("9876" in t for t in _texts(database))
    with database.session() as s:
        assert not any("9876" in json.dumps(e.detail or {}) for e in s.scalars(select(AuditEntry)))


def test_a_point_outside_the_municipality_is_refused_unless_the_organisation_allows_it(
        api, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    outside = {"category": "vandalism", "lon": 11.97, "lat": 57.70}
    r = api("rapportor").post("/api/v1/reports", json=outside)
    assert r.status_code == 422 and "Trollhättan" in r.json()["error"]["details"]["location"]
    with database.session() as s:
        s.get(Organisation, world.org_ids["bostad"]).allow_outside = True
    ok = api("rapportor").post("/api/v1/reports", json=outside)
    assert ok.status_code == 201 and ok.json()["outside"] is True and ok.json()["area_id"] is None


def test_a_place_can_be_an_area_a_known_place_and_the_time_a_span(api, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        s.add(Place(name="Resecentrum", lon=12.27, lat=58.285, area_id=world.area_ids["T001"]))
    c = api("rapportor")
    by_area = c.post("/api/v1/reports", json={"category": "unsafe_place", "area": "T003"}).json()
    assert by_area["area_name"] == "Sylte" and by_area["location"]["precision"] == "area_centroid"
    by_place = c.post("/api/v1/reports", json={"category": "disorder", "place": "resecentrum",
                                               "span": "friday_night"}).json()
    assert by_place["area_name"] == "Centrum" and by_place["location"]["precision"] == "address"
    assert by_place["occurred_to"] is not None
    unknown = c.post("/api/v1/reports", json={"category": "disorder", "place": "Ingenstans"})
    assert unknown.status_code == 422 and "place" in unknown.json()["error"]["details"]


def test_csv_and_geojson_exports_honour_the_filters(api, world: World) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    r = c.get("/api/v1/reports.csv?category=vandalism")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows and {row["category"] for row in rows} == {"vandalism"}
    everything = list(csv.DictReader(io.StringIO(c.get("/api/v1/reports.csv").text.lstrip("\ufeff"))))
    assert len(everything) == len(world.report_ids)
    fc = c.get(f"/api/v1/reports.geojson?export=1&area={world.area_ids['T002']}").json()
    assert {f["properties"]["area_id"] for f in fc["features"]} == {world.area_ids["T002"]}
    assert c.get("/api/v1/reports.csv?area_type=9").status_code == 422
    # a reporter's export holds only what the reporter may see
    mine = list(csv.DictReader(io.StringIO(api("rapportor").get("/api/v1/reports.csv").text.lstrip("\ufeff"))))
    assert "sexual_harassment" not in {row["category"] for row in mine}


def test_coordinators_change_status_and_feedback_reporters_may_not(api, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    rid = world.report_ids[0]
    assert api("rapportor").patch(f"/api/v1/reports/{rid}", json={"status": "triaged"}).status_code == 403
    r = api("samordnare").patch(f"/api/v1/reports/{rid}", json={"status": "in_progress",
                                                               "feedback_note": "Väktare beställda"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    bad = api("samordnare").patch(f"/api/v1/reports/{rid}", json={"status": "duplicate"})
    assert bad.status_code == 422 and "duplicate_of" in bad.json()["error"]["details"]
    with database.session() as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type == "report")) == 1


# --------------------------------------------------------------------------- pages


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (3000, 1500), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (58.0, 17.0, 0.0), 3: "E", 4: (12.0, 17.0, 0.0)}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_the_form_files_a_report_with_a_photo_whose_metadata_is_stripped(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor")
    page = c.get("/report")
    assert page.status_code == 200 and 'name="form_key"' in page.text and "personnummer" in page.text
    data = {"category": "vandalism", "lon": str(KRONOGARDEN[0]), "lat": str(KRONOGARDEN[1]), "when": "now",
            "insecurity": "3", "description": "Klotter på väggen", "form_key": "k1"}
    raw = _jpeg_with_gps()
    assert b"PhoneMaker" in raw
    r = c.post("/report", data=data, files={"photos": ("p.jpg", raw, "image/jpeg")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    again = c.post("/report", data=data, follow_redirects=False)  # a double submit
    assert again.headers["location"] == r.headers["location"]
    with database.session() as s:
        photos = list(s.scalars(select(ReportPhoto)))
        assert len(photos) == 1 and photos[0].width == 2048
        assert b"PhoneMaker" not in photos[0].content and b"Exif" not in photos[0].content
        assert Image.open(io.BytesIO(photos[0].content)).getexif() == {}
        assert s.scalar(select(func.count(Report.id)).where(Report.description == "Klotter på väggen")) == 1
    assert "Tack" in c.get(r.headers["location"]).text


def test_the_form_refuses_personal_data_and_does_not_echo_it(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor")
    r = c.post("/report", data={"category": "disorder", "area": "", "place": "", "when": "now",
                                "description": f"Ring mig 070-123 45 67, pnr {PNR}"})
    assert r.status_code == 422
    assert "19******-****" in r.text and "9876" not in r.text and "45 67" not in r.text
    assert "Ange en plats" in r.text or "location" in r.text
    assert not any("9876" in t for t in _texts(database))


def test_a_non_image_upload_is_refused_by_its_content(login) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor")
    r = c.post("/report", data={"category": "vandalism", "area": "T001", "when": "now"},
               files={"photos": ("x.jpg", b"<svg>not an image</svg>", "image/jpeg")})
    assert r.status_code == 422 and "x.jpg" in r.text


def test_the_weekly_batch_keeps_good_rows_and_shows_the_bad_ones(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor")
    assert c.get("/report/batch").status_code == 200
    before = _count(database)
    form = {"r0_category": "vandalism", "r0_area": str(world.area_ids["T001"]), "r0_occurred": "2024-05-03T22:00",
            "r1_category": "littering", "r1_area": str(world.area_ids["T003"]), "r1_insecurity": "2",
            "r2_category": "disorder", "r2_area": "", "r2_description": "saknar plats"}
    r = c.post("/report/batch", data=form)
    assert r.status_code == 422
    assert _count(database) == before + 2
    assert "saknar plats" in r.text and 'class="row-error"' in r.text


def test_a_csv_upload_shows_a_preview_then_saves_and_a_second_upload_adds_nothing(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("rapportor")
    text = ("Kategori;Datum;Tid;Område;Otrygghet;Beskrivning\n"
            "Skadegörelse / klotter;2024-05-03;22.15;T001;4;Krossad ruta\n"
            "littering;2024-05-04;;T003;2;Skräp\n"
            "okänd;2024-05-04;;T003;2;fel kategori\n")
    before = _count(database)
    preview = c.post("/report/batch/upload", files={"file": ("vecka18.csv", text.encode("cp1252"), "text/csv")})
    assert preview.status_code == 200 and _count(database) == before
    assert "okänd" in preview.text and ">4<" in preview.text  # the bad line is listed with its number
    content = preview.text.split('name="content" value="')[1].split('"')[0]
    saved = c.post("/report/batch/upload", data={"content": content, "filename": "vecka18.csv", "confirm": "1"})
    assert saved.status_code == 200 and _count(database) == before + 2
    c.post("/report/batch/upload", data={"content": content, "filename": "vecka18.csv", "confirm": "1"})
    assert _count(database) == before + 2


def test_a_reporters_organisation_sees_status_actions_and_the_coordinators_note(
        login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    rid = world.report_ids[0]  # a report of Eidar (bostad)
    with database.session() as s:
        report = s.get(Report, rid)
        report.status, report.feedback_note = "in_progress", "Belysningen lagas vecka 20"
        meeting = EstMeeting(est_group_id=_group(s), held_on=date(2024, 5, 6))
        s.add(meeting)
        s.flush()
        s.add(ShortTermAction(meeting_id=meeting.id, title="Extra väktarrunda", due=date(2024, 5, 13),
                              owner_organisation_id=world.org_ids["vakt"], report_id=rid))
    page = login("rapportor").get("/report/mine")
    assert page.status_code == 200
    assert "Belysningen lagas vecka 20" in page.text and "Extra väktarrunda" in page.text
    other = login("rapportor2").get("/report/mine").text  # another organisation sees its own reports only
    assert "Belysningen lagas vecka 20" not in other and "Extra väktarrunda" not in other


def _group(s) -> int:  # type: ignore[no-untyped-def]
    from trygg.storage.schema import EstGroup

    g = EstGroup(name="EST Centrum")
    s.add(g)
    s.flush()
    return g.id


def test_reporting_pages_need_a_reporting_role(client, login) -> None:  # type: ignore[no-untyped-def]
    viewer = login("lasare")
    for path in ("/report", "/report/batch", "/report/mine"):
        signed_out = client.get(path, headers={"accept": "text/html"}, follow_redirects=False)
        assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login?next=")
        assert client.get(path).status_code == 401  # no browser: the JSON 401
        assert viewer.get(path).status_code == 403
