"""Template versions in the database, and the version each round asks and prints.

Rounds opened before this revision get version 1 of their template, which is the shipped
file as it is when the upgrade runs: the same questions they have been asking.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "template_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("template_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_template_versions"),
        sa.UniqueConstraint(
            "template_id", "version", name="uq_template_versions_template_id_version"
        ),
    )
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("template_version", sa.Integer(), nullable=True))
    _pin_existing_rounds()


def _pin_existing_rounds() -> None:
    # The shipped files as they are now: what these rounds have been asking all along.
    from flows import catalog

    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT DISTINCT template FROM rounds"))]
    now = datetime.now(UTC)
    for template_id in ids:
        try:
            template = catalog.load(template_id)
        except catalog.TemplateError:
            continue  # not a shipped template: its rounds keep no version
        body = catalog.to_json(template)
        connection.execute(
            sa.text(
                "INSERT INTO template_versions "
                "(template_id, version, name, level, body, digest, source, created_at) "
                "VALUES (:id, 1, :name, :level, :body, :digest, 'shipped', :now)"
            ),
            {
                "id": template_id,
                "name": template.name,
                "level": template.level,
                "body": body,
                "digest": catalog.digest(body),
                "now": now,
            },
        )
        connection.execute(
            sa.text("UPDATE rounds SET template_version = 1 WHERE template = :id"),
            {"id": template_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("template_version")
    op.drop_table("template_versions")
