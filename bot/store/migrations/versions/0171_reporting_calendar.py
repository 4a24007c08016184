"""reporting calendar: a task's 进展 periods (每月25日前报送进展)

Revision ID: 0171
Revises: 0170

A period of a reporting calendar is one occurrence of its recurring milestone
(bot/answers/reporting.py). answer_tokens.occurrence binds a 反馈进展 link to one period
(the link a reminder for that occurrence carries); progress_reports.occurrence records the
period a report was made for through such a link (NULL: made from the unit page, counted by
its date). Which milestones are calendars, and the calendars the admin sets, are corrections.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0171"
down_revision: Union[str, Sequence[str], None] = "0170"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("answer_tokens") as batch:
        batch.add_column(sa.Column("occurrence", sa.Integer(), nullable=True))
    with op.batch_alter_table("progress_reports") as batch:
        batch.add_column(sa.Column("occurrence", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("occurrence")
    with op.batch_alter_table("answer_tokens") as batch:
        batch.drop_column("occurrence")
