"""Tables the plan follow-up adds: the status history of plans and saved effect evaluations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class PlanStatusChange(Base):
    """One step of a plan's lifecycle (draft → consultation → … → evaluated): who, when, why."""

    __tablename__ = "plan_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class EffectEvaluation(Base):
    """A saved before/after evaluation of a place-based measure against comparison areas."""

    __tablename__ = "effect_evaluations"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), nullable=True, index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    place_name: Mapped[str] = mapped_column(String(200), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    start: Mapped[date] = mapped_column(Date)
    categories: Mapped[list[str]] = mapped_column(JSON)
    comparison: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    months_before: Mapped[int] = mapped_column(Integer, default=24)
    months_after: Mapped[int] = mapped_column(Integer, default=24)
    seed: Mapped[int] = mapped_column(Integer, default=1)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
