"""Revocations: the roles people held and no longer hold (`cchc-bot people revoke`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revocations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revocations"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_revocations_user_id_users"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_revocations_unit_id_units"),
    )
    op.create_index("ix_revocations_user_id", "revocations", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_revocations_user_id", table_name="revocations")
    op.drop_table("revocations")
