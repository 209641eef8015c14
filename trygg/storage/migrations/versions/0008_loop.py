"""inbox and notifications: causes and note history of actions, meeting attendees and minutes, the e-mail outbox

Revision ID: 0008_loop
Revises: 0008_golive
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_loop"
down_revision = "0008_golive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("short_term_actions", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cell", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_short_term_actions_place_id_places"), "places", ["place_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_short_term_actions_created_by_users"), "users", ["created_by"], ["id"])
    with op.batch_alter_table("resident_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=5), server_default="sv", nullable=False))
    op.create_table(
        "short_term_action_reports",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["short_term_actions.id"],
                                name=op.f("fk_short_term_action_reports_action_id_short_term_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"],
                                name=op.f("fk_short_term_action_reports_report_id_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "report_id", name=op.f("pk_short_term_action_reports")),
    )
    op.create_index(op.f("ix_short_term_action_reports_report_id"), "short_term_action_reports", ["report_id"])
    op.execute("INSERT INTO short_term_action_reports (action_id, report_id) "
               "SELECT id, report_id FROM short_term_actions WHERE report_id IS NOT NULL")
    op.create_table(
        "est_meeting_attendees",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["est_meetings.id"],
                                name=op.f("fk_est_meeting_attendees_meeting_id_est_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_est_meeting_attendees_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "organisation_id", name=op.f("pk_est_meeting_attendees")),
    )
    op.create_table(
        "action_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["short_term_actions.id"],
                                name=op.f("fk_action_notes_action_id_short_term_actions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_action_notes_user_id_users")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_action_notes_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_notes")),
    )
    op.create_index(op.f("ix_action_notes_action_id"), "action_notes", ["action_id"])
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["est_meetings.id"],
                                name=op.f("fk_meeting_minutes_meeting_id_est_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_meeting_minutes_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_minutes")),
    )
    op.create_index(op.f("ix_meeting_minutes_meeting_id"), "meeting_minutes", ["meeting_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("minutes_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_notifications_report_id_reports"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["short_term_actions.id"],
                                name=op.f("fk_notifications_action_id_short_term_actions"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["minutes_id"], ["meeting_minutes.id"],
                                name=op.f("fk_notifications_minutes_id_meeting_minutes"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notifications_message_id")),
    )
    op.create_index("ix_notifications_status_next", "notifications", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_notifications_report_id"), "notifications", ["report_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_report_id"), table_name="notifications")
    op.drop_index("ix_notifications_status_next", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_meeting_minutes_meeting_id"), table_name="meeting_minutes")
    op.drop_table("meeting_minutes")
    op.drop_index(op.f("ix_action_notes_action_id"), table_name="action_notes")
    op.drop_table("action_notes")
    op.drop_table("est_meeting_attendees")
    op.drop_index(op.f("ix_short_term_action_reports_report_id"), table_name="short_term_action_reports")
    op.drop_table("short_term_action_reports")
    with op.batch_alter_table("resident_contacts", schema=None) as batch_op:
        batch_op.drop_column("lang")
    with op.batch_alter_table("short_term_actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_short_term_actions_created_by_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_short_term_actions_place_id_places"), type_="foreignkey")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
        batch_op.drop_column("created_by")
        batch_op.drop_column("cell")
        batch_op.drop_column("place_id")
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
