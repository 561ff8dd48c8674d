"""AliExpress side of the sandbox world: stores, listings built from 1688 offers, orders, fulfilments.

To be implemented (AliExpress sandbox work). The interface ``World`` relies on:

    Storefront(catalog, credentials, *, build_rng, order_rng, clock)
    .advance(start, stop) -> dict[str, int]   # react to simulated time; counts by event kind
    .state() -> {"ae_orders": N, "ae_orders_by_status": {...}, "shipments": N}
    .generate_orders(count) -> list[int]  # paid orders now; returns AliExpress order ids
    .set_order_rate(per_hour: float)   # paid orders generated per simulated hour by advance()
"""

from __future__ import annotations
