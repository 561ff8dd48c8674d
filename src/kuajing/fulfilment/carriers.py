"""Which AliExpress logistics service a 1688 supplier's parcel travels on, and whether AliExpress accepts it.

The guide: a tracking number from a carrier not on AliExpress's approved list never updates and,
since 2024-04, the order does not count for logistics metrics. So a number is uploaded only when
its carrier maps to an approved service AND it matches that service's ``tracking_no_regex``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from kuajing.marketplaces.aliexpress import LogisticsService


def load_carrier_map(text: str | None = None) -> dict[str, str]:
    if text is None:
        text = resources.files("kuajing.fulfilment").joinpath("data/carrier_map.csv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {
        row["logistics_company_name"].strip(): row["ae_service_name"].strip()
        for row in csv.DictReader(io.StringIO("\n".join(rows)))
    }


@dataclass(frozen=True)
class CarrierCheck:
    verdict: Literal["approved", "not_approved", "pattern_mismatch"]
    service_name: str | None


def check_tracking(
    company_name: str, tracking_no: str, approved: Sequence[LogisticsService], carrier_map: Mapping[str, str]
) -> CarrierCheck:
    services = {service.service_name: service for service in approved}
    service_name = carrier_map.get(company_name.strip())
    service = services.get(service_name) if service_name else None
    if service is None:
        return CarrierCheck("not_approved", service_name)
    if service.tracking_no_regex and not re.fullmatch(service.tracking_no_regex, tracking_no):
        return CarrierCheck("pattern_mismatch", service.service_name)
    return CarrierCheck("approved", service.service_name)
