"""weekly counts: reports per local week × area × category × source, filled from the existing reports

The lägesbild reads its weekly series from ``report_week_counts`` (`trygg.storage.weekly_counts`
keeps it equal to the reports on every write). The upgrade fills it from the reports already
stored, as ``trygg db rebuild-counts`` would.

Revision ID: 0009_weekly_counts
Revises: 0008_trust
"""
from collections import Counter
from datetime import UTC

import numpy as np
import sqlalchemy as sa
from alembic import op

from trygg.domain.weeks import local_week_starts

revision = "0009_weekly_counts"
down_revision = "0008_trust"
branch_labels = None
depends_on = None

BATCH = 100_000


def upgrade() -> None:
    counts = op.create_table(
        "report_week_counts",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "area_id", "category", "source", name=op.f("pk_report_week_counts")),
    )
    reports = sa.table("reports", sa.column("id", sa.Integer()), sa.column("occurred_from", sa.DateTime()),
                       sa.column("area_id", sa.Integer()), sa.column("category", sa.String()),
                       sa.column("source", sa.String()))
    conn = op.get_bind()
    total: Counter[tuple[object, int, str, str]] = Counter()
    last = 0
    while True:
        rows = conn.execute(sa.select(reports.c.id, reports.c.occurred_from, reports.c.area_id, reports.c.category,
                                      reports.c.source).where(reports.c.id > last).order_by(reports.c.id)
                            .limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1][0]
        _ids, times, areas, cats, sources = zip(*rows, strict=True)
        # naive UTC on SQLite; aware (UTC) on PostgreSQL
        utc = np.array([t.replace(tzinfo=None) if t.tzinfo is None else
                        t.astimezone(UTC).replace(tzinfo=None) for t in times], dtype="datetime64[s]")
        weeks = local_week_starts(utc).astype(object)
        total.update(zip(weeks, (int(a) if a else 0 for a in areas), cats, sources, strict=True))
    values = [{"week": k[0], "area_id": k[1], "category": k[2], "source": k[3], "count": n}
              for k, n in sorted(total.items())]
    for start in range(0, len(values), 20_000):
        op.bulk_insert(counts, values[start:start + 20_000])


def downgrade() -> None:
    op.drop_table("report_week_counts")
