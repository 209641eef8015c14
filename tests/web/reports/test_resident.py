"""The public Kontaktcenter form: no login, public categories, contact details apart, receipt,
status page, duplicate hints, rate limit, opening hours with computed holidays."""

from __future__ import annotations

from sqlalchemy import func, select

from trygg.storage.database import Database
from trygg.storage.schema import Report, ResidentContact

SYLTE = (12.27, 58.275)  # inside T003


def _post(client, **fields: str):  # type: ignore[no-untyped-def]
    client.get("/kontakt")
    data = {"category": "littering", "lon": str(SYLTE[0]), "lat": str(SYLTE[1]), "when": "now",
            "description": "Mycket skräp vid lekplatsen", "csrf_token": client.cookies.get("trygg_csrf"), **fields}
    return client.post("/kontakt", data=data, follow_redirects=False)


def test_the_public_form_needs_no_login_and_offers_only_public_categories(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/kontakt")
    assert r.status_code == 200
    assert "Gärdhemsvägen 9" in r.text and "Kontaktcenter" in r.text
    assert 'value="littering"' in r.text and 'value="staff_threat"' not in r.text and 'value="youth"' not in r.text
    assert 'name="form_key"' in r.text


def test_a_resident_gets_a_receipt_with_a_tracking_link_and_contact_details_are_kept_apart(
        client, database: Database) -> None:  # type: ignore[no-untyped-def]
    r = _post(client, contact_name="Anna", contact_email="anna@example.se", form_key="once")
    assert r.status_code == 303
    receipt = client.get(r.headers["location"])
    assert receipt.status_code == 200
    public_id = r.headers["location"].rsplit("/", 1)[1]
    assert f"/kontakt/status/{public_id}" in receipt.text
    status = client.get(f"/kontakt/status/{public_id}")
    assert status.status_code == 200 and "Mottagen" in status.text
    assert "skräp vid lekplatsen" not in status.text  # no free text on the public page
    assert _post(client, form_key="once").headers["location"] == r.headers["location"]  # double submit
    with database.session() as s:
        report = s.scalar(select(Report).where(Report.public_id == public_id))
        assert report.source == "resident" and report.organisation_id is None and report.reporter_id is None
        assert "anna" not in report.description.lower()
        contact = s.scalar(select(ResidentContact).where(ResidentContact.report_id == report.id))
        assert contact.email == "anna@example.se"
        assert s.scalar(select(func.count(Report.id)).where(Report.source == "resident")) == 1


def test_personal_data_in_the_description_is_refused(client, database: Database) -> None:  # type: ignore[no-untyped-def]
    r = _post(client, description="Ring mig på 0701234567")
    assert r.status_code == 422 and "070*****67" in r.text and "0701234567" not in r.text
    with database.session() as s:
        assert s.scalar(select(func.count(Report.id)).where(Report.source == "resident")) == 0


def test_a_category_not_fit_for_the_public_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert _post(client, category="staff_threat").status_code == 422


def test_open_reports_nearby_are_shown_before_submitting(client) -> None:  # type: ignore[no-untyped-def]
    assert _post(client).status_code == 303
    near = client.get(f"/kontakt/nearby?lon={SYLTE[0] + 0.0005}&lat={SYLTE[1]}").json()["reports"]
    assert len(near) == 1 and near[0]["url"].startswith("/kontakt/status/")
    far = client.get("/kontakt/nearby?lon=12.295&lat=58.285").json()["reports"]
    assert far == []


def test_the_public_form_is_rate_limited(client, settings) -> None:  # type: ignore[no-untyped-def]
    statuses = [_post(client, category="").status_code for _ in range(settings.public_rate_limit + 1)]
    assert statuses[:-1] == [422] * settings.public_rate_limit and statuses[-1] == 429


def test_an_unknown_status_page_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/kontakt/status/nope", headers={"accept": "text/html"}).status_code == 404
