"""Action plans, focus areas, activities, indicators, citizen promises, signatures, EST meetings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.storage.schema.base import Base, utcnow
from trygg.storage.schema.core import Organisation

activity_owners = Table(
    "activity_owners",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)

activity_focus_areas = Table(
    "activity_focus_areas",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("focus_area_id", ForeignKey("focus_areas.id", ondelete="CASCADE"), primary_key=True),
)


class ActionPlan(Base):
    """The yearly åtgärdsplan; a signed plan is frozen, an amendment is a new version."""

    __tablename__ = "action_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # PlanStatus
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id"), nullable=True)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="plan", order_by="FocusArea.number", cascade="all, delete-orphan"
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="plan", order_by="Activity.id", cascade="all, delete-orphan"
    )


class FocusArea(Base):
    __tablename__ = "focus_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    problem: Mapped[str] = mapped_column(Text, default="")
    target_area_types: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    target_area_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    categories: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    plan: Mapped[ActionPlan] = relationship(back_populates="focus_areas")


class Activity(Base):
    """An insats: what is done, by whom, when, serving which focus areas."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # ActivityKind
    responsible_role: Mapped[str] = mapped_column(String(200), default="")
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)

    plan: Mapped[ActionPlan] = relationship(back_populates="activities")
    owners: Mapped[list[Organisation]] = relationship(secondary=activity_owners)
    focus_areas: Mapped[list[FocusArea]] = relationship(secondary=activity_focus_areas)
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )


class CitizenPromise(Base):
    """The medborgarlöfte: a few public commitments of police and municipality."""

    __tablename__ = "citizen_promises"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id"), nullable=True)

    commitments: Mapped[list[PromiseCommitment]] = relationship(
        back_populates="promise", cascade="all, delete-orphan"
    )


class PromiseCommitment(Base):
    __tablename__ = "promise_commitments"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("citizen_promises.id", ondelete="CASCADE"))
    party: Mapped[str] = mapped_column(String(40))  # police | municipality | both
    text: Mapped[str] = mapped_column(Text)

    promise: Mapped[CitizenPromise] = relationship(back_populates="commitments")
    indicators: Mapped[list[Indicator]] = relationship(back_populates="commitment")


class Indicator(Base):
    """A measurable indicator with baseline and target, computed from a data source."""

    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=True, index=True
    )
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("promise_commitments.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[str] = mapped_column(String(20))  # report_category | survey | manual
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    area_types: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    survey_indicator: Mapped[str | None] = mapped_column(String(80), nullable=True)
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(40), default="")

    activity: Mapped[Activity | None] = relationship(back_populates="indicators")
    commitment: Mapped[PromiseCommitment | None] = relationship(back_populates="indicators")


class IndicatorValue(Base):
    """A manually entered figure for an indicator whose source is 'manual'."""

    __tablename__ = "indicator_values"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class ActivityUpdate(Base):
    __tablename__ = "activity_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class SignatoryRole(Base):
    """A role that must sign the plan (in Trollhättan: LPO chief, KSO, city director)."""

    __tablename__ = "signatory_roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    order: Mapped[int] = mapped_column(Integer, default=0)


class Signature(Base):
    __tablename__ = "signatures"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    signatory_role_id: Mapped[int] = mapped_column(ForeignKey("signatory_roles.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)


class EstMeeting(Base):
    __tablename__ = "est_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    est_group_id: Mapped[int] = mapped_column(ForeignKey("est_groups.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShortTermAction(Base):
    """A decision of an EST meeting: a short-term action with an owner and a deadline.

    Its causes are the reports in ``short_term_action_reports`` (``report_id`` is the first of them),
    a place (``place_id``) or a hot-spot / near-repeat cell (``cell``); its history of status
    changes and notes is in ``action_notes`` (`trygg.storage.schema.inbox`). An action created
    outside a meeting (``POST /api/v1/actions`` without ``meeting_id``) has no meeting.
    """

    __tablename__ = "short_term_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("est_meetings.id", ondelete="CASCADE"), index=True,
                                                   nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # ActionStatus
    outcome: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), nullable=True)
    cell: Mapped[str | None] = mapped_column(String(60), nullable=True)  # "x,y" SWEREF 99 TM cell centre
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime | None] = mapped_column(nullable=True, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(nullable=True, default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship(lazy="joined")


class AuditEntry(Base):
    """Append-only, hash-chained audit log (who, when, which object, which action)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60), default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
