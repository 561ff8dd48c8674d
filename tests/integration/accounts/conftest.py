"""The accounts tests' world (``accounts_world.py``): seeded databases and clients with sign-in on."""

from accounts_world import (  # noqa: F401  (fixtures, found by pytest here)
    accounts_db_url,
    accounts_template,
    accounts_url,
    client,
    make_client,
)
