"""`kuajing aftersales` through typer's CliRunner on a migrated SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def settings(seeded_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KUAJING_DATABASE_URL", seeded_sqlite_url)
    monkeypatch.setenv("KUAJING_AFTERSALES_FOLDER", str(tmp_path / "evidence"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["aftersales", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_record_evidence_and_list_json(tmp_path: Path) -> None:
    output = _run(
        "record", "--order", "8001", "--reason", "wrong_item", "--amount", "6200", "--notes", "错发"
    )
    assert "claim 1 (open)" in output and "¥5000.00" in output
    for kind in ("chat_record", "sign_off_proof", "unboxing_video"):
        file = tmp_path / f"{kind}.bin"
        file.write_bytes(b"x")
        _run("evidence", "1", kind, str(file))

    (claim,) = json.loads(_run("list", "--json"))
    assert claim["state"] == "evidence_complete" and claim["advance_compensation"] == "5000.00"
    assert claim["missing_evidence"] == [] and claim["supplier_member_id"] == "guaranteed"
    assert "claim 1 evidence_complete guaranteed missing:-" in _run("list")


def test_intake_and_suppliers_json() -> None:
    assert "导入/taken in: 1 (8002)" in _run("intake")
    assert "导入/taken in: 0" in _run("intake")
    _run("record", "--order", "8002", "--reason", "missing_item", "--amount", "30")

    assert json.loads(_run("suppliers", "--json")) == [
        {"supplier_member_id": "plain", "claims": 1, "open": 1, "recovered": "0.00", "currency": "CNY"}
    ]


def test_refused_settle_exits_1_with_both_languages() -> None:
    _run("record", "--order", "8001", "--reason", "damaged_packaging", "--amount", "10")

    result = runner.invoke(app, ["aftersales", "settle", "1", "recovered", "--amount", "10"])
    assert result.exit_code == 1
    assert "claim_transition_refused" in result.output and "索赔不能从 open 变为 recovered" in result.output
