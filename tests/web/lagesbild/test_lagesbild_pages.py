"""The lägesbild pages: dashboard, results fragment, JSON API, exports and area pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.factories import World
from tests.lagesbild.seed import History, seed_history
from trygg.domain.clock import today
from trygg.lagesbild.service import clear_cache
from trygg.storage.database import Database
from trygg.storage.surveys import upsert_survey_result

HTML = {"Accept": "text/html"}


@pytest.fixture
def history(database: Database, world: World) -> History:
    """The seeded world with a report history that ends today (the pages use the real clock)."""
    clear_cache()
    return seed_history(database, world, end=today())


def test_the_dashboard_shows_filters_tables_and_the_map(login, history: History) -> None:  # type: ignore[no-untyped-def]
    r = login("samordnare").get("/lagesbild", headers=HTML)
    assert r.status_code == 200
    for text in ('id="lagesbild-filters"', 'name="area_type"', 'name="category"', 'name="organisation"',
                 'name="source"', 'id="lagesbild-map"', 'id="chart-weekly"', "Trendlarm", "Kronogården",
                 "/lagesbild/export.csv?weeks=1", 'class="heatmap"', "Brännpunkter"):
        assert text in r.text, text
    assert "<script>" not in r.text  # strict CSP: no inline code


def test_the_results_follow_the_filters(login, history: History) -> None:  # type: ignore[no-untyped-def]
    c = login("analytiker")
    everything = c.get("/api/v1/lagesbild?weeks=1").json()
    littering = c.get("/api/v1/lagesbild?weeks=1&category=littering").json()
    assert everything["totals"]["current"] > littering["totals"]["current"] > 0
    assert {x["code"] for x in littering["categories"]} == {"littering"}
    assert everything["layers"]["hotspots"]["features"] and everything["alarms"]
    assert everything["layers"]["hotspots"]["features"][0]["geometry"]["type"] == "Polygon"
    fragment = c.get("/lagesbild/results?weeks=1&category=littering", headers=HTML).text
    assert f'data-total="{littering["totals"]["current"]}"' in fragment and "<html" not in fragment
    en = c.get("/api/v1/lagesbild?weeks=4&lang=en").json()
    assert en["summary"][0].endswith("reports in the period.") and len(en["weeks"]) >= 26


def test_bad_filters_answer_422_with_the_fields(login, history: History) -> None:  # type: ignore[no-untyped-def]
    r = login("samordnare").get("/api/v1/lagesbild?area_type=7&weeks=abc")
    assert r.status_code == 422
    assert set(r.json()["error"]["details"]) >= {"area_type"}


def test_points_and_exports_hold_exactly_what_the_filters_show(login, history: History) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    api = c.get("/api/v1/lagesbild?weeks=2&area_type=1").json()
    points = c.get("/api/v1/lagesbild/points.geojson?weeks=2&area_type=1").json()
    assert points["total"] == api["totals"]["current"] == len(points["features"])
    rows = list(csv.DictReader(io.StringIO(c.get("/lagesbild/export.csv?weeks=2&area_type=1").text.lstrip("\ufeff"))))
    assert len(rows) == api["totals"]["current"]
    assert {r["area_name"] for r in rows} == {"Kronogården"} and "description" not in rows[0]
    gj = c.get("/lagesbild/export.geojson?weeks=2&area_type=1")
    assert gj.headers["content-disposition"].startswith("attachment")
    assert len(gj.json()["features"]) == len(rows)


def test_sensitive_categories_are_left_out_for_users_without_clearance(login, world: World,  # type: ignore[no-untyped-def]
                                                                        history: History) -> None:
    viewer = login("lasare").get("/api/v1/lagesbild?start=2024-04-01&end=2024-06-01").json()
    cleared = login("samordnare").get("/api/v1/lagesbild?start=2024-04-01&end=2024-06-01").json()
    assert "sexual_harassment" in {c["code"] for c in cleared["categories"]}
    assert "sexual_harassment" not in {c["code"] for c in viewer["categories"]}


def test_pages_need_a_partner_login(client, login, history: History) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/lagesbild?weeks=4", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Flagesbild")
    assert client.get("/api/v1/lagesbild").status_code == 401
    assert login("rapportor").get("/api/v1/lagesbild").status_code == 403


def test_the_area_page_shows_profile_trends_hot_spots_and_surveys(login, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                                  history: History) -> None:
    with database.session() as s:
        upsert_survey_result(s, world.area_ids["T002"], 2024, "unsafe_outdoors_evening", 42.0, "percent", 80, 25.5)
        upsert_survey_result(s, world.area_ids["T002"], 2024, "problem_youth_gangs", 2.1, "index0-6", 80, 1.2)
    r = login("samordnare").get(f"/areas/{world.area_ids['T002']}", headers=HTML)
    assert r.status_code == 200
    for text in ("Kronogården", "utsatt område", "Känner sig otrygga ute sent på kvällen", "sämre än normalt",
                 "Brännpunkter", 'id="area-map-data"', "3\xa0000"):
        assert text in r.text, text
    assert "31,8–52,9" in r.text  # Wilson 95 % interval of 42 % of 80 answers
    assert login("samordnare").get("/areas", headers=HTML).status_code == 200
    assert login("samordnare").get(f"/areas/{world.area_ids['muni']}", headers=HTML).status_code == 404


def test_a_custom_period_is_shown_with_its_dates(login, history: History) -> None:  # type: ignore[no-untyped-def]
    end = today() - timedelta(days=today().weekday())
    start = end - timedelta(days=28)
    r = login("samordnare").get(f"/lagesbild?start={start.isoformat()}&end={end.isoformat()}", headers=HTML)
    assert r.status_code == 200 and "Perioden" in r.text


def test_sparse_history_says_too_few_reports_instead_of_a_server_error(login, database: Database,  # type: ignore[no-untyped-def]
                                                                       world: World) -> None:
    """A thinned history (a district and category with reports in a single week, a year before) made the
    trend fit's matrix singular and the page answered 500 "Singular matrix"; it now says why there is no
    trend instead."""
    from datetime import UTC, datetime

    from tests.plans.conftest import add_reports
    from trygg.lagesbild.periods import last_complete_week

    clear_cache()
    last_monday = datetime.combine(last_complete_week(today()).first_day, datetime.min.time(), tzinfo=UTC)
    for area, category, weeks_ago in (("T001", "vandalism", 55), ("T002", "vandalism", 56),
                                      ("T003", "littering", 57), ("T004", "littering", 58)):
        add_reports(database, world, category, area, 2, last_monday - timedelta(weeks=weeks_ago, hours=-30))
        # enough reports in the last week to raise an alarm: against that history there is no baseline
        add_reports(database, world, category, area, 6, last_monday + timedelta(hours=30), step=timedelta(hours=6))
    c = login("samordnare")
    r = c.get("/lagesbild?weeks=4", headers=HTML)
    assert r.status_code == 200, r.text[:300]
    assert 'id="trend-too-few"' in r.text and "För få rapporter för att skatta en trend" in r.text
    api = c.get("/api/v1/lagesbild?weeks=4&lang=en").json()
    assert api["trend_series"]["too_few_reports"] >= 1  # (others alarm: six reports against two a year ago)
