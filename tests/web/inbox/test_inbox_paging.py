"""The inbox pages: a coordinator's inbox over every organisation of the demo holds hundreds of items,
shown 50 a page, with a filter by kind; the counts are over all pages, and paging neither loses nor repeats
an item."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.crawler import demo_app, sign_in
from trygg.web.inbox.pages import PAGE_SIZE

HTML = {"Accept": "text/html"}
ROW = re.compile(r'<tr class="[^"]*" data-kind="(\w+)" data-id="(\d+)">')


@pytest.fixture(scope="module")
def coordinator(tmp_path_factory: pytest.TempPathFactory, demo_db_file: Path) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("inbox") / "demo.db"
    shutil.copy(demo_db_file, path)
    app = demo_app(path)
    with sign_in(app, "samordnare") as c:
        yield c
    app.state.db.dispose()


def rows_of(c: Any, query: str) -> tuple[list[tuple[str, int]], str]:
    r = c.get(f"/inbox?{query}", headers=HTML)
    assert r.status_code == 200, r.text[:300]
    return [(k, int(i)) for k, i in ROW.findall(r.text)], r.text


def test_every_item_is_on_exactly_one_page_in_the_order_of_the_api(coordinator: Any) -> None:
    everything = coordinator.get("/api/v1/inbox").json()
    expected = [(i["kind"], i["id"]) for i in everything["items"]]
    assert len(expected) > 2 * PAGE_SIZE, "the demo coordinator's inbox should span several pages"
    seen: list[tuple[str, int]] = []
    page = 1
    while True:
        rows, text = rows_of(coordinator, f"page={page}")
        assert 0 < len(rows) <= PAGE_SIZE
        assert f'id="kpi-open">{everything["counts"]["open"]}<' in text.replace("\u00a0", "")
        seen += rows
        if 'rel="next"' not in text:
            break
        page += 1
    assert seen == expected
    assert f"Sida {page} av {page}" in text
    # a page past the end shows the last page; a bad page number the first
    assert rows_of(coordinator, f"page={page + 5}")[0] == rows_of(coordinator, f"page={page}")[0]
    assert rows_of(coordinator, "page=x")[0] == expected[:PAGE_SIZE]


def test_the_kind_filter_shows_one_kind_and_keeps_it_while_paging(coordinator: Any) -> None:
    everything = coordinator.get("/api/v1/inbox").json()["items"]
    for kind in ("action", "activity", "case", "feedback"):
        rows, text = rows_of(coordinator, f"kind={kind}")
        wanted = [(i["kind"], i["id"]) for i in everything if i["kind"] == kind]
        assert rows == wanted[:PAGE_SIZE]
        assert f'<option value="{kind}" selected>' in text
        if len(wanted) > PAGE_SIZE:
            assert f'href="/inbox?kind={kind}&amp;page=2"' in text
    rows, _ = rows_of(coordinator, "kind=nonsense")
    assert len(rows) == min(PAGE_SIZE, len(everything))


def test_the_api_pages_with_limit_and_offset(coordinator: Any) -> None:
    whole = coordinator.get("/api/v1/inbox").json()
    part = coordinator.get("/api/v1/inbox?limit=10&offset=20").json()
    assert part["total"] == whole["total"] == len(whole["items"])
    assert part["items"] == whole["items"][20:30] and part["counts"] == whole["counts"]
    bad = coordinator.get("/api/v1/inbox?limit=0")
    assert bad.status_code == 422 and "limit" in bad.text
