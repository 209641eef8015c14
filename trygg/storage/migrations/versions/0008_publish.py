"""publication: stored, versioned public figures per month (publications, cells, counts)

Revision ID: 0008_publish
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_publish"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"], name="fk_publications_published_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sa.UniqueConstraint("year", "month", "version", name="uq_publications_month_version"),
    )
    op.create_index("ix_publications_year", "publications", ["year"])
    op.create_table(
        "publication_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(length=40), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"], ondelete="CASCADE",
                                name="fk_publication_cells_publication_id_publications"),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name="fk_publication_cells_area_id_areas"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_cells"),
        sa.UniqueConstraint("publication_id", "group_code", "area_id", name="uq_publication_cells_cell"),
    )
    op.create_index("ix_publication_cells_publication_id", "publication_cells", ["publication_id"])
    op.create_table(
        "publication_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"], ondelete="CASCADE",
                                name="fk_publication_counts_publication_id_publications"),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name="fk_publication_counts_area_id_areas"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_counts"),
    )
    op.create_index("ix_publication_counts_publication_id", "publication_counts", ["publication_id"])


def downgrade() -> None:
    op.drop_index("ix_publication_counts_publication_id", table_name="publication_counts")
    op.drop_table("publication_counts")
    op.drop_index("ix_publication_cells_publication_id", table_name="publication_cells")
    op.drop_table("publication_cells")
    op.drop_index("ix_publications_year", table_name="publications")
    op.drop_table("publications")
