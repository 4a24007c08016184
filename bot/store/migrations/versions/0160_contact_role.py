"""contacts.role: a unit's leader contact receives the escalated reminders

Revision ID: 0160
Revises: 0150

Empty for the contacts a unit's daily reminders go to; "leader" for the contact that is
told only when an item is overdue past `escalate_after_days` (`contacts set --role leader`).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0160"
down_revision: Union[str, Sequence[str], None] = "0150"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("role")
