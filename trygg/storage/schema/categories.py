"""The category taxonomy as data (`trygg.domain.categories` describes it; `trygg.storage.categories` reads
and writes it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class CategoryRow(Base):
    """One category of reports. Never deleted: a category is retired or merged into another, and the
    reports keep their stored code (``reports.category``)."""

    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    sensitivity: Mapped[str] = mapped_column(String(20), default="normal")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    focus_areas: Mapped[list[int]] = mapped_column(JSON, default=list)
    police_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    retired_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    merged_into: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
