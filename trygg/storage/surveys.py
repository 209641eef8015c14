"""Perceived-safety survey results."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

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
