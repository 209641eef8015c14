"""Organisations, users and known places from tables: row-numbered errors, all or nothing, audited;
users get one-time links, never passwords; organisations are deactivated, not deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.setup.districts import quadrants, write_geojson
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.setup.organisations import import_organisations, set_active
from trygg.setup.places import import_places
from trygg.setup.user_import import import_users
from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import Place

ORGS = ("namn;kortnamn;typ;utanför\n"
        "Polisen – LPO Vänersborg;Polisen;polis;ja\n"
        "Vänersborgsbostäder AB;Vbg bostäder;bostad;\n")


@pytest.fixture
def vbg(database: Database, tmp_path: Path) -> Database:
    """Vänersborg with its districts and the two organisations of `ORGS`."""
    with database.session() as s:
        init_municipality(s, "1487", admin="admin", admin_password="hemligt-ord")
        import_areas(s, write_geojson(tmp_path / "d.geojson", quadrants("1487")), "district", FieldMap("kod", "namn"))
        assert not import_organisations(s, _file(tmp_path, ORGS, "orgs.csv")).errors
    return database


def _file(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_organisations_are_created_then_updated_and_audited(vbg: Database, tmp_path: Path) -> None:
    with vbg.session() as s:
        police = user_store.get_organisation(s, "Polisen")
        assert (police.kind, police.allow_outside, police.shares_details) == ("police", True, True)
        result = import_organisations(s, _file(tmp_path, ORGS.replace(";bostad;", ";bostad;ja"), "o2.csv"))
        assert (result.created, result.updated) == (0, 1)
        assert "create" in audit.actions(s) and "update" in audit.actions(s)


def test_a_bad_organisation_row_stores_nothing(vbg: Database, tmp_path: Path) -> None:
    text = "namn;typ\nFritid Vänersborg;kommun\nSecuritas;bank\nFritid Vänersborg;kommun\n"
    with vbg.session() as s:
        result = import_organisations(s, _file(tmp_path, text))
    assert result.errors[0].startswith("row 3 (Securitas): kind 'bank' is not one of police, municipality")
    assert result.errors[1] == "row 4 (Fritid Vänersborg): the same name as row 2"
    with vbg.session() as s:
        assert len(user_store.list_organisations(s)) == 3  # the municipality's own and ORGS


def test_users_get_one_time_links_and_never_a_password(vbg: Database, tmp_path: Path) -> None:
    text = ("användarnamn,namn,e-post,roll,organisation\n"
            "anna,Anna Trygghetssamordnare,anna@vanersborg.example,samordnare,Vänersborgs kommun\n"
            "lpo1,Polisanalytiker,,police_analyst,Polisen\n")
    with vbg.session() as s:
        result = import_users(s, _file(tmp_path, text))
    assert result.errors == [] and [u for u, _ in result.links] == ["anna", "lpo1"]
    with vbg.session() as s:
        anna = user_store.get_user_by_name(s, "anna")
        assert anna is not None and anna.role == "coordinator" and anna.email == "anna@vanersborg.example"
        assert anna.password_hash == user_store.NO_PASSWORD
        assert invitations.link_user(s, result.links[0][1]) is not None
    with vbg.session() as s:
        refused = import_users(s, _file(tmp_path, "username,password,role,organisation\nx,hemligt,viewer,Polisen\n",
                                        "pw.csv"))
    assert refused.errors[0].startswith("the file has a password column")


def test_bad_user_rows_are_named_and_nothing_is_stored(vbg: Database, tmp_path: Path) -> None:
    text = ("username,role,organisation,email\n"
            "bo,viewer,Polisen,bo@example.se\n"
            "admin,viewer,Polisen,\n"
            "cy,chef,Polisen,\n"
            "di,viewer,Okänd AB,\n"
            "ed,viewer,Polisen,inte-en-adress\n")
    with vbg.session() as s:
        result = import_users(s, _file(tmp_path, text))
    assert result.errors == [
        "row 3 (admin): a user with this username exists already",
        "row 4 (cy): role 'chef' is not one of admin, coordinator, police_analyst, reporter, viewer, signatory, "
        "kontaktcenter",
        "row 5 (di): no organisation 'Okänd AB'; import organisations first",
        "row 6 (ed): 'inte-en-adress' is not an e-mail address"]
    with vbg.session() as s:
        assert user_store.get_user_by_name(s, "bo") is None


def test_deactivating_an_organisation_deactivates_its_users(vbg: Database, tmp_path: Path) -> None:
    with vbg.session() as s:
        import_users(s, _file(tmp_path, "username,role,organisation\nlpo1,police_analyst,Polisen\n"))
    with vbg.session() as s:
        org, n = set_active(s, "Polisen", False)
        assert n == 1 and not org.active
    with vbg.session() as s:
        user = user_store.get_user_by_name(s, "lpo1")
        assert user is not None and not user.active
        late = import_users(s, _file(tmp_path, "username,role,organisation\nlpo2,viewer,Polisen\n", "u2.csv"))
    assert late.errors == ["row 2 (lpo2): the organisation 'Polisen – LPO Vänersborg' is deactivated"]


def test_places_by_lon_lat_or_sweref_inside_the_municipality(vbg: Database, tmp_path: Path) -> None:
    text = "namn;lon;lat;typ\nTorget;12,3245;58,3807;plats\nHuvudnässkolan;12,315;58,376;lokal\n"
    with vbg.session() as s:
        assert import_places(s, _file(tmp_path, text)).created == 2
        torget = s.scalar(select(Place).where(Place.name == "Torget"))
        assert torget is not None and torget.area_id is not None
    outside = "namn;x;y\nGöteborg C;319500;6400400\nNy plats;342000;6469000\n"
    with vbg.session() as s:
        result = import_places(s, _file(tmp_path, outside, "x.csv"))
    assert len(result.errors) == 1 and result.errors[0].startswith("row 2 (Göteborg C): the point (")
    assert result.errors[0].endswith("lies outside the municipality")
