"""The action plan and follow-up documents: PDF with pages, HTML with the signatures block."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

import pytest

from tests.factories import World
from tests.plans.conftest import PlanWorld, add_signatories, make_plan
from trygg.plans import lifecycle, signing
from trygg.reports.plan_pdf import followup_html, plan_html, to_pdf
from trygg.storage.categories import taxonomy
from trygg.storage.database import Database
from trygg.storage.schema import User
from trygg.web.plans.documents import doc_texts

NOW = datetime(2024, 12, 31, 12, tzinfo=UTC)


@pytest.fixture
def plan_world(database: Database, world: World) -> PlanWorld:
    """Three signatories and a 2024 draft (as in tests/plans)."""
    sig = add_signatories(database, world)
    return PlanWorld(world, *make_plan(database, world), sig)


def page_count(pdf: bytes) -> int:
    """/Type /Page objects, also inside the compressed object streams WeasyPrint writes."""
    n = len(re.findall(rb"/Type\s*/Page\b", pdf))
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            n += len(re.findall(rb"/Type\s*/Page\b", zlib.decompress(m.group(1))))
        except zlib.error:
            continue
    return n


def _signed(database: Database, pw: PlanWorld) -> None:
    with database.session() as s:
        plan = lifecycle.get_plan(s, pw.plan_id)
        lifecycle.transition(s, plan, "consultation", None)
        lifecycle.transition(s, plan, "approved", None, problems=[])
        for uid in pw.signatory_ids.values():
            signing.sign(s, plan, s.get(User, uid))


def test_plan_html_has_the_signatures_block_in_both_languages(database: Database, plan_world: PlanWorld) -> None:
    _signed(database, plan_world)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        sv = plan_html(s, plan, doc_texts("sv", "Trollhättan", taxonomy(s)), generated=NOW)
        en = plan_html(s, plan, doc_texts("en", "Trollhättan", taxonomy(s)), generated=NOW)
    assert '<html lang="sv">' in sv and "<h2>Underskrifter</h2>" in sv and "Klottersanering" in sv
    assert "<h2>Signatures</h2>" in en and "Stadsdirektör" in en and "LPO-chef" in en
    assert en.count('class="signatures"') == 1 and "Not signed" not in en


def test_plan_and_follow_up_pdfs_have_pages(database: Database, plan_world: PlanWorld) -> None:
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        pdf = to_pdf(plan_html(s, plan, doc_texts("sv", "Trollhättan", taxonomy(s)), generated=NOW))
        follow = to_pdf(followup_html(s, plan, doc_texts("en", "Trollhättan", taxonomy(s)), generated=NOW))
    for doc in (pdf, follow):
        assert doc.startswith(b"%PDF") and page_count(doc) >= 1


def test_cli_exports_the_plan_of_a_year(database: Database, plan_world: PlanWorld, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from trygg.cli import app

    target = tmp_path / "plan.html"
    r = CliRunner().invoke(app, ["plan", "export", "--year", "2024", "--format", "html", "--lang", "en",
                                 "-o", str(target), "--db", database.url])
    assert r.exit_code == 0, r.output
    assert "Signatures" in target.read_text()
    missing = CliRunner().invoke(app, ["plan", "export", "--year", "1999", "--db", database.url])
    assert missing.exit_code == 2 and "no action plan for 1999" in missing.output
