"""Processed chat updates: handle each Telegram/Zalo update exactly once, across restarts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("update_key", sa.String(64), nullable=False),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_processed_updates"),
        sa.UniqueConstraint(
            "platform", "update_key", name="uq_processed_updates_platform_update_key"
        ),
    )
    op.create_index("ix_processed_updates_handled_at", "processed_updates", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_handled_at", table_name="processed_updates")
    op.drop_table("processed_updates")
