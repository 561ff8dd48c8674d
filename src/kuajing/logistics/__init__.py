"""Logistics: rate cards, duty and VAT rules, landed cost, the best line and pricing.

``model`` (rate cards), ``taxes`` (duty/VAT rules) and ``landed`` (the quote) are pure: no I/O,
no clock. ``catalog`` reads the shipped data files and the user's overrides; ``matrix`` is the
vectorised engine for whole selections (100,000 specs × countries × lines).
"""
