"""The address a purchase sends to 1688 follows routing's four-level rule, and carries the country."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kuajing.orders.routing import IncompleteAddress
from kuajing.orders.tables import AeOrderRow
from kuajing.purchasing.service import delivery_address

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def _order(**address: str | None) -> AeOrderRow:
    fields: dict[str, str | None] = {
        "country": "FR",
        "contact": " Marie Curie ",
        "phone": "+33 1 2345",
        "province": "Ile-de-France",
        "city": "Paris",
        "district": None,
        "street": None,
        "address_line": "1 rue de la Paix",
        "zip": "75001",
    }
    fields.update(address)
    return AeOrderRow(
        store_id=1,
        ae_order_id=1,
        ae_status="WAIT_SELLER_SEND_GOODS",
        state="buying",
        pay_amount=Decimal("1"),
        currency="USD",
        created_at=T0,
        synced_at=T0,
        **fields,
    )


def test_city_stands_in_for_the_district_and_zip_for_the_street() -> None:
    address = delivery_address(_order())
    assert (address.province, address.city, address.area, address.town) == (
        "Ile-de-France",
        "Paris",
        "Paris",
        "75001",
    )
    assert address.full_name == "Marie Curie"  # trimmed, as routing checked it
    assert address.address == "1 rue de la Paix FR"
    assert (address.post_code, address.mobile, address.phone) == ("75001", "+33 1 2345", "+33 1 2345")


def test_district_and_street_are_used_when_aliexpress_gives_them() -> None:
    address = delivery_address(_order(district="8e arrondissement", street="Rue de Rivoli"))
    assert (address.area, address.town) == ("8e arrondissement", "Rue de Rivoli")


def test_an_address_that_lost_a_field_is_refused_naming_it() -> None:
    with pytest.raises(IncompleteAddress) as caught:
        delivery_address(_order(zip="  "))
    assert caught.value.missing == ("zip",)
