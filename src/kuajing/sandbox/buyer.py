"""1688 buyer side of the sandbox world: purchases (dropship orders), dispatch, logistics, refunds, pushes.

To be implemented (1688 sandbox work). The interface ``World`` relies on:

    BuyerSide(catalog, credentials, *, rng, clock)
    .advance(start, stop) -> dict[str, int]
    .state() -> {"purchases": N, "purchases_per_out_order_id": {"<outOrderId>": count, ...}}
"""

from __future__ import annotations
