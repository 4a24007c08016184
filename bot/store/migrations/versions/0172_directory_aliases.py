"""directory additions made in the console (aliases saved from the review screen)

Revision ID: 0172
Revises: 0171

Placeholder reserved in the chain; filled in by the work it is named for.
"""
from typing import Sequence, Union

revision: str = "0172"
down_revision: Union[str, Sequence[str], None] = "0171"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
