"""going live: one-time set-password links (invitations and resets); survey name and interval of survey results;
organisations.active, users.email; municipality_details

Revision ID: 0008_golive
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_golive"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
    )
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_links_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("survey_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survey", sa.String(length=80), server_default="", nullable=False))
        batch_op.add_column(sa.Column("lower", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("upper", sa.Float(), nullable=True))
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
    op.create_table(
        "municipality_details",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_municipality_details")),
    )


def downgrade() -> None:
    op.drop_table("municipality_details")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("survey_results", schema=None) as batch_op:
        batch_op.drop_column("upper")
        batch_op.drop_column("lower")
        batch_op.drop_column("survey")
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_links_user_id"))
    op.drop_table("password_links")
