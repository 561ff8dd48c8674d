"""Carriers in the sandbox world: AliExpress's approved services and what 1688 suppliers really use.

The approved list is what ``aliexpress.logistics.redefining.listlogisticsservice`` returns; a
tracking number is accepted only if its service is on it and the number matches the service's
``tracking_no_regex``. Some suppliers ship with carriers that are not on it (the guide's
"四PX经济小包未备案"): their numbers never update on AliExpress.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Carrier:
    code: str
    name_zh: str  # logisticsCompanyName as 1688 shows it
    company_id: int  # logisticsCompanyId on 1688
    ae_service_name: str | None  # None: not on AliExpress's approved list
    display_name: str
    tracking_no_regex: str
    prefix: str
    digits: int
    suffix: str = ""
    min_process_day: int = 1
    max_process_day: int = 5

    @property
    def approved(self) -> bool:
        return self.ae_service_name is not None

    def make_tracking_no(self, rng: random.Random) -> str:
        number = "".join(str(rng.randrange(10)) for _ in range(self.digits))
        tracking = f"{self.prefix}{number}{self.suffix}"
        assert re.fullmatch(self.tracking_no_regex, tracking), (self.code, tracking)
        return tracking


CARRIERS: tuple[Carrier, ...] = (
    Carrier(
        "CAINIAO_STANDARD",
        "菜鸟无忧物流-标准",
        1001,
        "CAINIAO_STANDARD",
        "AliExpress Standard Shipping",
        r"^LP\d{14}$",
        "LP",
        14,
    ),
    Carrier(
        "CAINIAO_ECONOMY",
        "菜鸟无忧物流-简易",
        1002,
        "CAINIAO_ECONOMY",
        "Cainiao Super Economy",
        r"^LP\d{14}$",
        "LP",
        14,
    ),
    Carrier(
        "CAINIAO_PREMIUM",
        "菜鸟无忧物流-优先",
        1003,
        "CAINIAO_PREMIUM",
        "AliExpress Premium Shipping",
        r"^LX\d{14}$",
        "LX",
        14,
        min_process_day=1,
        max_process_day=3,
    ),
    Carrier(
        "YANWEN_JYT", "燕文物流", 1004, "YANWEN_JYT", "Yanwen Special Line-YW", r"^UG\d{9}YP$", "UG", 9, "YP"
    ),
    Carrier(
        "YUNEXPRESS",
        "云途物流",
        1005,
        "YUNEXPRESS_SPECIAL",
        "Yun Express Special Line",
        r"^YT\d{16}$",
        "YT",
        16,
    ),
    Carrier(
        "CHINA_POST_REGISTERED",
        "中国邮政挂号小包",
        1006,
        "CPAM",
        "China Post Registered Air Mail",
        r"^R[A-Z]\d{9}CN$",
        "RB",
        9,
        "CN",
    ),
    Carrier("EMS", "中国邮政EMS", 1007, "EMS", "EMS", r"^E[A-Z]\d{9}CN$", "EA", 9, "CN"),
    Carrier(
        "FOURPX_REGISTERED",
        "递四方4PX联邮通",
        1008,
        "4PX_RM",
        "4PX Singapore Post OM Pro",
        r"^4PX\d{13}CN$",
        "4PX",
        13,
        "CN",
    ),
    # Not approved: numbers from these carriers never update on AliExpress.
    Carrier(
        "FOURPX_ECONOMY_UNREG",
        "四PX经济小包(未备案)",
        2001,
        None,
        "4PX Economy (unregistered)",
        r"^4PE\d{12}$",
        "4PE",
        12,
    ),
    Carrier(
        "LOCAL_FORWARDER", "义乌本地货代专线", 2002, None, "Yiwu forwarder line", r"^YWF\d{10}$", "YWF", 10
    ),
)

CARRIERS_BY_CODE = {carrier.code: carrier for carrier in CARRIERS}
APPROVED = tuple(carrier for carrier in CARRIERS if carrier.approved)


def approved_service(service_name: str) -> Carrier | None:
    for carrier in APPROVED:
        if carrier.ae_service_name == service_name:
            return carrier
    return None
