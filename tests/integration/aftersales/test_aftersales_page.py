"""The 售后 page and /api/aftersales on a migrated SQLite app, with a fake 1688 refund port."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kuajing.config import Settings
from kuajing.marketplaces.alibaba1688.inputs import RefundRequest
from kuajing.web.app import create_app


class FakeRefunds:
    def __init__(self) -> None:
        self.requests: list[RefundRequest] = []

    def create_refund(self, request: RefundRequest) -> str:
        self.requests.append(request)
        return f"R{len(self.requests)}"


@pytest.fixture
def refunds() -> FakeRefunds:
    return FakeRefunds()


@pytest.fixture
def client(tmp_path: Path, seeded_sqlite_url: str, refunds: FakeRefunds) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=seeded_sqlite_url, aftersales_folder=str(tmp_path / "evidence")))
    app.state.aftersales_refunds = refunds
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, path: str, **kwargs: Any) -> tuple[int, str]:
    reply = client.post(path, follow_redirects=True, **kwargs)
    return reply.status_code, html.unescape(reply.text)


def _claims(client: TestClient) -> list[dict[str, Any]]:
    reply = client.get("/api/aftersales/claims")
    assert reply.status_code == 200
    result: list[dict[str, Any]] = reply.json()
    return result


def _record_wrong_item(client: TestClient, amount: str = "6200") -> dict[str, Any]:
    status, _ = _post(
        client,
        "/aftersales/returns",
        data={"ae_order_id": "8001", "reason": "wrong_item", "amount": amount, "notes": "发错颜色"},
    )
    assert status == 200
    (claim,) = _claims(client)
    return claim


def _upload_all(client: TestClient, claim_id: int) -> None:
    for kind, name in [
        ("chat_record", "旺旺.png"),
        ("sign_off_proof", "../签收.pdf"),
        ("unboxing_video", "开箱.mp4"),
    ]:
        status, text = _post(
            client,
            f"/aftersales/claims/{claim_id}/evidence",
            data={"kind": kind},
            files={"file": (name, b"evidence bytes", "application/octet-stream")},
        )
        assert status == 200, text


def test_wrong_item_on_credit_guarantee_supplier_opens_claim_with_compensation_shown(
    client: TestClient,
) -> None:
    claim = _record_wrong_item(client)

    assert claim["supplier_member_id"] == "guaranteed" and claim["credit_guarantee"] is True
    assert claim["state"] == "open" and claim["advance_compensation"] == "5000.00"  # capped at ¥5,000
    assert claim["missing_evidence"] == ["chat_record", "sign_off_proof", "unboxing_video"]
    text = html.unescape(client.get("/aftersales").text)
    assert "已登记售后单" not in text  # the message belongs to the redirect only
    assert 'data-state="open"' in text and "待补证据" in text and "供应商承担" in text
    assert "平台先行赔付 ¥5000.00" in text and "¥6200.00" in text
    assert 'class="missing">✘ 旺旺聊天记录' in text


def test_three_evidence_files_complete_the_checklist(client: TestClient, tmp_path: Path) -> None:
    claim = _record_wrong_item(client, "120")
    _upload_all(client, claim["id"])

    (claim,) = _claims(client)
    assert claim["state"] == "evidence_complete" and claim["missing_evidence"] == []
    assert sorted(item["filename"] for item in claim["evidence"]) == ["开箱.mp4", "旺旺.png", "签收.pdf"]
    assert len(list((tmp_path / "evidence" / f"claim-{claim['id']}").iterdir())) == 3
    text = html.unescape(client.get("/aftersales").text)
    assert 'class="ok">✔ 开箱视频' in text and "证据齐全" in text and "提交 1688 退款" in text


def test_submit_then_settle_recovered_records_history_and_supplier_summary(
    client: TestClient, refunds: FakeRefunds
) -> None:
    claim = _record_wrong_item(client, "120")
    _upload_all(client, claim["id"])

    status, text = _post(
        client,
        f"/aftersales/claims/{claim['id']}/submit",
        data={"reason_id": "20011", "entry_ids": "E1, E2", "goods_status": "refundBuyerReceived"},
    )
    assert status == 200 and "已提交 1688 退款" in text
    (request,) = refunds.requests
    assert request.order_id == "16881" and request.order_entry_ids == ["E1", "E2"]
    assert str(request.apply_payment.amount) in ("120", "120.000000") and request.apply_reason_id == "20011"

    status, text = _post(
        client,
        f"/aftersales/claims/{claim['id']}/settle",
        data={"state": "recovered", "amount": "118.50", "why": "供应商已退款"},
    )
    assert status == 200 and "索赔已结案" in text

    (claim,) = _claims(client)
    assert (
        claim["state"] == "recovered" and claim["refund_id"] == "R1" and claim["recovered_amount"] == "118.50"
    )
    assert [step["to"] for step in claim["history"]] == [
        "open",
        "evidence_complete",
        "submitted",
        "recovered",
    ]
    assert client.get("/api/aftersales/suppliers").json() == [
        {"supplier_member_id": "guaranteed", "claims": 1, "open": 0, "recovered": "118.50", "currency": "CNY"}
    ]
    assert 'data-member="guaranteed"' in text and "¥118.50" in text


def test_refused_move_is_409_with_the_message_in_the_pages_language(client: TestClient) -> None:
    claim = _record_wrong_item(client, "120")  # open: evidence still missing

    status, text = _post(client, f"/aftersales/claims/{claim['id']}/submit", data={"reason_id": "20011"})
    assert status == 409 and "操作被拒绝" in text and "索赔不能从 open 变为 submitted" in text

    status, text = _post(
        client, f"/aftersales/claims/{claim['id']}/settle?lang=en", data={"state": "recovered", "amount": "1"}
    )
    assert status == 409 and "Refused" in text and "claim cannot go from open to recovered" in text


def test_bad_input_is_422_on_the_page(client: TestClient) -> None:
    status, text = _post(
        client, "/aftersales/returns", data={"ae_order_id": "8001", "reason": "wrong_item", "amount": "abc"}
    )
    assert status == 422 and "输入有误" in text and "金额" in text
    status, text = _post(
        client, "/aftersales/returns", data={"ae_order_id": "8001", "reason": "nonsense", "amount": "5"}
    )
    assert status == 422 and "reason" in text
    assert _claims(client) == []


def test_quality_return_is_the_sellers_with_no_claim(client: TestClient) -> None:
    _post(client, "/aftersales/returns", data={"ae_order_id": "8002", "reason": "quality", "amount": "50"})

    assert _claims(client) == []
    text = html.unescape(client.get("/aftersales").text)
    assert "卖家承担" in text and "无需索赔" in text


def test_take_in_disputes_then_classify_the_case(client: TestClient) -> None:
    status, text = _post(client, "/aftersales/intake")
    assert status == 200 and "已导入纠纷订单" in text and "速卖通纠纷" in text
    _post(client, "/aftersales/intake")  # idempotent
    assert text.count('class="inline classify"') == 1

    case_id = text.split('action="/aftersales/cases/')[1].split("/")[0]
    status, _ = _post(
        client, f"/aftersales/cases/{case_id}/classify", data={"reason": "missing_item", "amount": "30"}
    )
    (claim,) = _claims(client)
    assert status == 200 and claim["supplier_member_id"] == "plain" and claim["advance_compensation"] is None


def test_page_speaks_english(client: TestClient) -> None:
    _record_wrong_item(client)

    text = html.unescape(client.get("/aftersales?lang=en").text)
    assert (
        "After-sales and supplier claims" in text
        and "Wrong item" in text
        and "advance compensation ¥5000.00" in text
    )
    assert 'href="/aftersales" class="active">After-sales</a>' in text
