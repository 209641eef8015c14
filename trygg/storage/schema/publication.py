"""Published public figures: one stored table per month, versioned (``trygg.publication``).

- ``Publication``: one version of one month's public figures. Version 1 is the scheduled
  publication after the month closed and settled; versions 2, 3, … are deliberate
  republications (shown as "reviderad"). The highest version of a month is the one served.
- ``PublicationCell``: a published number of a version: category group × RegSO (``area_id``), or
  the group's municipality total (``area_id`` NULL). ``hidden`` cells are served as NULL; their
  ``count`` stays in the database (never served) so a republication can compare versions.
- ``PublicationCount``: the counts per category × RegSO the version was computed from (never
  served; the public indicator figures of citizen promises are read from them through the gate).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.storage.schema.base import Base, utcnow


class Publication(Base):
    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("year", "month", "version", name="uq_publications_month_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The reports counted: resident reports only once triaged, nothing created after this instant.
    data_until: Mapped[datetime] = mapped_column(default=utcnow)

    cells: Mapped[list[PublicationCell]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class PublicationCell(Base):
    __tablename__ = "publication_cells"
    __table_args__ = (UniqueConstraint("publication_id", "group_code", "area_id",
                                       name="uq_publication_cells_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    group_code: Mapped[str] = mapped_column(String(40))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)  # NULL = total
    count: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class PublicationCount(Base):
    __tablename__ = "publication_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    count: Mapped[int] = mapped_column(Integer)
