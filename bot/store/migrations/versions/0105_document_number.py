"""documents: the 发文字号, part of a document's identity

Revision ID: 0105
Revises: 0101

Two offices may issue lists with the same generic title ("2024年工作要点"); the issuer and
the document number tell them apart, so an import never takes one for a revision of the other.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0105"
down_revision: Union[str, Sequence[str], None] = "0101"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("doc_number", sa.String(60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("doc_number")
