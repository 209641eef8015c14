"""area editions: an edition per level of imported boundaries (DeSO 2018 → DeSO 2025); areas belong to one

Every level that has areas gets edition 1, "first import", active, dated by its first
``areas_import`` audit entry when there is one. An area's code is unique within its edition
(it was unique overall), so a new edition can reuse the codes of the old one.

Revision ID: 0009_area_editions
Revises: 0008_trust
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_area_editions"
down_revision = "0008_trust"
branch_labels = None
depends_on = None

FIRST = "first import"


def upgrade() -> None:
    op.create_table(
        "area_editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"],
                                name=op.f("fk_area_editions_imported_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_editions")),
        sa.UniqueConstraint("level", "name", name="uq_area_editions_level_name"),
    )
    with op.batch_alter_table("area_editions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_editions_level"), ["level"], unique=False)
    # SQLite recreates the table here (a unique constraint cannot be dropped otherwise); env.py
    # switches SQLite's foreign-key enforcement off for the migration and checks every key after it.
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edition_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_areas_code", type_="unique")
        batch_op.create_unique_constraint("uq_areas_edition_id_code", ["edition_id", "code"])
        batch_op.create_foreign_key(batch_op.f("fk_areas_edition_id_area_editions"), "area_editions",
                                    ["edition_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_areas_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_areas_edition_id"), ["edition_id"], unique=False)

    op.create_table(
        "area_successors",
        sa.Column("old_area_id", sa.Integer(), nullable=False),
        sa.Column("new_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["old_area_id"], ["areas.id"], name=op.f("fk_area_successors_old_area_id_areas"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["new_area_id"], ["areas.id"], name=op.f("fk_area_successors_new_area_id_areas"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("old_area_id", "new_area_id", name=op.f("pk_area_successors")),
    )
    with op.batch_alter_table("area_successors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_successors_new_area_id"), ["new_area_id"], unique=False)

    conn = op.get_bind()
    editions = sa.table("area_editions", sa.column("id", sa.Integer), sa.column("level", sa.String),
                        sa.column("name", sa.String), sa.column("year", sa.Integer),
                        sa.column("source_file", sa.String), sa.column("imported_at", sa.DateTime(timezone=True)),
                        sa.column("imported_by_id", sa.Integer), sa.column("active", sa.Boolean))
    areas = sa.table("areas", sa.column("level", sa.String), sa.column("edition_id", sa.Integer))
    audit = sa.table("audit_log", sa.column("action", sa.String), sa.column("object_id", sa.String),
                     sa.column("at", sa.DateTime(timezone=True)), sa.column("user_id", sa.Integer))
    users = sa.table("users", sa.column("id", sa.Integer))
    levels = [r[0] for r in conn.execute(sa.select(areas.c.level).where(areas.c.level != "municipality")
                                         .distinct().order_by(areas.c.level))]
    now = datetime.now(UTC)  # noqa: DTZ005 - a migration runs outside the app's clock
    for level in levels:
        first = conn.execute(sa.select(audit.c.at, audit.c.user_id)
                             .where(audit.c.action == "areas_import", audit.c.object_id == level)
                             .order_by(audit.c.at).limit(1)).first()
        at = first[0] if first is not None and first[0] is not None else now
        by = first[1] if first is not None else None
        if by is not None and conn.scalar(sa.select(users.c.id).where(users.c.id == by)) is None:
            by = None
        edition_id = conn.execute(sa.insert(editions).values(
            level=level, name=FIRST, year=None, source_file="", imported_at=at,
            imported_by_id=by, active=True).returning(editions.c.id)).scalar_one()
        conn.execute(sa.update(areas).where(areas.c.level == level).values(edition_id=edition_id))


def downgrade() -> None:
    op.drop_table("area_successors")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_areas_edition_id"))
        batch_op.drop_index(batch_op.f("ix_areas_code"))
        batch_op.drop_constraint(batch_op.f("fk_areas_edition_id_area_editions"), type_="foreignkey")
        batch_op.drop_constraint("uq_areas_edition_id_code", type_="unique")
        batch_op.create_unique_constraint("uq_areas_code", ["code"])
        batch_op.drop_column("edition_id")
    with op.batch_alter_table("area_editions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_editions_level"))
    op.drop_table("area_editions")
