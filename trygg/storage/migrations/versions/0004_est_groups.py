"""EST groups managed in the browser: member organisations, archived flag, usual meeting day and time

Revision ID: 0004
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("est_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("meeting_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_time", sa.String(length=5), nullable=True))
    op.create_table(
        "est_group_members",
        sa.Column("est_group_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["est_group_id"], ["est_groups.id"],
                                name=op.f("fk_est_group_members_est_group_id_est_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_est_group_members_organisation_id_organisations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("est_group_id", "organisation_id", name=op.f("pk_est_group_members")),
    )
    with op.batch_alter_table("est_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_est_group_members_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("est_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_est_group_members_organisation_id"))
    op.drop_table("est_group_members")
    with op.batch_alter_table("est_groups", schema=None) as batch_op:
        batch_op.drop_column("meeting_time")
        batch_op.drop_column("meeting_weekday")
        batch_op.drop_column("archived")
