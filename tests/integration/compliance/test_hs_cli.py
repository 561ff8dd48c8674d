"""`kuajing hs suggest|confirm|confirmations` through typer's CliRunner on a migrated SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate

runner = CliRunner()
TITLE = "Aluminium Alloy Magnetic Car Phone Holder Dashboard Mount"


@pytest.fixture(autouse=True)
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    url = f"sqlite:///{tmp_path / 'hs.sqlite3'}"
    migrate.upgrade(url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["hs", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_suggest_json_prints_ranked_candidates_with_heading_confidence_and_evidence() -> None:
    found = json.loads(
        _run("suggest", "--title", "Clear Phone Case", "--attr", "Material=PVC", "--top", "3", "--json")
    )
    assert [set(item) >= {"hs6", "confidence", "heading", "evidence"} for item in found] == [True] * 3
    assert found[0]["hs6"] == "392690" and found[0]["heading"].startswith("39 Plastics")
    assert {"term": "pvc", "source": "material", "code": "39"} in found[0]["evidence"]
    shares = [item["confidence"] for item in found]
    assert shares == sorted(shares, reverse=True) and sum(shares) <= 1


def test_confirm_then_suggest_ranks_the_confirmed_code_first_and_lists_it() -> None:
    assert json.loads(_run("suggest", "--title", TITLE, "--json"))[0]["hs6"] != "830230"
    assert "已确认/confirmed #1: 830230" in _run(
        "confirm", "--title", TITLE, "--hs6", "830230", "--note", "查过"
    )
    assert json.loads(_run("suggest", "--title", TITLE, "--json"))[0]["hs6"] == "830230"
    (row,) = json.loads(_run("confirmations", "--json"))
    assert (row["hs6"], row["source"], row["confirmed_by"], row["note"]) == ("830230", "user", "cli", "查过")
    assert "#1 830230 [user]" in _run("confirmations")


def test_text_output_shows_rank_share_heading_and_evidence() -> None:
    output = _run("suggest", "--title", "纯棉短袖T恤 男", "--no-confirmations")
    assert output.startswith("1. 610910 ") and "依据/evidence: 纯棉 (material)" in output


def test_unknown_code_exits_1_and_a_bad_attribute_2_both_in_both_languages() -> None:
    refused = runner.invoke(app, ["hs", "confirm", "--title", "PVC phone case", "--hs6", "999999"])
    assert (
        refused.exit_code == 1
        and "hs_code_unknown" in refused.output
        and "HS 2022 的六位子目" in refused.output
    )
    bad = runner.invoke(app, ["hs", "suggest", "--title", "x", "--attr", "Material"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output and "键=值" in bad.output  # a usage error
