"""The lägesbild PDF: made in a background job or directly, with pages, in Swedish and English."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import zlib

import numpy as np
import pytest

from tests.factories import World
from tests.lagesbild.seed import seed_history
from trygg.domain import clock
from trygg.domain.clock import today
from trygg.lagesbild.service import build_lagesbild, clear_cache
from trygg.reports.lagesbild_pdf import PdfTexts, render_lagesbild_pdf
from trygg.storage.database import Database
from trygg.storage.lagesbild import area_profiles
from trygg.storage.reports import ReportFilter
from trygg.web import i18n


def page_count(pdf: bytes) -> int:
    """Pages of a PDF: the /Type /Page objects, also inside compressed object streams."""
    n = len(re.findall(rb"/Type\s*/Page\b", pdf))
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            n += len(re.findall(rb"/Type\s*/Page\b", zlib.decompress(m.group(1))))
        except zlib.error:
            continue
    return n


def pdf_text(pdf: bytes, tmp_path) -> str | None:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def seeded(database: Database, world: World) -> World:
    clear_cache()
    seed_history(database, world, end=today())
    return world


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_report_has_pages_map_charts_and_the_language(database: Database, seeded: World, lang: str,
                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(), today=today())
        areas = area_profiles(s)
    texts = PdfTexts(lang, i18n.gettext_for(lang), lambda v, d: i18n.format_number(v, lang, d),
                     lambda v, d: i18n.format_percent(v, lang, d), lambda v, f: i18n.format_date(v, lang, f),
                     lambda v: i18n.format_datetime(v, lang), lambda c: c, ("M", "T", "W", "T", "F", "S", "S"),
                     "Trollhättan", ("alla",), ("Summary line.",))
    steps: list[str] = []
    pdf = render_lagesbild_pdf(lb, areas, np.array([1.4e6]), np.array([6.46e6]), texts,
                               generated=clock.now(), progress=lambda step, share: steps.append(step))
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 3
    assert steps == ["map", "charts", "typesetting", "done"]
    text = pdf_text(pdf, tmp_path)
    if text is not None:
        assert ("Lägesbild Trollhättan" if lang == "sv" else "Situation picture Trollhättan") in text
        assert "Kronogården" in text


def test_the_pdf_job_reports_progress_and_downloads(login, seeded: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    r = c.post("/lagesbild/pdf-jobs", data={"query": "weeks=2&area_type=1", "lang": "en"})
    assert r.status_code == 202
    status_url = r.json()["status_url"]
    deadline = time.monotonic() + 60
    while True:
        st = c.get(status_url).json()
        assert st["state"] in ("queued", "running", "done")
        if st["state"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert st["state"] == "done" and st["progress"] == 1.0 and st["message"] == "The PDF is ready"
    pdf = c.get(st["download_url"])
    assert pdf.headers["content-type"] == "application/pdf" and page_count(pdf.content) >= 3
    assert pdf.headers["content-disposition"].startswith('attachment; filename="lagesbild-')
    # another user cannot read the job
    assert login("analytiker").get(status_url).status_code == 404


def test_the_pdf_link_works_without_javascript(login, seeded: World) -> None:  # type: ignore[no-untyped-def]
    r = login("analytiker").get("/lagesbild/report.pdf?weeks=1")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and page_count(r.content) >= 3
    assert login("rapportor").post("/lagesbild/pdf-jobs", data={"query": ""}).status_code == 403


def test_the_report_carries_the_survey_figures_with_their_intervals(database: Database, seeded: World,
                                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    from trygg.lagesbild.surveys import pool
    from trygg.storage.schema import SurveyResult

    figures = pool([SurveyResult(area_id=1, year=2025, indicator="Otrygg utomhus", value=30.0, scale="percent",
                                 n=400, survey="Trygghetsmätning", lower=None, upper=None)])
    with database.session() as s:
        lb = build_lagesbild(s, ReportFilter(), today=today())
        areas = area_profiles(s)
    texts = PdfTexts("sv", i18n.gettext_for("sv"), lambda v, d: i18n.format_number(v, "sv", d),
                     lambda v, d: i18n.format_percent(v, "sv", d), lambda v, f: i18n.format_date(v, "sv", f),
                     lambda v: i18n.format_datetime(v, "sv"), lambda c: c, ("M", "T", "O", "T", "F", "L", "S"),
                     "Trollhättan", ("alla",), ("Summary line.",))
    pdf = render_lagesbild_pdf(lb, areas, np.array([1.4e6]), np.array([6.46e6]), texts, generated=clock.now(),
                               surveys=figures)
    text = pdf_text(pdf, tmp_path)
    if text is None:
        pytest.skip("needs pdftotext")
    flat = " ".join(text.split())
    assert "Upplevd trygghet (enkät)" in flat
    assert "Otrygg utomhus" in flat and "25,7–34,7 %" in flat.replace("\u00a0", " ")
