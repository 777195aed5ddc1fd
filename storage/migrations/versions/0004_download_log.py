"""Download log: every request to a signed download link (Zalo users get files as links).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "download_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("file", sa.String(64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("remote", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_download_log"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_download_log_user_id_users"),
    )
    op.create_index("ix_download_log_at", "download_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_download_log_at", table_name="download_log")
    op.drop_table("download_log")
