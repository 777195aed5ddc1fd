"""An index on memberships by unit and role: the reviewers above a unit, read with every answer.

Without it SQLite built a temporary index over every membership for each answer
(EXPLAIN QUERY PLAN: AUTOMATIC PARTIAL COVERING INDEX), a cost that grew with the province, and
PostgreSQL scanned the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_memberships_unit_id_role", "memberships", ["unit_id", "role"])


def downgrade() -> None:
    op.drop_index("ix_memberships_unit_id_role", table_name="memberships")
