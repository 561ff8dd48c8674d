"""Sourcing: 1688 offers and suppliers as the product knows them (snapshots read through the API)."""
