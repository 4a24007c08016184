"""report_issues: the numbered 督办通报 (期号 per year) and their scheduled sends

Revision ID: 0170
Revises: 0160

Tables of bot/store/report_models.py (issue 15): one row per issue that took a number;
unique (year, number), and a scheduled issue unique per period (scheduled_period).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision: str = "0170"
down_revision: Union[str, Sequence[str], None] = "0160"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "report_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", TZ, nullable=False),
        sa.Column("scheduled_period", sa.String(length=40), nullable=True),
        sa.Column("formats", sa.String(length=60), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_issues")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_report_issues_year")),
        sa.UniqueConstraint("scheduled_period", name=op.f("uq_report_issues_scheduled_period")),
    )


def downgrade() -> None:
    op.drop_table("report_issues")
