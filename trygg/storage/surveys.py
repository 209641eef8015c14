"""Perceived-safety survey results."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trygg.storage import versions
from trygg.storage.schema import SurveyResult


def survey_results(session: Session, *, area_id: int | None = None, year: int | None = None,
                   indicator: str | None = None) -> list[SurveyResult]:
    q = select(SurveyResult).order_by(SurveyResult.year, SurveyResult.area_id, SurveyResult.indicator)
    if area_id is not None:
        q = q.where(SurveyResult.area_id == area_id)
    if year is not None:
        q = q.where(SurveyResult.year == year)
    if indicator is not None:
        q = q.where(SurveyResult.indicator == indicator)
    return list(session.scalars(q))


def upsert_survey_result(session: Session, area_id: int, year: int, indicator: str, value: float,
                         scale: str, n: int, normal_value: float | None = None,
                         n_effective: float | None = None) -> SurveyResult:
    """Insert or replace one figure; ``n_effective`` (Kish) for a figure from weighted answers."""
    row = session.scalar(select(SurveyResult).where(
        SurveyResult.area_id == area_id, SurveyResult.year == year, SurveyResult.indicator == indicator))
    if row is None:
        row = SurveyResult(area_id=area_id, year=year, indicator=indicator, value=value, scale=scale,
                           n=n, normal_value=normal_value, n_effective=n_effective)
        session.add(row)
    else:
        row.value, row.scale, row.n, row.normal_value = value, scale, n, normal_value
        row.n_effective = n_effective
    session.flush()
    return row


def replace_survey_years(session: Session, survey: str, years: set[int], rows: list[dict[str, object]]) -> int:
    """Replace every figure of `survey` in `years` by `rows` (dicts of SurveyResult columns); flushed."""
    if years:
        session.execute(delete(SurveyResult).where(SurveyResult.survey == survey, SurveyResult.year.in_(years)))
        versions.mark_changed(session, versions.SURVEYS)
    for row in rows:
        session.add(SurveyResult(survey=survey, **row))
    session.flush()
    return len(rows)


def taken_by_other_surveys(session: Session, survey: str, years: set[int]) -> dict[tuple[int, int, str], str]:
    """(area id, year, indicator) → survey name of figures of other surveys in `years`."""
    rows = session.execute(select(SurveyResult.area_id, SurveyResult.year, SurveyResult.indicator,
                                  SurveyResult.survey)
                           .where(SurveyResult.survey != survey, SurveyResult.year.in_(years)))
    return {(a, y, i): s for a, y, i, s in rows}


def latest_year_results(session: Session, area_ids: list[int] | None = None) -> list[SurveyResult]:
    """The figures of the latest survey year (of the given areas, else all)."""
    q = select(func.max(SurveyResult.year))
    if area_ids:
        q = q.where(SurveyResult.area_id.in_(area_ids))
    year = session.scalar(q)
    if year is None:
        return []
    rows = select(SurveyResult).where(SurveyResult.year == year).order_by(SurveyResult.indicator,
                                                                          SurveyResult.area_id)
    if area_ids:
        rows = rows.where(SurveyResult.area_id.in_(area_ids))
    return list(session.scalars(rows))
