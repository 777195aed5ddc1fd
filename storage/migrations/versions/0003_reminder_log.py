"""Reminder log: each reminder step claimed by a unique row before it is sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_log"),
        sa.UniqueConstraint(
            "round_id",
            "unit_id",
            "user_id",
            "step",
            name="uq_reminder_log_round_id_unit_id_user_id_step",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_reminder_log_round_id_rounds"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_reminder_log_unit_id_units"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_reminder_log_user_id_users"),
    )
    op.create_index("ix_reminder_log_round_id", "reminder_log", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_reminder_log_round_id", table_name="reminder_log")
    op.drop_table("reminder_log")
