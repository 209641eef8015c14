"""`trygg plan …`: export the action plan (or its follow-up) as PDF/HTML, evaluate a measure."""

from __future__ import annotations

from pathlib import Path

import typer

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.config import Settings
from trygg.domain import clock
from trygg.errors import NotFound
from trygg.plans import evaluate
from trygg.reports.plan_pdf import followup_html, plan_html, to_pdf
from trygg.storage import areas as area_store
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.web.plans.documents import doc_texts

app = typer.Typer(help="Action plans: documents and effect evaluation.", no_args_is_help=True)


@app.command("export")
def export(year: int = typer.Option(..., "--year", help="The plan year (its newest version is exported)."),
           fmt: str = typer.Option("pdf", "--format", help="pdf or html."),
           lang: str = typer.Option("sv", "--lang", help="sv or en."),
           document: str = typer.Option("plan", "--document", help="plan or followup."),
           output: Path | None = typer.Option(None, "--output", "-o",
                                              help="File to write (default: atgardsplan-YEAR.FORMAT)."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Write the action plan of a year (or its follow-up report) as PDF or HTML.

    Example: trygg plan export --year 2022 --format pdf --lang en -o plan-2022.pdf
    """
    if fmt not in ("pdf", "html") or lang not in ("sv", "en") or document not in ("plan", "followup"):
        raise typer.BadParameter("use --format pdf|html, --lang sv|en and --document plan|followup")
    database = guarded(lambda: open_db(db))

    def run() -> bytes:
        with database.session() as s:
            muni = area_store.municipality(s)
            municipality = muni.name if muni is not None else Settings.from_env().municipality_name
            plan = store.latest_plan(s, year)
            if plan is None:
                raise NotFound(f"There is no action plan for {year}.", hint="List the plans in the web app at /plans.")
            render = plan_html if document == "plan" else followup_html
            html = render(s, plan, doc_texts(lang, municipality, taxonomy(s)), generated=clock.now())
            return to_pdf(html) if fmt == "pdf" else html.encode()

    try:
        data = guarded(run)
    finally:
        database.dispose()
    target = output or Path(f"{'atgardsplan' if document == 'plan' else 'uppfoljning'}-{year}.{fmt}")
    target.write_bytes(data)
    out.print(f"Wrote {target} ({len(data):,} bytes).")


@app.command("evaluate")
def evaluate_cmd(place: str = typer.Option(..., "--place", help="A known place (name or id)."),
                 start: str = typer.Option(..., "--start", help="Start of the measure, YYYY-MM-01."),
                 categories: str = typer.Option(..., "--categories", help="Comma-separated category codes."),
                 radius: float = typer.Option(300.0, "--radius", help="Radius around the place in metres."),
                 comparison: str = typer.Option("", "--comparison", help="Comma-separated comparison places "
                                                "(default: the rest of the municipality)."),
                 lang: str = typer.Option("sv", "--lang", help="sv or en."),
                 db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Estimate the effect of a place-based measure (difference-in-differences); nothing is saved.

    Example: trygg plan evaluate --place Hjulkvarnelund --start 2024-03-01 --categories unsafe_place,vandalism
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        with database.session() as s:
            data = evaluate.parse_input(s, {"place": place, "start": start, "categories": categories.split(","),
                                            "radius_m": radius,
                                            "comparison": [c for c in comparison.split(",") if c.strip()]})
            estimate, _ = evaluate.run(s, data)
            return evaluate.sentences(data, estimate, taxonomy(s))["sv" if lang == "sv" else "en"]

    try:
        out.print(guarded(run))
    finally:
        database.dispose()
