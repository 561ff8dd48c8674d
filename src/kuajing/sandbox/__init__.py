"""Both marketplaces as one local HTTP server speaking their real protocols.

``world`` holds the seeded state (1688 catalog and purchases, AliExpress stores and orders,
carriers) and the simulated clock; ``protocol_aliexpress`` and ``protocol_1688`` speak the two
platforms' wire protocols over it; ``admin`` is the ``/sandbox/*`` control surface; ``server``
starts it in the foreground (CLI) or in a thread (tests, demo).
"""
