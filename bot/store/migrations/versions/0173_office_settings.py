"""office settings edited in the console (send time, escalation, implicit due date)

Revision ID: 0173
Revises: 0172

Table of bot/store/settings_models.py: one row per settings.yaml key changed in the console,
its YAML form as JSON text; the stored value wins over the file (the environment over both).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0173"
down_revision: Union[str, Sequence[str], None] = "0172"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "office_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )


def downgrade() -> None:
    op.drop_table("office_settings")
