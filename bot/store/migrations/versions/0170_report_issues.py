"""report_issues: the numbered 督办通报 (期号 per year) and their scheduled sends

Revision ID: 0170
Revises: 0160

Placeholder reserved in the chain; filled in by the work it is named for.
"""
from typing import Sequence, Union

revision: str = "0170"
down_revision: Union[str, Sequence[str], None] = "0160"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
