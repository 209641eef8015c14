"""categories as data: the ``categories`` table, seeded with the default taxonomy

The rows are the default taxonomy of `trygg.domain.categories` as it was when this revision was
written (a later change of the defaults reaches new databases through `trygg init`, not this seed).

Revision ID: 0009_categories
Revises: 0008_trust
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_categories"
down_revision = "0008_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from trygg.domain.categories import DEFAULT_TAXONOMY  # the defaults of today, see the module doc
    from trygg.domain.clock import now

    table = op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("sensitivity", sa.String(length=20), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("focus_areas", sa.JSON(), nullable=False),
        sa.Column("police_types", sa.JSON(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("merged_into", sa.String(length=40), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_categories_code")),
    )
    stamp = now()
    op.bulk_insert(table, [
        {"code": c.code, "name_sv": c.name_sv, "name_en": c.name_en, "sensitivity": str(c.sensitivity),
         "public": c.public, "focus_areas": list(c.focus_areas), "police_types": list(c.police_types),
         "retired_on": None, "merged_into": None, "sort_order": c.sort_order, "updated_at": stamp}
        for c in DEFAULT_TAXONOMY.categories])


def downgrade() -> None:
    op.drop_table("categories")
