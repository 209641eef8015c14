"""scale: durable jobs and schedules, shared rate-limit counters, a shared cache, report indexes

Revision ID: 0008_scale
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_scale"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_DT = sa.DateTime(timezone=True)


REPORT_INDEXES = {
    "ix_reports_occurred_id": ["occurred_from", "id"],
    "ix_reports_status_occurred": ["status", "occurred_from"],
    "ix_reports_source_occurred": ["source", "occurred_from"],
    "ix_reports_category_occurred": ["category", "occurred_from"],
    "ix_reports_organisation_occurred": ["organisation_id", "occurred_from"],
    "ix_reports_routed_to_id": ["routed_to_id"],
    "ix_reports_reporter_id": ["reporter_id"],
    "ix_reports_updated_at": ["updated_at"],
}


def upgrade() -> None:
    for name, columns in REPORT_INDEXES.items():
        op.create_index(name, "reports", columns)
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_after", UTC_DT, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTC_DT, nullable=True),
        sa.Column("worker", sa.String(120), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("output", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("started_at", UTC_DT, nullable=True),
        sa.Column("finished_at", UTC_DT, nullable=True),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    op.create_index("ix_jobs_status_run_after", "jobs", ["status", "run_after"])
    op.create_index("ix_jobs_kind_created_at", "jobs", ["kind", "created_at"])
    op.create_table(
        "job_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("every_s", sa.Integer(), nullable=False),
        sa.Column("next_at", UTC_DT, nullable=False),
        sa.Column("last_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_schedules")),
        sa.UniqueConstraint("name", name=op.f("uq_job_schedules_name")),
    )
    op.create_table(
        "rate_counters",
        sa.Column("bucket", sa.String(64), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "client", "window_start", name=op.f("pk_rate_counters")),
    )
    op.create_index(op.f("ix_rate_counters_expires"), "rate_counters", ["expires"])
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.create_table(
        "shared_cache",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("version", sa.String(120), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shared_cache")),
    )


def downgrade() -> None:
    for name in REPORT_INDEXES:
        op.drop_index(name, table_name="reports")
    op.drop_table("shared_cache")
    op.drop_table("data_versions")
    op.drop_index(op.f("ix_rate_counters_expires"), table_name="rate_counters")
    op.drop_table("rate_counters")
    op.drop_table("job_schedules")
    op.drop_index("ix_jobs_kind_created_at", table_name="jobs")
    op.drop_index("ix_jobs_status_run_after", table_name="jobs")
    op.drop_table("jobs")
