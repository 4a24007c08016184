"""answers: the units' links, items, events, requests, progress, attachments, rate-limit hits

Revision ID: 0150
Revises: 0132

Tables of bot/store/answer_models.py (issue 14): units answer from the reminder without
accounts, through opaque links stored only as a hash.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0150"
down_revision: Union[str, Sequence[str], None] = "0132"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "answer_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("used_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_answer_tokens_unit_id_units")),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"],
                                name=op.f("fk_answer_tokens_milestone_id_milestones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_answer_tokens_token_hash")),
    )
    op.create_index("ix_answer_tokens_unit_id_milestone_id_action", "answer_tokens",
                    ["unit_id", "milestone_id", "action"])
    op.create_table(
        "unit_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("original_due", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("acknowledged_at", TZ, nullable=True),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["milestone_unit_id"], ["milestone_units.id"],
                                name=op.f("fk_unit_items_milestone_unit_id_milestone_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_items")),
        sa.UniqueConstraint("milestone_unit_id", name=op.f("uq_unit_items_milestone_unit_id")),
    )
    op.create_table(
        "unit_item_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_item_id", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("old_state", sa.String(length=24), nullable=True),
        sa.Column("new_state", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_item_id"], ["unit_items.id"],
                                name=op.f("fk_unit_item_events_unit_item_id_unit_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_item_events")),
    )
    op.create_index(op.f("ix_unit_item_events_unit_item_id"), "unit_item_events", ["unit_item_id"])
    op.create_table(
        "answer_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_attachments")),
    )
    op.create_index(op.f("ix_answer_attachments_sha256"), "answer_attachments", ["sha256"])
    op.create_table(
        "answer_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("by_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_due", sa.Date(), nullable=True),
        sa.Column("prior_state", sa.String(length=24), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_item_id"], ["unit_items.id"],
                                name=op.f("fk_answer_requests_unit_item_id_unit_items")),
        sa.ForeignKeyConstraint(["attachment_id"], ["answer_attachments.id"],
                                name=op.f("fk_answer_requests_attachment_id_answer_attachments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_requests")),
    )
    op.create_index(op.f("ix_answer_requests_unit_item_id"), "answer_requests", ["unit_item_id"])
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_item_id", sa.Integer(), nullable=False),
        sa.Column("by_name", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["unit_item_id"], ["unit_items.id"],
                                name=op.f("fk_progress_reports_unit_item_id_unit_items")),
        sa.ForeignKeyConstraint(["attachment_id"], ["answer_attachments.id"],
                                name=op.f("fk_progress_reports_attachment_id_answer_attachments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
    )
    op.create_index(op.f("ix_progress_reports_unit_item_id"), "progress_reports", ["unit_item_id"])
    op.create_table(
        "answer_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_hits")),
    )
    op.create_index("ix_answer_hits_client_at", "answer_hits", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_answer_hits_client_at", table_name="answer_hits")
    op.drop_table("answer_hits")
    for table in ("progress_reports", "answer_requests"):
        op.drop_index(op.f(f"ix_{table}_unit_item_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_answer_attachments_sha256"), table_name="answer_attachments")
    op.drop_table("answer_attachments")
    op.drop_index(op.f("ix_unit_item_events_unit_item_id"), table_name="unit_item_events")
    op.drop_table("unit_item_events")
    op.drop_table("unit_items")
    op.drop_index("ix_answer_tokens_unit_id_milestone_id_action", table_name="answer_tokens")
    op.drop_table("answer_tokens")
