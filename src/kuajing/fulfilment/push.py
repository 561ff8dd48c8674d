"""Receiving 1688 pushes: verify, store once per msgId, and make the purchase they name due now.

1688 delivers at least once (the sandbox's ``duplicate_push`` fault sends a message twice), so the
inbox row, unique on (platform, msg_id), is the dedupe: a second copy is acknowledged and ignored.
Polling stays the truth — a push never changes a purchase's state, it only sets ``due_at`` to now
so the next pass reads 1688 at once instead of at the next hourly poll.

The signature is checked against the buyer account the push names (``userInfo`` = its memberId),
falling back to the first account; a push for a purchase we do not know is stored and acknowledged
(``processed_at`` stays empty), since an error answer would only make 1688 resend it.
Services never commit: the route does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuajing.fulfilment.tables import PushInboxRow
from kuajing.marketplaces.alibaba1688 import PushMessage, PushSignatureInvalid, verify_push
from kuajing.marketplaces.alibaba1688.push import LOGISTICS_TRACE, ORDER_SHIPPED
from kuajing.purchasing.model import PurchaseState
from kuajing.purchasing.tables import PurchaseOrderRow
from kuajing.stores.repository import StoreRepository
from kuajing.stores.tables import Alibaba1688Account

PLATFORM_1688 = "1688"
# Topics that mean "this purchase's logistics changed": worth an immediate poll.
LOGISTICS_TOPICS = frozenset({ORDER_SHIPPED, LOGISTICS_TRACE})
# States the loop still polls; a push about a finished or cancelled purchase changes nothing.
POLLED_STATES = frozenset(
    {PurchaseState.PLACING.value, PurchaseState.PLACED.value, PurchaseState.SHIPPED.value}
)


@dataclass(frozen=True)
class PushReceipt:
    msg_id: str
    topic: str
    stored: bool  # False: this msgId was already in the inbox (a resend), nothing else done
    purchase_id: int | None = None  # the purchase the push made due now, if any


def account_for_push(session: Session, form: Mapping[str, str]) -> Alibaba1688Account | None:
    """The buyer account whose secret signs this push: the one ``userInfo`` names, else the first.

    ``userInfo`` is read before the signature is checked only to choose the secret; nothing in an
    unverified message is trusted beyond that.
    """
    repo = StoreRepository(session)
    member_id = _unverified_user_info(form.get("message") or "")
    if member_id:
        named = repo.buyer_account_by_member(member_id)
        if named is not None:
            return named
    accounts = repo.buyer_accounts()
    return accounts[0] if accounts else None


def _unverified_user_info(message: str) -> str | None:
    try:
        envelope: Any = json.loads(message)
    except ValueError:
        return None
    user_info = envelope.get("userInfo") if isinstance(envelope, dict) else None
    return str(user_info) if isinstance(user_info, str | int) and str(user_info) else None


def receive_1688_push(session: Session, form: Mapping[str, str], *, now: datetime) -> PushReceipt:
    """Verifies ``form`` (fields ``message`` and ``_aop_signature``), stores it once, acts on it.

    Raises ``PushSignatureInvalid`` (401) for a missing or wrong signature, or when no buyer account
    exists to check it against; ``InvalidPush`` (400) for an unreadable message. Nothing is stored
    in either case.
    """
    account = account_for_push(session, form)
    if account is None:
        raise PushSignatureInvalid(
            "no 1688 buyer account is configured to verify the push against",
            "没有配置 1688 采购账号,无法校验推送签名",
            details={"field": "_aop_signature"},
        )
    message = verify_push(account.app_secret, form)
    if _already_stored(session, message.msg_id):
        return PushReceipt(message.msg_id, message.type, stored=False)
    row = PushInboxRow(
        platform=PLATFORM_1688,
        msg_id=message.msg_id,
        topic=message.type,
        payload=_payload(message, form),
        received_at=now,
        processed_at=None,
    )
    try:
        with session.begin_nested():  # a concurrent copy may win the unique key: then this one is a resend
            session.add(row)
            session.flush()
    except IntegrityError:
        return PushReceipt(message.msg_id, message.type, stored=False)
    purchase = _make_purchase_due(session, message, now) if message.type in LOGISTICS_TOPICS else None
    if purchase is not None:
        row.processed_at = now
    return PushReceipt(
        message.msg_id, message.type, stored=True, purchase_id=purchase.id if purchase else None
    )


def _already_stored(session: Session, msg_id: str) -> bool:
    found = session.scalar(
        select(PushInboxRow.id).where(PushInboxRow.platform == PLATFORM_1688, PushInboxRow.msg_id == msg_id)
    )
    return found is not None


def _payload(message: PushMessage, form: Mapping[str, str]) -> dict[str, Any]:
    """The envelope as 1688 sent it (kept verbatim for a later replay), or the parsed one if odd."""
    try:
        raw: Any = json.loads(form.get("message") or "")
    except ValueError:
        raw = None
    if isinstance(raw, dict):
        return raw
    return {
        "msgId": message.msg_id,
        "type": message.type,
        "userInfo": message.user_info,
        "data": message.data,
    }


def _make_purchase_due(session: Session, message: PushMessage, now: datetime) -> PurchaseOrderRow | None:
    order_id = message.data.get("orderId")
    if order_id is None or str(order_id).strip() == "":
        return None
    purchase = session.scalars(
        select(PurchaseOrderRow)
        .where(PurchaseOrderRow.alibaba_order_id == str(order_id).strip())
        .order_by(PurchaseOrderRow.id)
    ).first()
    if purchase is None:
        return None
    if purchase.state in POLLED_STATES and (purchase.due_at is None or purchase.due_at > now):
        purchase.due_at = now
    return purchase


__all__ = ["LOGISTICS_TOPICS", "PLATFORM_1688", "PushReceipt", "account_for_push", "receive_1688_push"]
