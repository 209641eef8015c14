"""trust: the keyed audit chain — from which entry on the hashes are HMACs, and the key's id

The table starts empty: the first audit entry written after this upgrade (or ``trygg audit
anchor``) writes a ``chain_keyed`` marker entry and records its id here. Entries before it keep
their plain SHA-256 hashes and are still verified as before.

Revision ID: 0008_trust
Revises: 0008_analysis
"""
import sqlalchemy as sa
from alembic import op

import trygg.storage.types

revision = "0008_trust"
down_revision = "0008_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyed_from", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("started_at", trygg.storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )


def downgrade() -> None:
    op.drop_table("audit_chain")
