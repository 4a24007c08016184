"""report_sends: each scheduled 督办通报 sent once per period and recipient

Revision ID: 0174
Revises: 0173

Tables of bot/store/report_delivery_models.py: report_sends, one row per (period, contact),
unique, pointing at the outbox message that carries the report; report_files, an issue's
rendered attachment once per format.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0174"
down_revision: Union[str, Sequence[str], None] = "0173"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("scheduled_at", TZ, nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["report_issues.id"], name=op.f("fk_report_sends_issue_id_report_issues")),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_report_sends_contact_id_contacts")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_report_sends_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_sends")),
        sa.UniqueConstraint("period_kind", "period_start", "contact_id", name=op.f("uq_report_sends_period_kind")),
        sa.UniqueConstraint("message_id", name=op.f("uq_report_sends_message_id")),
    )
    op.create_index(op.f("ix_report_sends_issue_id"), "report_sends", ["issue_id"])
    op.create_index(op.f("ix_report_sends_contact_id"), "report_sends", ["contact_id"])
    op.create_table(
        "report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("fmt", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["report_issues.id"], name=op.f("fk_report_files_issue_id_report_issues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_files")),
        sa.UniqueConstraint("issue_id", "fmt", name=op.f("uq_report_files_issue_id")),
    )


def downgrade() -> None:
    op.drop_table("report_files")
    op.drop_index(op.f("ix_report_sends_contact_id"), table_name="report_sends")
    op.drop_index(op.f("ix_report_sends_issue_id"), table_name="report_sends")
    op.drop_table("report_sends")
