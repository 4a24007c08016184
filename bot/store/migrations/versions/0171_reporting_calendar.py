"""reporting calendar: a task's 进展 periods (每月25日前报送进展)

Revision ID: 0171
Revises: 0170

Placeholder reserved in the chain; filled in by the work it is named for.
"""
from typing import Sequence, Union

revision: str = "0171"
down_revision: Union[str, Sequence[str], None] = "0170"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
