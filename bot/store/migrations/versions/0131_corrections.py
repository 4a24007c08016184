"""corrections: what a person changed in what was read, and the reading they apply to

Revision ID: 0131
Revises: 0130

documents.reading keeps the Extraction as read (before corrections), so a correction made
in the console can be applied at once and again after every re-import.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0131"
down_revision: Union[str, Sequence[str], None] = "0130"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("reading", sa.JSON(), nullable=True))
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("task_key", sa.String(length=80), nullable=False),
        sa.Column("milestone_key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_corrections_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_index(op.f("ix_corrections_document_id"), "corrections", ["document_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_corrections_document_id"), table_name="corrections")
    op.drop_table("corrections")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("reading")
