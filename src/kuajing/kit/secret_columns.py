"""Re-encrypting stored secrets in bulk: migration 0014, ``kuajing secrets rotate-key`` and ``status``.

Works on the raw column values with plain SQL (no ORM, no ``EncryptedText``), so it sees exactly
what is stored: plaintext from before encryption, values under an old key, values under the first.
The caller owns the transaction: everything is checked before anything is written, and one value
that no key decrypts stops the whole run (:class:`~kuajing.kit.secrets.SecretUndecryptable`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection, MetaData

from kuajing.kit.secrets import EncryptedText, KeyRing, SecretUndecryptable, is_encrypted


@dataclass(frozen=True)
class SecretColumn:
    table: str
    column: str
    key: str = "id"

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


def secret_columns(metadata: MetaData) -> list[SecretColumn]:
    """Every ``EncryptedText`` column of the models (single-column primary keys)."""
    found: list[SecretColumn] = []
    for table in metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        for column in table.columns:
            if isinstance(column.type, EncryptedText) and len(keys) == 1:
                found.append(SecretColumn(table.name, column.name, keys[0]))
    return found


def _rows(conn: Connection, column: SecretColumn) -> list[tuple[object, str]]:
    table = sa.table(column.table, sa.column(column.key), sa.column(column.column))
    query = sa.select(table.c[column.key], table.c[column.column]).order_by(table.c[column.key])
    return [(key, value) for key, value in conn.execute(query) if value]


def _write(conn: Connection, column: SecretColumn, changes: Sequence[tuple[object, str]]) -> None:
    table = sa.table(column.table, sa.column(column.key), sa.column(column.column))
    for key, value in changes:
        conn.execute(sa.update(table).where(table.c[column.key] == key).values({column.column: value}))


def reencrypt(conn: Connection, ring: KeyRing, columns: Iterable[SecretColumn]) -> dict[str, int]:
    """Every stored value under the ring's first key (plaintext encrypted); rows written per column.

    Reads and checks all values first, then writes: a value no key decrypts writes nothing.
    """
    planned: list[tuple[SecretColumn, list[tuple[object, str]]]] = []
    for column in columns:
        changes = []
        for key, stored in _rows(conn, column):
            if is_encrypted(stored) and ring.key_index(stored) == 0:
                continue  # already under the first key
            changes.append((key, ring.reencrypt(stored)))
        planned.append((column, changes))
    for column, changes in planned:
        _write(conn, column, changes)
    return {column.name: len(changes) for column, changes in planned}


def decrypt_all(conn: Connection, ring: KeyRing, columns: Iterable[SecretColumn]) -> int:
    """Back to plaintext (migration 0014's downgrade); how many values were written."""
    planned = [
        (column, [(key, ring.decrypt(stored)) for key, stored in _rows(conn, column) if is_encrypted(stored)])
        for column in columns
    ]
    for column, changes in planned:
        _write(conn, column, changes)
    return sum(len(changes) for _, changes in planned)


@dataclass
class Census:
    """What is stored: values per key (by fingerprint, in the ring's order), plaintext, unreadable."""

    by_key: Counter[str] = field(default_factory=Counter)
    plaintext: Counter[str] = field(default_factory=Counter)  # per column
    undecryptable: Counter[str] = field(default_factory=Counter)  # per column
    values: int = 0

    @property
    def clean(self) -> bool:
        return not self.plaintext and not self.undecryptable


def census(conn: Connection, ring: KeyRing, columns: Iterable[SecretColumn]) -> Census:
    result = Census()
    fingerprints = ring.fingerprints()
    for column in columns:
        for _, stored in _rows(conn, column):
            result.values += 1
            if not is_encrypted(stored):
                result.plaintext[column.name] += 1
                continue
            index = ring.key_index(stored)
            if index is None:
                result.undecryptable[column.name] += 1
            else:
                result.by_key[fingerprints[index]] += 1
    return result


__all__ = [
    "Census",
    "SecretColumn",
    "SecretUndecryptable",
    "census",
    "decrypt_all",
    "reencrypt",
    "secret_columns",
]
