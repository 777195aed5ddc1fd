"""Initial schema: units, users and their memberships, invites, rounds, reports and audit trail.

Revision ID: 0001
Revises:
Create Date: 2024-10-01

Written by hand against storage/models.py; tests/storage/test_migrations.py checks that the two
agree. Constraint names follow the naming convention set in storage/models.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _at(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "units",
        _id(),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("code", name="uq_units_code"),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name="fk_units_parent_id_units"),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        _at("created_at"),
        _at("blocked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("platform", "external_id", name="uq_users_platform_external_id"),
    )
    op.create_table(
        "memberships",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint("user_id", "unit_id", name="uq_memberships_user_id_unit_id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_memberships_user_id_users"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_memberships_unit_id_units"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "invites",
        _id(),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("code", name="uq_invites_code"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_invites_unit_id_units"),
        sa.ForeignKeyConstraint(["used_by"], ["users.id"], name="fk_invites_used_by_users"),
    )
    op.create_table(
        "rounds",
        _id(),
        sa.Column("template", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("cutoff_start", sa.Date(), nullable=False),
        sa.Column("cutoff_end", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        _at("opened_at"),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.UniqueConstraint("template", "period", name="uq_rounds_template_period"),
    )
    op.create_table(
        "submissions",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _at("submitted_at", nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.UniqueConstraint("round_id", "unit_id", name="uq_submissions_round_id_unit_id"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_submissions_round_id_rounds"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_submissions_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name="fk_submissions_submitted_by_users"
        ),
    )
    op.create_index("ix_submissions_round_id", "submissions", ["round_id"])
    op.create_index("ix_submissions_unit_id", "submissions", ["unit_id"])
    op.create_table(
        "answers",
        _id(),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _at("updated_at"),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.UniqueConstraint("submission_id", "code", name="uq_answers_submission_id_code"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_answers_submission_id_submissions"
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name="fk_answers_updated_by_users"),
    )
    op.create_index("ix_answers_submission_id", "answers", ["submission_id"])
    op.create_table(
        "answer_changes",
        _id(),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("field", sa.String(8), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name="pk_answer_changes"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_answer_changes_submission_id_submissions",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_answer_changes_user_id_users"),
    )
    op.create_index("ix_answer_changes_submission_id", "answer_changes", ["submission_id"])
    op.create_table(
        "conversation_states",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_states"),
        sa.UniqueConstraint("user_id", name="uq_conversation_states_user_id"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_conversation_states_user_id_users"
        ),
    )


def downgrade() -> None:
    for table in (
        "conversation_states",
        "answer_changes",
        "answers",
        "submissions",
        "rounds",
        "invites",
        "memberships",
        "users",
        "units",
    ):
        op.drop_table(table)
