"""The set-password page of a one-time link: works once, checks the password, audited, then login."""

from __future__ import annotations

from fastapi.testclient import TestClient

from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.storage.database import Database


def _link(app) -> str:  # type: ignore[no-untyped-def]
    db: Database = app.state.db
    with db.session() as s:
        org = user_store.list_organisations(s)[0]
        user = user_store.create_user(s, "inbjuden", None, "viewer", org.id)
        return invitations.create_link(s, user)


def test_an_invited_user_sets_a_password_once_and_logs_in(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    token = _link(app)
    page = client.get(f"/set-password/{token}")
    assert page.status_code == 200 and "inbjuden" in page.text
    csrf = client.cookies.get("trygg_csrf")
    short = client.post(f"/set-password/{token}", data={"new_password": "kort", "repeat_password": "kort",
                                                        "csrf_token": csrf})
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    done = client.post(f"/set-password/{token}", data={"new_password": "ett-bra-ord", "repeat_password":
                                                       "ett-bra-ord", "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login?password_set=1"
    assert client.get(f"/set-password/{token}").status_code == 404  # spent
    login = client.post("/login", data={"username": "inbjuden", "password": "ett-bra-ord", "csrf_token": csrf,
                                        "next": "/"}, follow_redirects=False)
    assert login.status_code == 303
    with app.state.db.session() as s:
        assert "password_set_by_link" in audit.actions(s)


def test_an_unknown_link_answers_404_in_english_too(client: TestClient) -> None:
    r = client.get("/set-password/nonsense?lang=en")
    assert r.status_code == 404 and "unknown, used or expired" in r.text
