"""stores: app secrets and tokens encrypted at rest (enc:v1: + Fernet), columns widened to TEXT

Existing plaintext values are encrypted in place with the first key of KUAJING_SECRET_KEY (on
SQLite without it: the data folder's secret.key, made if missing). The downgrade decrypts them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kuajing.kit.secret_columns import SecretColumn, decrypt_all, reencrypt
from kuajing.kit.secrets import keyring_for

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("aliexpress_stores", "alibaba1688_accounts")
LENGTHS = {"app_secret": 200, "access_token": 500, "refresh_token": 500}  # before: VARCHAR(n)
COLUMNS = [SecretColumn(table, column) for table in TABLES for column in LENGTHS]


def _retype(to_text: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot ALTER a column's type, and rebuilding these tables would trip the foreign
        # keys of every order pointing at a store; its VARCHAR(n) has no length limit anyway, so the
        # declared type is changed in the schema text alone (the documented writable_schema way).
        _sqlite_retype(bind, to_text)
        return
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column, length in LENGTHS.items():
                old, new = sa.String(length=length), sa.Text()
                batch.alter_column(
                    column,
                    existing_type=old if to_text else new,
                    type_=new if to_text else old,
                    existing_nullable=False,
                )


def _sqlite_retype(bind: sa.Connection, to_text: bool) -> None:
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table in TABLES:
        sql = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
        ).scalar_one()
        for column, length in LENGTHS.items():
            old, new = f"{column} VARCHAR({length}) NOT NULL", f"{column} TEXT NOT NULL"
            before, after = (old, new) if to_text else (new, old)
            if before not in sql:
                raise RuntimeError(f"{table}.{column}: unexpected schema {sql!r}")
            sql = sql.replace(before, after)
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
            {"sql": sql, "name": table},
        )
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    _retype(to_text=True)
    bind = op.get_bind()
    reencrypt(bind, keyring_for(bind.dialect), COLUMNS)


def downgrade() -> None:
    bind = op.get_bind()
    decrypt_all(bind, keyring_for(bind.dialect), COLUMNS)
    _retype(to_text=False)
