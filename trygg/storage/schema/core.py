"""Organisations, users, sessions, API tokens, areas, known places and EST groups."""

from __future__ import annotations

from datetime import datetime

from shapely import Geometry as ShapelyGeometry
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.storage.schema.base import Base, utcnow
from trygg.storage.types import Geometry


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(30))  # trygg.domain.enums.OrgKind
    allow_outside: Mapped[bool] = mapped_column(Boolean, default=False)
    # Categories whose report details this organisation shares with all partners ("*" = all).
    shares_details: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deactivated instead of deleted: its reports keep their organisation, its users cannot sign in.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))  # trygg.domain.enums.Role
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sensitive_clearance: Mapped[bool] = mapped_column(Boolean, default=False)
    signatory_title: Mapped[str | None] = mapped_column(String(100), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="sv")
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)  # invitation, notifications; never shared
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class WebSession(Base):
    """A server-side login session; the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)


#: The organisations taking part in an EST group (housing company, school, police, …).
est_group_members = Table(
    "est_group_members", Base.metadata,
    Column("est_group_id", ForeignKey("est_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class EstGroup(Base):
    """An EST group: meets weekly, owns a set of areas and has member organisations.

    An archived group is hidden from the list of active groups but keeps its meetings and actions."""

    __tablename__ = "est_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    meeting_weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0 = Monday … 6 = Sunday
    meeting_time: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "HH:MM", local time

    members: Mapped[list[Organisation]] = relationship(secondary=est_group_members, order_by=Organisation.name)


class AreaEdition(Base):
    """One edition of a level's boundaries (e.g. "DeSO 2018", "DeSO 2025"): the areas of one import.

    Exactly one edition per level is active: its areas are the ones reports are placed in, the
    lägesbild counts by and lists show. An older edition stays readable (its areas, geometry and
    the survey figures imported for it); ``trygg.setup.area_editions`` makes a new one active.
    """

    __tablename__ = "area_editions"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20), index=True)  # trygg.domain.enums.AreaLevel
    name: Mapped[str] = mapped_column(String(80))
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_file: Mapped[str] = mapped_column(String(300), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (UniqueConstraint("level", "name", name="uq_area_editions_level_name"),)

    imported_by: Mapped[User | None] = relationship()


class Area(Base):
    """An area in the hierarchy municipality → RegSO (district) → DeSO / sub-area.

    Imported areas belong to an edition of their level (`AreaEdition`); a code is unique within its
    edition. The municipality itself, and areas made without an import, have no edition and are
    always current.
    """

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("edition_id", "code", name="uq_areas_edition_id_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("area_editions.id"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # trygg.domain.enums.AreaLevel
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True, index=True)
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    area_type: Mapped[int | None] = mapped_column(Integer, nullable=True)  # SCB områdestyp 1–5
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)  # police "utsatt område"
    police_class: Mapped[str | None] = mapped_column(String(40), nullable=True)
    est_group_id: Mapped[int | None] = mapped_column(ForeignKey("est_groups.id"), nullable=True)
    geom: Mapped[ShapelyGeometry] = mapped_column(Geometry("MULTIPOLYGON", 4326))
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)

    parent: Mapped[Area | None] = relationship(remote_side=[id])
    edition: Mapped[AreaEdition | None] = relationship()


class AreaSuccessor(Base):
    """An area of an older edition and an area of the newer edition that took its place (that edition's
    area whose inside point lies in it): a filter on the old area's id also matches reports placed in
    its successors, so what stores an old area id (plan indicators, focus areas, actions, old links)
    keeps counting the same ground. Exact when the new areas nest in the old ones (unchanged or split)."""

    __tablename__ = "area_successors"
    old_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    new_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)


class Place(Base):
    """A known place name (gazetteer) that reporters can type instead of tapping the map."""

    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("name", name="uq_places_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="place")  # place | address | premises
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
