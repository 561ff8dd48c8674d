"""aftersales: the AliExpress issue (dispute) a case was taken in from (ae_issue_id, unique)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a unique constraint in place
    with op.batch_alter_table("aftersales_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ae_issue_id", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint("uq_aftersales_cases_ae_issue_id", ["ae_issue_id"])


def downgrade() -> None:
    with op.batch_alter_table("aftersales_cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_aftersales_cases_ae_issue_id", type_="unique")
        batch_op.drop_column("ae_issue_id")
