"""analysis: survey figures may carry the Kish effective sample size of their weighted answers

Revision ID: 0008_analysis
Revises: 0008_loop
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_analysis"
down_revision = "0008_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("n_effective", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_results", schema=None) as batch_op:
        batch_op.drop_column("n_effective")
