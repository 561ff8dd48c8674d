"""Stored amounts (NUMERIC, six places) shown as people read them, sub-fen tiers kept."""

from decimal import Decimal

import pytest

from kuajing.web.app import price_text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("56.480000", "56.48"), ("0.035000", "0.035"), ("12", "12.00"), ("1E+2", "100.00"), ("-3.5", "-3.50")],
)
def test_amounts_show_at_least_the_cent_and_keep_sub_fen(stored: str, shown: str) -> None:
    assert price_text(Decimal(stored)) == shown


def test_a_missing_amount_is_a_dash() -> None:
    assert price_text(None) == "–"
