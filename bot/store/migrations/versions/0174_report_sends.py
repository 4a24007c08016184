"""report_sends: each scheduled 督办通报 sent once per period and recipient

Revision ID: 0174
Revises: 0173

Placeholder reserved in the chain; filled in by the work it is named for.
"""
from typing import Sequence, Union

revision: str = "0174"
down_revision: Union[str, Sequence[str], None] = "0173"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
