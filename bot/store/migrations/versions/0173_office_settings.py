"""office settings edited in the console (send time, escalation, implicit due date)

Revision ID: 0173
Revises: 0172

Placeholder reserved in the chain; filled in by the work it is named for.
"""
from typing import Sequence, Union

revision: str = "0173"
down_revision: Union[str, Sequence[str], None] = "0172"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
