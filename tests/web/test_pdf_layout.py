"""The PDFs' page layout: no table row is split across two pages, and a table continued on the next
page repeats its header. Checked on WeasyPrint's laid-out pages of the demo's real documents (the
lägesbild of 13 weeks, both plans, their follow-ups, a walk report), captured as the app renders them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from fastapi.testclient import TestClient
from weasyprint.formatting_structure import boxes

from tests.web.crawler import demo_app, sign_in

DOCUMENTS = ("/lagesbild/report.pdf?weeks=13", "/plans/1/export.pdf",
             "/plans/2/export.pdf", "/followup/plans/1/report.pdf", "/fieldwork/walks/6/report.pdf")


def _rows(box: Any, in_header: bool = False) -> Iterator[tuple[Any, bool]]:
    if isinstance(box, boxes.TableRowBox):
        yield box, in_header
    if isinstance(box, boxes.TableRowGroupBox):
        in_header = in_header or bool(box.is_header)
    for child in getattr(box, "children", ()):
        yield from _rows(child, in_header)


def row_layout(document: Any) -> tuple[list[str], int]:
    """(rows found on more than one page, number of table headers repeated on a continued page)."""
    pages_of: dict[int, set[int]] = {}
    text_of: dict[int, str] = {}
    repeated_headers = 0
    for number, page in enumerate(document.pages):
        for row, in_header in _rows(page._page_box):
            element = row.element
            if in_header:
                repeated_headers += 1
                continue
            pages_of.setdefault(id(element), set()).add(number)
            text_of[id(element)] = " ".join("".join(element.itertext()).split())[:80]
    split = [f"{text_of[k]!r} on pages {sorted(p)}" for k, p in pages_of.items() if len(p) > 1]
    return split, repeated_headers


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory, demo_db_file: Path) -> dict[str, Any]:
    """{url: WeasyPrint document} of each PDF the admin downloads from the demo."""
    path = tmp_path_factory.mktemp("pdf") / "demo.db"
    shutil.copy(demo_db_file, path)
    app = demo_app(path)
    rendered: list[Any] = []
    original = weasyprint.HTML.render

    def capture(self: Any, *args: Any, **kwargs: Any) -> Any:
        doc = original(self, *args, **kwargs)
        rendered.append(doc)
        return doc

    out: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(weasyprint.HTML, "render", capture)
        c: TestClient = sign_in(app, "admin")
        for url in DOCUMENTS:
            rendered.clear()
            r = c.get(url)
            assert r.status_code == 200 and r.content.startswith(b"%PDF"), (url, r.status_code)
            assert rendered, f"{url} was not rendered by WeasyPrint in this process"
            out[url] = rendered[-1]
        c.close()
    app.state.db.dispose()
    return out


@pytest.mark.parametrize("url", DOCUMENTS)
def test_no_table_row_is_split_across_pages(documents: dict[str, Any], url: str) -> None:
    split, _headers = row_layout(documents[url])
    assert split == [], f"{url}: rows split across pages:\n" + "\n".join(split)


def test_a_table_continued_on_a_new_page_repeats_its_header(documents: dict[str, Any]) -> None:
    doc = documents["/lagesbild/report.pdf?weeks=13"]
    _split, headers = row_layout(doc)
    tables = sum(1 for page in doc.pages for b, h in _rows(page._page_box) if h)
    assert len(doc.pages) >= 3 and headers == tables
    continued = 0
    for page in doc.pages[1:]:
        first_rows = list(_rows(page._page_box))
        if first_rows and first_rows[0][1]:
            continued += 1
    assert continued >= 1, "no table continues on a new page with its header"
