"""The seeded world (``seeded_world.py``) for the whole-app tests of this folder."""

from seeded_world import seeded_world  # noqa: F401  (a fixture, found by pytest here)
