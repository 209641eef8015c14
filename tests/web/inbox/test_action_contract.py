"""An action's change has one contract (`web/inbox/forms.ActionChange`): the action page and
`PATCH /api/v1/actions/{id}` answer the same bad input with the same field messages."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import pytest

from tests.factories import World
from trygg.domain.clock import today
from trygg.web.i18n import gettext_for


@pytest.mark.parametrize("bad", [{"status": "finished"}, {"status": "", "note": ""},
                                 {"status": "done", "note": "x" * 4001}])
def test_the_page_and_the_api_give_the_same_field_messages(api, login, world: World,  # type: ignore[no-untyped-def]
                                                           bad: dict[str, str]) -> None:
    action = api("samordnare").post("/api/v1/actions", json={
        "title": "Laga belysningen vid gångtunneln", "owner_organisation": world.org_ids["skola"],
        "due": (today() + timedelta(days=10)).isoformat()})
    assert action.status_code == 201, action.text
    aid = action.json()["id"]
    # The form posts "" for "no new status"; the API leaves the field out.
    body = {k: v for k, v in bad.items() if v != "" or k != "status"}
    r = api("rapportor2").patch(f"/api/v1/actions/{aid}", json=body)
    assert r.status_code == 422, r.text
    fields = r.json()["error"]["details"]
    page = login("rapportor2").post(f"/inbox/actions/{aid}", data=bad)
    assert page.status_code == 422
    sv = gettext_for("sv")
    for field, message in fields.items():
        assert f'id="err-{field}">{escape(sv(message), quote=False)}<' in page.text, (field, message)
    assert api("rapportor2").get(f"/api/v1/actions/{aid}").json()["status"] == "open"
