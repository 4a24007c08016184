"""delivery: the full rendered message in the outbox, and shared per-robot send budgets

Revision ID: 0100
Revises: 0001

messages.body_html / messages.notice keep everything `render_digest` produced, so a
retry sends exactly what was queued. robot_budgets holds, per robot key (a hash,
never the key itself), the start times of its latest sends: the rate limit that all
workers share (see jobs/throttle.py).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0100"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("notice", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "robot_budgets",
        sa.Column("robot_key", sa.String(length=80), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("robot_key", name=op.f("pk_robot_budgets")),
    )


def downgrade() -> None:
    op.drop_table("robot_budgets")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("notice")
        batch_op.drop_column("body_html")
