"""Incident reports, their photos, resident contact details, idempotency and surveys."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from shapely import Geometry as ShapelyGeometry
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.storage.schema.base import Base, utcnow
from trygg.storage.schema.core import Area, Organisation
from trygg.storage.types import Geometry


def new_public_id() -> str:
    return uuid.uuid4().hex


class Report(Base):
    """One incident report (händelserapport). Holds no personal data by design."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_reports_source_external_id"),
        Index("ix_reports_occurred_from", "occurred_from"),
        Index("ix_reports_area_category", "area_id", "category"),
        # Keyset paging of lists (newest first) and one index for every list filter (0008_scale).
        Index("ix_reports_occurred_id", "occurred_from", "id"),
        Index("ix_reports_status_occurred", "status", "occurred_from"),
        Index("ix_reports_source_occurred", "source", "occurred_from"),
        Index("ix_reports_category_occurred", "category", "occurred_from"),
        Index("ix_reports_organisation_occurred", "organisation_id", "occurred_from"),
        Index("ix_reports_routed_to_id", "routed_to_id"),
        Index("ix_reports_reporter_id", "reporter_id"),
        Index("ix_reports_updated_at", "updated_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    category: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    x: Mapped[float] = mapped_column(Float)  # SWEREF 99 TM easting, metres
    y: Mapped[float] = mapped_column(Float)  # SWEREF 99 TM northing, metres
    geom: Mapped[ShapelyGeometry | None] = mapped_column(Geometry("POINT", 3006), nullable=True)
    precision: Mapped[str] = mapped_column(String(30))  # trygg.domain.enums.Precision
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    outside: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_from: Mapped[datetime]
    occurred_to: Mapped[datetime | None] = mapped_column(nullable=True)  # set for a span
    insecurity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1–5
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True, index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    people_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    police_called: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="received")
    source: Mapped[str] = mapped_column(String(20))  # trygg.domain.enums.Source
    external_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    routed_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    feedback_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id], lazy="joined")



class ReportWeekCount(Base):
    """How many reports happened in a local week (Monday, Europe/Stockholm) per area × category × source.

    Kept equal to a GROUP BY over `reports` by `trygg.storage.weekly_counts`, in the transaction of
    every report write; ``area_id`` 0 = no area. Rows with a count of 0 are deleted. The lägesbild's
    weekly series are read from here instead of from every report of three years.
    """

    __tablename__ = "report_week_counts"
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class ReportPhoto(Base):
    """A photo, re-encoded server-side with all metadata (EXIF, GPS) removed."""

    __tablename__ = "report_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResidentContact(Base):
    """A resident's optional contact details, kept apart from the report itself."""

    __tablename__ = "resident_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    lang: Mapped[str] = mapped_column(String(5), default="sv", server_default="sv")  # of notifications
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    """The first answer to a request with an Idempotency-Key, replayed on every retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(120))  # e.g. "user:12 POST /api/v1/reports"
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResult(Base):
    """One perceived-safety survey figure: (area, year, indicator, value, scale, n, normal value).

    ``n`` is the number of answers; a figure from weighted answers also has ``n_effective``.
    """

    __tablename__ = "survey_results"
    __table_args__ = (UniqueConstraint("area_id", "year", "indicator", name="uq_survey_area_year_ind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column(Float)
    scale: Mapped[str] = mapped_column(String(20))  # "percent" | "index0-6" | "mean"
    n: Mapped[int] = mapped_column(Integer)
    normal_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Kish effective sample size (sum w)^2 / sum w^2 of a weighted figure; NULL: unweighted, n applies.
    n_effective: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Which survey the figure comes from ("" = the demo's) and its interval as published, in the
    # unit of `value` (None: computed, Wilson's for percentages). Added by `trygg surveys import`.
    survey: Mapped[str] = mapped_column(String(80), default="", server_default="")
    lower: Mapped[float | None] = mapped_column(Float, nullable=True)
    upper: Mapped[float | None] = mapped_column(Float, nullable=True)
