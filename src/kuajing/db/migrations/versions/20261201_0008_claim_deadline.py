"""aftersales: the supplier claim's submission deadline (submit_by)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kuajing.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER most things in place (adding a nullable column it can,
    # but batch keeps the same code working for both databases)
    with op.batch_alter_table("aftersales_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submit_by", kuajing.db.base.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("aftersales_claims", schema=None) as batch_op:
        batch_op.drop_column("submit_by")
