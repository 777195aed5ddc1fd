"""One person's updates in order, wrong invite codes counted, and the outbox of notices.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_update_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("last_update_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("event", sa.Text(), nullable=True))
        batch.add_column(sa.Column("undo", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_processed_updates_user_id_users", "users", ["user_id"], ["id"])
    op.create_index("ix_processed_updates_user_id_seq", "processed_updates", ["user_id", "seq"])
    op.create_table(
        "invite_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invite_failures"),
        sa.UniqueConstraint(
            "platform", "external_id", name="uq_invite_failures_platform_external_id"
        ),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminder_log.id"], name="fk_outbox_reminder_id_reminder_log"
        ),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("invite_failures")
    op.drop_index("ix_processed_updates_user_id_seq", table_name="processed_updates")
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_constraint("fk_processed_updates_user_id_users", type_="foreignkey")
        batch.drop_column("undo")
        batch.drop_column("event")
        batch.drop_column("seq")
        batch.drop_column("user_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_update_at")
        batch.drop_column("last_update_seq")
