"""The buyer's dispute reason (AliExpress issue text, Chinese or English) as a ``ReturnReason``.

Pure and small on purpose: a reason we do not recognise stays ``None`` and the case waits for a
person to classify it, as an IN_ISSUE order without an issue does. Patterns are checked in
order; the first that matches wins, so the narrower supplier errors come before the broad
"not as described". "Item not received" is not a return: it is a logistics matter the seller
bears (``OTHER``), not a supplier error.
"""

from __future__ import annotations

import re

from kuajing.aftersales.model import ReturnReason

_PATTERNS: tuple[tuple[ReturnReason, re.Pattern[str]], ...] = (
    (
        ReturnReason.WRONG_ITEM,
        re.compile(r"发错|错发|wrong\s+(item|product|colou?r|size)|different item", re.I),
    ),
    (ReturnReason.MISSING_ITEM, re.compile(r"少件|漏发|缺件|少发|missing|incomplete|not all", re.I)),
    (ReturnReason.DAMAGED_PACKAGING, re.compile(r"破损|包装|damaged|broken\s+package|crushed", re.I)),
    (ReturnReason.QUALITY, re.compile(r"质量|quality|defect|broken|not\s+work|doesn'?t\s+work", re.I)),
    (ReturnReason.BUYER_REMORSE, re.compile(r"不想要|不喜欢|拍错|no\s+longer|changed?\s+my\s+mind", re.I)),
    (ReturnReason.OTHER, re.compile(r"未收到|没收到|not\s+received|never\s+(arrived|received)", re.I)),
    # "Not as described": without a closer word, the seller's listing is what differs (quality).
    (ReturnReason.QUALITY, re.compile(r"描述不符|与描述|not\s+as\s+described", re.I)),
)


def reason_from_text(*texts: str | None) -> ReturnReason | None:
    """The first reason any of the texts names (Chinese before English), else ``None``."""
    for text in texts:
        if not text:
            continue
        for reason, pattern in _PATTERNS:
            if pattern.search(text):
                return reason
    return None
