"""Imports every context's tables so ``Base.metadata`` is complete (Alembic and the schema test).

A new context with a ``tables.py`` adds one import line here.
"""

from kuajing.db.base import Base
from kuajing.stores import tables as stores_tables

__all__ = ["Base", "stores_tables"]
