"""plans: status history of action plans and saved effect evaluations

Revision ID: 0005
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], ondelete="CASCADE",
                                name=op.f("fk_plan_status_changes_plan_id_action_plans")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plan_status_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_status_changes")),
    )
    with op.batch_alter_table("plan_status_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_status_changes_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "effect_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=True),
        sa.Column("months_before", sa.Integer(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], ondelete="CASCADE",
                                name=op.f("fk_effect_evaluations_plan_id_action_plans")),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="SET NULL",
                                name=op.f("fk_effect_evaluations_activity_id_activities")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_effect_evaluations_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_effect_evaluations")),
    )
    with op.batch_alter_table("effect_evaluations") as batch_op:
        batch_op.create_index(batch_op.f("ix_effect_evaluations_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_effect_evaluations_activity_id"), ["activity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("effect_evaluations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_effect_evaluations_activity_id"))
        batch_op.drop_index(batch_op.f("ix_effect_evaluations_plan_id"))
    op.drop_table("effect_evaluations")
    with op.batch_alter_table("plan_status_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_status_changes_plan_id"))
    op.drop_table("plan_status_changes")
