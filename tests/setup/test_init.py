"""`init_municipality`: municipality, organisation and first administrator; a second set-up is refused."""

from __future__ import annotations

import pytest

from trygg.domain.enums import AreaLevel, Role
from trygg.errors import Conflict
from trygg.setup.init import init_municipality
from trygg.storage import areas as area_store
from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.storage.database import Database


def test_init_creates_municipality_organisation_and_admin(database: Database) -> None:
    with database.session() as s:
        result = init_municipality(s, "Vänersborg", admin="admin", admin_password="hemligt-ord")
    assert result.set_password_token is None and result.organisation_name == "Vänersborgs kommun"
    with database.session() as s:
        muni = area_store.municipality(s)
        assert muni is not None and (muni.code, muni.name, muni.level) == ("1487", "Vänersborg",
                                                                          AreaLevel.MUNICIPALITY)
        assert muni.geom.area > 0.05  # square degrees: the real boundary, not a point
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None and admin.role == Role.ADMIN
        assert admin.organisation.name == "Vänersborgs kommun" and admin.organisation.kind == "municipality"
        assert user_store.verify_password(admin.password_hash, "hemligt-ord")
        assert "municipality_init" in audit.actions(s)


def test_init_without_password_gives_a_one_time_link(database: Database) -> None:
    with database.session() as s:
        result = init_municipality(s, "2580", admin="admin", org_name="Luleå kommun, Trygghet")
    token = result.set_password_token
    assert token
    with database.session() as s:
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None and not user_store.verify_password(admin.password_hash, "")
        assert invitations.link_user(s, token) is not None
        invitations.use_link(s, token, "mitt-eget-ord")
    with database.session() as s:
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None and user_store.verify_password(admin.password_hash, "mitt-eget-ord")
        assert invitations.link_user(s, token) is None  # once only


def test_a_database_with_a_municipality_is_refused(database: Database) -> None:
    with database.session() as s:
        init_municipality(s, "Vänersborg", admin="admin", admin_password="hemligt-ord")
    with pytest.raises(Conflict, match="already set up for Vänersborg"), database.session() as s:
        init_municipality(s, "Luleå", admin="admin2", admin_password="hemligt-ord")
    with database.session() as s:
        assert user_store.get_user_by_name(s, "admin2") is None
