"""The demo publishes its closed months, so the public dashboard is populated from the start."""

from __future__ import annotations

import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.demo.conftest import BuiltDemo
from tests.publication.helpers import latest_due_month
from trygg.config import Settings
from trygg.publication.gate import public_table, published_years
from trygg.publication.groups import GROUPS
from trygg.publication.months import STOCKHOLM, month_key
from trygg.storage.database import Database
from trygg.storage.schema import Publication


def test_every_closed_and_settled_month_of_the_demo_is_published(demo: BuiltDemo) -> None:
    end = datetime.combine(demo.summary.last_day + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
    with demo.db.session() as s:
        pubs = list(s.scalars(select(Publication)))
        assert pubs and all(p.version == 1 and p.published_by_id is None for p in pubs)
        keys = sorted(month_key(p.year, p.month) for p in pubs)
        assert keys[-1] == month_key(*latest_due_month(end))
        assert len(keys) == len(set(keys)) >= 30
        year = published_years(s)[-1]
        shown = [v for g in GROUPS for row in public_table(s, g, year).cells for v in row if v]
        assert len(shown) > 100  # a populated dashboard, not a wall of dashes


def test_the_demo_dashboard_shows_published_numbers(demo_db_file: Path, tmp_path: Path) -> None:
    from trygg.web.app import create_app

    copy = tmp_path / "demo.db"
    shutil.copy(demo_db_file, copy)
    db = Database(str(copy))
    app = create_app(Settings(database_url=str(copy), secret_key="demo-test"), db)
    with TestClient(app) as client:
        page = client.get("/public?group=property")
        assert page.status_code == 200 and "Öppen statistik" in page.text
        table = page.text.split('<table class="public-counts">', 1)[1].split("</table>", 1)[0]
        assert sum(ch.isdigit() for ch in table) > 50
    db.dispose()
