"""The settings pages: municipality, districts (preview then store), organisations, places, users in bulk.

Administrators only; an upload is checked and shown before anything is stored; problems answer 422
with every row or feature named; the links of new users are shown once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.setup.districts import quadrants, write_geojson
from trygg.config import Settings
from trygg.setup.init import init_municipality
from trygg.storage import users as user_store
from trygg.storage.areas import get_area
from trygg.storage.database import Database


@pytest.fixture
def vbg_admin(database: Database):  # type: ignore[no-untyped-def]
    """A client signed in as the first administrator of a Vänersborg database set up with `init`."""
    from trygg.web.app import create_app

    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
    app = create_app(Settings(database_url=database.url, secret_key="k", require_totp=False,
                              secure_cookies="false"), database)  # plain http://testserver
    with TestClient(app) as c:
        c.get("/login")
        csrf = c.cookies.get("trygg_csrf") or ""
        r = c.post("/login", data={"username": "admin", "password": "hemligt-ord", "csrf_token": csrf, "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303
        c.headers["X-CSRF-Token"] = c.cookies.get("trygg_csrf") or ""  # renewed at sign-in
        yield c


def _carried(html: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html)}


def test_districts_are_previewed_then_stored(vbg_admin: TestClient, database: Database, tmp_path: Path) -> None:
    page = vbg_admin.get("/admin/municipality")
    assert page.status_code == 200 and "Vänersborg (1487)" in page.text and "<svg" in page.text
    d = quadrants("1487")
    for area, police_class in zip(d, ["utsatt område", "", "", ""], strict=True):
        area["klass"] = police_class
    path = write_geojson(tmp_path / "stadsdelar.geojson", d)
    fields = {"level": "district", "code_field": "kod", "name_field": "namn", "type_field": "typ",
              "population_field": "folk", "class_field": "klass"}
    preview = vbg_admin.post("/admin/districts", data=fields,
                             files={"file": ("stadsdelar.geojson", path.read_bytes(), "application/geo+json")})
    assert preview.status_code == 200 and "svgmap-new" in preview.text
    assert "<code>1487S01</code>" not in vbg_admin.get("/admin/districts").text  # the preview stored nothing
    stored = vbg_admin.post("/admin/districts", data=_carried(preview.text), follow_redirects=False)
    assert stored.status_code == 303
    listed = vbg_admin.get("/admin/districts?lang=en")
    assert "<code>1487S01</code>" in listed.text and "Nordväst" in listed.text
    assert "Fält med polisens klassning" in vbg_admin.get("/admin/districts?lang=sv").text
    with database.session() as s:
        nw = get_area(s, "1487S01")
        assert nw is not None and (nw.police_class, nw.vulnerable) == ("utsatt område", True)


def test_a_bad_districts_file_answers_422_naming_the_feature(vbg_admin: TestClient, tmp_path: Path) -> None:
    d = quadrants("1487")
    d[3]["kod"] = d[0]["kod"]
    path = write_geojson(tmp_path / "d.geojson", d)
    r = vbg_admin.post("/admin/districts", data={"level": "district", "code_field": "kod", "name_field": "namn"},
                       files={"file": ("d.geojson", path.read_bytes(), "application/geo+json")})
    assert r.status_code == 422 and "feature 4 (1487S01): the code is the same as feature 1&#39;s" in r.text
    assert 'name="confirm"' not in r.text


def test_organisations_then_users_with_one_time_links(vbg_admin: TestClient) -> None:
    orgs = "namn;kortnamn;typ\nPolisen – LPO Vänersborg;Polisen;polis\n".encode()
    preview = vbg_admin.post("/admin/organisations", files={"file": ("o.csv", orgs, "text/csv")})
    assert preview.status_code == 200
    done = vbg_admin.post("/admin/organisations", data=_carried(preview.text), follow_redirects=False)
    assert done.status_code == 303
    page = vbg_admin.get("/admin/organisations")
    assert "Polisen – LPO Vänersborg" in page.text
    users = b"username,role,organisation\nlpo1,police_analyst,Polisen\n"
    preview = vbg_admin.post("/admin/users-import", files={"file": ("u.csv", users, "text/csv")})
    created = vbg_admin.post("/admin/users-import", data=_carried(preview.text))
    assert created.status_code == 201 and "/set-password/" in created.text
    bad = vbg_admin.post("/admin/users-import", files={"file": ("u.csv", users, "text/csv")})
    assert bad.status_code == 422 and "row 2 (lpo1): a user with this username exists already" in bad.text
    org_id = re.search(r'/admin/organisations/(\d+)/active" class="inline-form">(?:(?!</form>).)*value="0"',
                       page.text.split("Polisen – LPO")[1], re.S)
    assert org_id is not None
    off = vbg_admin.post(f"/admin/organisations/{org_id.group(1)}/active", data={"active": "0"},
                         follow_redirects=False)
    assert off.status_code == 303


def test_places_and_access(vbg_admin: TestClient, database: Database) -> None:
    rows = b"namn;lon;lat\nTorget;12,3245;58,3807\n"
    preview = vbg_admin.post("/admin/places", files={"file": ("p.csv", rows, "text/csv")})
    assert preview.status_code == 200
    assert vbg_admin.post("/admin/places", data=_carried(preview.text), follow_redirects=False).status_code == 303
    assert "Torget" in vbg_admin.get("/admin/places").text
    with database.session() as s:
        org = user_store.list_organisations(s)[0]
        user_store.create_user(s, "lasare", "lasare-pass", "viewer", org.id)
    with TestClient(vbg_admin.app) as other:
        other.get("/login")
        csrf = other.cookies.get("trygg_csrf") or ""
        other.post("/login", data={"username": "lasare", "password": "lasare-pass", "csrf_token": csrf, "next": "/"})
        for path in ("/admin/municipality", "/admin/districts", "/admin/organisations", "/admin/places",
                     "/admin/users-import"):
            assert other.get(path).status_code == 403, path


def test_the_kontaktcenter_details_are_edited_and_shown_to_residents(vbg_admin: TestClient) -> None:
    bad = vbg_admin.post("/admin/municipality", data={"kontaktcenter_address": "Sundsgatan 29, Vänersborg",
                                                      "kontaktcenter_hours": "8-16"})
    assert bad.status_code == 422 and 'id="kc-hours-error"' in bad.text
    ok = vbg_admin.post("/admin/municipality", data={"kontaktcenter_address": "Sundsgatan 29, Vänersborg",
                                                     "kontaktcenter_hours": "08:00–16:00"}, follow_redirects=False)
    assert ok.status_code == 303
    assert "Sundsgatan 29, Vänersborg" in vbg_admin.get("/kontakt").text
    assert 'value="08:00-16:00"' in vbg_admin.get("/admin/municipality").text


def test_a_new_edition_is_previewed_then_stored_and_the_old_one_stays_readable(vbg_admin: TestClient,
                                                                                database: Database,
                                                                                tmp_path: Path) -> None:
    from tests.setup.test_area_editions import split_nw
    from trygg.storage import areas as area_store
    from trygg.storage.surveys import upsert_survey_result

    fields = {"level": "district", "code_field": "kod", "name_field": "namn"}
    first = write_geojson(tmp_path / "d1.geojson", quadrants("1487"))
    preview = vbg_admin.post("/admin/districts", data=fields,
                             files={"file": ("d1.geojson", first.read_bytes(), "application/geo+json")})
    assert vbg_admin.post("/admin/districts", data=_carried(preview.text), follow_redirects=False).status_code == 303
    with database.session() as s:
        nw = area_store.get_area(s, "1487S01")
        assert nw is not None
        upsert_survey_result(s, nw.id, 2025, "worry_crime", 31.0, "percent", 240)
    second = write_geojson(tmp_path / "d2.geojson", split_nw(quadrants("1487")))
    unnamed = vbg_admin.post("/admin/districts?lang=en", data=fields,
                             files={"file": ("d2.geojson", second.read_bytes(), "application/geo+json")})
    assert unnamed.status_code == 422 and "import the file as a new edition" in unnamed.text
    preview = vbg_admin.post("/admin/districts?lang=en", data={**fields, "edition": "Distrikt 2027", "year": "2027"},
                             files={"file": ("d2.geojson", second.read_bytes(), "application/geo+json")})
    assert preview.status_code == 200, preview.text
    assert "stored as the new edition Distrikt 2027 and made active" in preview.text
    assert "<code>1487S01A</code>" in preview.text
    assert "Store the new edition and place the reports again" in preview.text
    assert "1487S01A" not in vbg_admin.get("/api/v1/areas?level=regso").text  # the preview stored nothing
    stored = vbg_admin.post("/admin/districts", data=_carried(preview.text), follow_redirects=False)
    assert stored.status_code == 303
    page = vbg_admin.get("/admin/districts?lang=en")
    assert "Distrikt 2027" in page.text and "first import" in page.text and "readable, not active" in page.text

    editions = vbg_admin.get("/api/v1/area-editions?level=regso").json()["editions"]
    assert [(e["name"], e["active"], e["areas"], e["year"]) for e in editions] == [
        ("first import", False, 4, None), ("Distrikt 2027", True, 5, 2027)]
    old_id = editions[0]["id"]
    current = {a["code"] for a in vbg_admin.get("/api/v1/areas?level=regso").json()["areas"]}
    assert current == {"1487S01A", "1487S01B", "1487S02", "1487S03", "1487S04"}
    old = vbg_admin.get(f"/api/v1/areas.geojson?level=regso&edition={old_id}").json()
    assert {f["properties"]["code"] for f in old["features"][1:]} == {"1487S01", "1487S02", "1487S03", "1487S04"}
    assert vbg_admin.get("/api/v1/areas?edition=999").status_code == 404
    listing = vbg_admin.get(f"/areas?edition={old_id}&lang=en")
    assert listing.status_code == 200 and "which is no longer active" in listing.text
    old_nw = next(f for f in old["features"][1:] if f["properties"]["code"] == "1487S01")
    area_page = vbg_admin.get(f"/areas/{old_nw['id']}?lang=en")
    assert area_page.status_code == 200 and "This district belongs to the edition first import" in area_page.text
    assert vbg_admin.get("/areas?edition=999").status_code == 404
    half = next(a for a in vbg_admin.get("/api/v1/areas?level=regso").json()["areas"] if a["code"] == "1487S01A")
    half_page = vbg_admin.get(f"/areas/{half['id']}?lang=en").text
    assert "Worried about crime" in half_page and "(Nordväst, edition first import)" in half_page
