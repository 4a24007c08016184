"""outbox: a partial index on the messages waiting to be claimed, in claiming order

Revision ID: 0101
Revises: 0100

Without it each claim read and sorted every waiting message (a sequential scan and an
on-disk sort: 32 ms a claim with 100,000 waiting on PostgreSQL). The index holds only
`pending`/`retry` rows, so it stays small however long the sent history grows, and a
claim reads the first rows of it in order.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

DUE = sa.text("status IN ('pending', 'retry')")

revision: str = "0101"
down_revision: Union[str, Sequence[str], None] = "0100"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_messages_due", "messages", ["next_attempt_at", "id"],
                    postgresql_where=DUE, sqlite_where=DUE)


def downgrade() -> None:
    op.drop_index("ix_messages_due", table_name="messages")
