"""directory additions made in the console (aliases saved from the review screen)

Revision ID: 0172
Revises: 0171

An alias saved on the review screen joins units.yaml's names for every import with this
store; removing one keeps the row (removed_at/by), so history stays readable.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0172"
down_revision: Union[str, Sequence[str], None] = "0171"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "directory_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_aliases")),
    )
    op.create_index(op.f("ix_directory_aliases_alias"), "directory_aliases", ["alias"])


def downgrade() -> None:
    op.drop_index(op.f("ix_directory_aliases_alias"), table_name="directory_aliases")
    op.drop_table("directory_aliases")
