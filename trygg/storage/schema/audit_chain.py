"""Where the keyed part of the audit chain starts (one row), see `trygg.storage.audit`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class AuditChain(Base):
    """The audit trail's keyed chain: from which entry on every hash is an HMAC, and with which key.

    Entries before ``keyed_from`` (written before the chain was keyed) keep their plain SHA-256
    hashes; the entry ``keyed_from`` itself is the ``chain_keyed`` marker, MAC'd with the key.
    ``key_id`` names the key (an HMAC of a fixed text under it), never the key itself.
    """

    __tablename__ = "audit_chain"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    keyed_from: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
