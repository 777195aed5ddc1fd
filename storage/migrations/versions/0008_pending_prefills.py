"""Pending prefills: last period's appendix sent in the chat, waiting for the officer's "Lưu".

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_prefills",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pending_prefills"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_pending_prefills_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_pending_prefills_unit_id_units"
        ),
    )
    op.create_index("ix_pending_prefills_user_id", "pending_prefills", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_prefills_user_id", table_name="pending_prefills")
    op.drop_table("pending_prefills")
