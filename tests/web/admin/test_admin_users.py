"""The administration's user page sets a user's signatory title: a choice of the configured
signatory roles or none, checked on the server, audited old → new; the user then signs the plan."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import World
from tests.plans.conftest import SIGNATORIES, add_signatories, make_plan
from trygg.cli import app as cli_app
from trygg.plans import lifecycle, signing
from trygg.storage import audit
from trygg.storage import plans as plan_store
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, User

HTML = {"accept": "text/html"}


def _form(database: Database, username: str, **values: Any) -> dict[str, Any]:
    """The user page's form as the browser sends it: the user's current values, some changed."""
    with database.session() as s:
        u = s.scalar(select(User).where(User.username == username))
        assert u is not None
        form: dict[str, Any] = {"role": u.role, "organisation_id": str(u.organisation_id),
                                "display_name": u.display_name, "signatory_title": u.signatory_title or ""}
        if u.active:
            form["active"] = "true"
    form.update(values)
    return form


def _title(database: Database, username: str) -> str | None:
    with database.session() as s:
        return s.scalar(select(User.signatory_title).where(User.username == username))


def _title_changes(database: Database, user_id: int) -> list[Any]:
    with database.session() as s:
        entries = audit.search(s, audit.AuditQuery(action="update", object_type="user", object_id=str(user_id)))
        return [(e.user_id, (e.detail or {}).get("signatory_title")) for e in reversed(entries)]


def test_an_administrator_sets_and_clears_a_signatory_title(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    add_signatories(database, world)
    admin = login("admin")
    uid, admin_id = world.user_ids["signatar"], world.user_ids["admin"]
    page = admin.get(f"/admin/users/{uid}")
    assert page.status_code == 200 and "Undertecknartitel" in page.text
    assert all(f'<option value="{t}" >' in page.text for t in SIGNATORIES.values()), "every configured role"
    r = admin.post(f"/admin/users/{uid}", data=_form(database, "signatar", signatory_title="KSO"),
                   follow_redirects=False)
    assert r.status_code == 303 and _title(database, "signatar") == "KSO"
    assert '<option value="KSO" selected>' in admin.get(f"/admin/users/{uid}").text
    row = re.search(r"<code>signatar</code>.*?</tr>", admin.get("/admin/users").text, re.S)
    assert row is not None and "<td>KSO</td>" in row.group(0), "the list shows the title"
    r = admin.post(f"/admin/users/{uid}", data=_form(database, "signatar", signatory_title=""),
                   follow_redirects=False)
    assert r.status_code == 303 and _title(database, "signatar") is None
    assert _title_changes(database, uid) == [(admin_id, {"from": None, "to": "KSO"}),
                                             (admin_id, {"from": "KSO", "to": None})]


def test_a_form_without_the_field_or_unchanged_keeps_the_title_and_logs_nothing(login, database: Database,  # type: ignore[no-untyped-def]
                                                                                world: World) -> None:
    ids = add_signatories(database, world)
    admin = login("admin")
    form = _form(database, "kso")
    del form["signatory_title"]
    assert admin.post(f"/admin/users/{ids['kso']}", data=form, follow_redirects=False).status_code == 303
    assert admin.post(f"/admin/users/{ids['kso']}", data=_form(database, "kso"),
                      follow_redirects=False).status_code == 303
    assert _title(database, "kso") == "KSO" and _title_changes(database, ids["kso"]) == []


def test_bad_titles_are_refused_with_a_field_error(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = add_signatories(database, world)
    admin = login("admin")
    uid = world.user_ids["signatar"]
    r = admin.post(f"/admin/users/{uid}", data=_form(database, "signatar", signatory_title="Kung"))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_error" and set(err["details"]) == {"signatory_title"}
    page = admin.post(f"/admin/users/{uid}", data=_form(database, "signatar", signatory_title="Kung",
                                                        display_name="Nytt namn"), headers=HTML)
    assert page.status_code == 422
    assert 'class="field-error"' in page.text and "Välj en av undertecknarrollerna, eller ingen." in page.text
    assert 'aria-invalid="true"' in page.text and 'value="Nytt namn"' in page.text, "the form keeps what was typed"
    # a title only for the role signatory: a viewer with a title, or a signatory made viewer keeping one
    lasare = world.user_ids["lasare"]
    r = admin.post(f"/admin/users/{lasare}", data=_form(database, "lasare", signatory_title="KSO"), headers=HTML)
    assert r.status_code == 422 and "Bara användare med rollen undertecknare undertecknar" in r.text
    r = admin.post(f"/admin/users/{ids['kso']}", data=_form(database, "kso", role="viewer"))
    assert r.status_code == 422 and "signatory_title" in r.json()["error"]["details"]
    with database.session() as s:
        assert s.get(User, ids["kso"]).role == "signatory"  # type: ignore[union-attr]
    assert _title(database, "signatar") is None and _title(database, "lasare") is None
    assert _title_changes(database, uid) == [] and _title_changes(database, lasare) == []


def test_a_title_whose_role_was_removed_is_shown_and_kept(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = add_signatories(database, world)
    with database.session() as s:
        role = plan_store.signatory_role_by_title(s, "KSO")
        assert role is not None
        signing.delete_role(s, role.id, None)
    admin = login("admin")
    page = admin.get(f"/admin/users/{ids['kso']}").text
    assert "KSO (inte längre en undertecknarroll)" in page
    r = admin.post(f"/admin/users/{ids['kso']}", data=_form(database, "kso", display_name="KSO Ny"),
                   follow_redirects=False)
    assert r.status_code == 303 and _title(database, "kso") == "KSO"


def test_only_administrators_set_titles(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    add_signatories(database, world)
    uid = world.user_ids["signatar"]
    for username in ("samordnare", "signatar"):
        c = login(username)
        assert c.get(f"/admin/users/{uid}").status_code == 403
        r = c.post(f"/admin/users/{uid}", data=_form(database, "signatar", signatory_title="KSO"))
        assert r.status_code == 403
    assert _title(database, "signatar") is None


def test_a_user_given_a_title_signs_the_plan_for_that_role(login, api, database: Database,  # type: ignore[no-untyped-def]
                                                           world: World) -> None:
    add_signatories(database, world)
    with database.session() as s:  # the demo's LPO chief leaves; "signatar" takes over the role
        lpo = s.scalar(select(User).where(User.username == "lpo"))
        assert lpo is not None
        lpo.signatory_title = None
    plan_id, *_ = make_plan(database, world)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_id)
        lifecycle.transition(s, plan, "consultation", None)
        lifecycle.transition(s, plan, "approved", None, problems=[])
    signer = api("signatar")
    assert signer.post(f"/plans/{plan_id}/sign").status_code == 403, "no title: may not sign yet"
    admin = login("admin")
    r = admin.post(f"/admin/users/{world.user_ids['signatar']}", data=_form(database, "signatar",
                                                                             signatory_title="LPO-chef"),
                   follow_redirects=False)
    assert r.status_code == 303
    assert signer.post(f"/plans/{plan_id}/sign", follow_redirects=False).status_code == 303
    with database.session() as s:
        lines = signing.signature_lines(s, lifecycle.get_plan(s, plan_id))
        signed = {ln.role.title: ln.user.username for ln in lines if ln.user is not None}
        assert signed == {"LPO-chef": "signatar"}
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "sign")) is not None


def test_the_cli_sets_and_clears_a_title(database: Database, world: World) -> None:
    add_signatories(database, world)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["users", "set-title", "signatar", "KSO", "--db", database.url])
    assert r.exit_code == 0, r.output
    assert _title(database, "signatar") == "KSO"
    r = runner.invoke(cli_app, ["users", "set-title", "signatar", "Kung", "--db", database.url])
    assert r.exit_code != 0 and "not a signatory role" in r.output
    r = runner.invoke(cli_app, ["users", "set-title", "signatar", "--db", database.url])
    assert r.exit_code != 0 and "--none" in r.output
    r = runner.invoke(cli_app, ["users", "set-title", "signatar", "--none", "--db", database.url])
    assert r.exit_code == 0 and _title(database, "signatar") is None
    assert _title_changes(database, world.user_ids["signatar"]) == [(None, {"from": None, "to": "KSO"}),
                                                                     (None, {"from": "KSO", "to": None})]
    r = runner.invoke(cli_app, ["users", "add", "ny-kso", "--role", "signatory", "--org", str(world.org_ids["kommun"]),
                                "--password", "long-enough-1", "--signatory-title", "KSO", "--db", database.url])
    assert r.exit_code == 0, r.output
    assert _title(database, "ny-kso") == "KSO"
    r = runner.invoke(cli_app, ["users", "add", "ny-las", "--role", "viewer", "--org", str(world.org_ids["kommun"]),
                                "--password", "long-enough-1", "--signatory-title", "KSO", "--db", database.url])
    assert r.exit_code != 0 and _title(database, "ny-las") is None
    assert "KSO" in runner.invoke(cli_app, ["users", "list", "--db", database.url]).output
