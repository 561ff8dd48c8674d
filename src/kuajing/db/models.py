"""Imports every context's tables so ``Base.metadata`` is complete (Alembic and the schema test).

A new context with a ``tables.py`` adds one import line here.
"""

from kuajing.accounts import tables as accounts_tables
from kuajing.aftersales import tables as aftersales_tables
from kuajing.compliance import hs_tables as compliance_hs_tables
from kuajing.compliance import opinion_tables as compliance_opinion_tables
from kuajing.compliance import tables as compliance_tables
from kuajing.db.base import Base
from kuajing.fulfilment import tables as fulfilment_tables
from kuajing.logistics import tables as logistics_tables
from kuajing.notify import tables as notify_tables
from kuajing.orders import tables as orders_tables
from kuajing.purchasing import tables as purchasing_tables
from kuajing.sourcing import selection_tables as sourcing_selection_tables
from kuajing.sourcing import tables as sourcing_tables
from kuajing.stores import tables as stores_tables

__all__ = [
    "Base",
    "accounts_tables",
    "aftersales_tables",
    "compliance_hs_tables",
    "compliance_opinion_tables",
    "compliance_tables",
    "fulfilment_tables",
    "logistics_tables",
    "notify_tables",
    "orders_tables",
    "purchasing_tables",
    "sourcing_selection_tables",
    "sourcing_tables",
    "stores_tables",
]
