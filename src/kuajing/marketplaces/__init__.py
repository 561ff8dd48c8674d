"""Clients for the AliExpress and 1688 Open Platforms, and what they share (errors, call policy)."""
