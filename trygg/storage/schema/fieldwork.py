"""Field work: safety walks and their observations, night-walker shifts, neighbourhood watch,
licensed premises and inspections, certified gyms and information meetings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shapely import Geometry as ShapelyGeometry
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.storage.schema.base import Base, utcnow
from trygg.storage.schema.core import Area, Organisation
from trygg.storage.types import Geometry

walk_organisations = Table(
    "walk_organisations",
    Base.metadata,
    Column("walk_id", ForeignKey("walks.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)


class SafetyWalk(Base):
    """A planned safety walk (trygghetsrond/trygghetsvandring) along a route in an area."""

    __tablename__ = "walks"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    route: Mapped[ShapelyGeometry | None] = mapped_column(Geometry("LINESTRING", 4326), nullable=True)
    planned_for: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | walking | done
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    resident_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)  # item codes
    notes: Mapped[str] = mapped_column(Text, default="")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(nullable=True)

    area: Mapped[Area | None] = relationship(lazy="joined")
    organiser: Mapped[Organisation] = relationship(lazy="joined")
    organisations: Mapped[list[Organisation]] = relationship(secondary=walk_organisations)
    observations: Mapped[list[WalkObservation]] = relationship(
        back_populates="walk", order_by="WalkObservation.id", cascade="all, delete-orphan")


class WalkObservation(Base):
    """One geotagged finding on a walk, routed to the responsible department and followed to resolved."""

    __tablename__ = "walk_observations"
    __table_args__ = (UniqueConstraint("walk_id", "client_key", name="uq_walk_observations_client_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    client_key: Mapped[str] = mapped_column(String(80))  # the device's Idempotency-Key
    item: Mapped[str] = mapped_column(String(30))  # checklist item code
    note: Mapped[str] = mapped_column(Text, default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    observed_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    routed_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | in_progress | resolved
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    walk: Mapped[SafetyWalk] = relationship(back_populates="observations")
    routed_to: Mapped[Organisation | None] = relationship(lazy="joined")
    photos: Mapped[list[ObservationPhoto]] = relationship(
        back_populates="observation", order_by="ObservationPhoto.id", cascade="all, delete-orphan")
    updates: Mapped[list[ObservationUpdate]] = relationship(
        order_by="ObservationUpdate.id", cascade="all, delete-orphan")


class ObservationPhoto(Base):
    """A photo of an observation, re-encoded without metadata before it is stored."""

    __tablename__ = "walk_observation_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("walk_observations.id", ondelete="CASCADE"), index=True)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    observation: Mapped[WalkObservation] = relationship(back_populates="photos")


class ObservationUpdate(Base):
    """A status change with a note: the feedback the walk's participants see."""

    __tablename__ = "walk_observation_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("walk_observations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class ChecklistRoute(Base):
    """Which organisation takes a checklist item's findings (e.g. lighting → the street department)."""

    __tablename__ = "walk_checklist_routes"
    item: Mapped[str] = mapped_column(String(30), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")


night_shift_reports = Table(
    "night_shift_reports",
    Base.metadata,
    Column("shift_id", ForeignKey("night_shifts.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
)


class NightShift(Base):
    """A shift of volunteer night walkers (trygghetsvandrare/nattvandrare)."""

    __tablename__ = "night_shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    walkers: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")


class WatchArea(Base):
    """A neighbourhood-watch area (grannsamverkan)."""

    __tablename__ = "watch_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    geom: Mapped[ShapelyGeometry] = mapped_column(Geometry("POLYGON", 4326))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    households: Mapped[int] = mapped_column(Integer)
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    police_contact: Mapped[str] = mapped_column(String(200), default="")
    signed_up_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | paused | ended
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")


class Premises(Base):
    """A licensed premises (serveringsställe) in the alcohol licence registry."""

    __tablename__ = "premises"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    licence_type: Mapped[str] = mapped_column(String(30))  # public | private_parties | catering | temporary
    opens_at: Mapped[str] = mapped_column(String(5), default="11:00")  # serving hours, local "HH:MM"
    closes_at: Mapped[str] = mapped_column(String(5), default="01:00")
    kmk_status: Mapped[str] = mapped_column(String(20), default="none")  # Krogar mot knark
    ras_status: Mapped[str] = mapped_column(String(20), default="none")  # responsible alcohol service
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")
    inspections: Mapped[list[Inspection]] = relationship(
        back_populates="premises", order_by="Inspection.inspected_on.desc()", cascade="all, delete-orphan")


class Inspection(Base):
    """One inspection (krogtillsyn) of a premises with its checklist, findings and follow-up."""

    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id", ondelete="CASCADE"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    joint: Mapped[bool] = mapped_column(Boolean, default=False)  # police and municipality together
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item → ok | remark | na
    findings: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(String(20), default="none")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    premises: Mapped[Premises] = relationship(back_populates="inspections")


class Gym(Base):
    """A gym in the anti-doping work ("100 % Ren Hårdträning")."""

    __tablename__ = "gyms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="none")  # none | in_progress | certified
    certified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")


class InfoMeeting(Base):
    """A public information meeting (ANDTS and others), planned or held."""

    __tablename__ = "info_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(20), default="andts")  # andts | safety | watch | other
    planned_for: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | held | cancelled
    venue: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    attendance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")
