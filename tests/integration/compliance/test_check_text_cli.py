"""``kuajing compliance check-text`` through the real command line (typer's CliRunner on the root
app): the guide's PVC phone case titled 硅胶, the stable JSON, the table and the exit codes."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from kuajing.cli import app

runner = CliRunner()
GUIDE_CASE = ["compliance", "check-text", "--title", "iPhone 15 硅胶手机壳 防摔", "--offer-attr", "材质=PVC"]


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_guide_pvc_case_titled_silicone_is_a_material_mismatch_with_evidence_and_a_pvc_title() -> None:
    data = run_json(*GUIDE_CASE)
    (conflict,) = data["conflicts"]
    assert conflict["kind"] == "material_mismatch"
    assert conflict["severity"] == "error"
    assert "硅胶" in conflict["listing_says"]
    assert "silicone" in conflict["listing_says"]
    assert conflict["offer_says"] == "PVC"
    spans = {(e["source"], e["field"], e["text"][e["start"] : e["end"]]) for e in conflict["evidence"]}
    assert spans == {("listing_title", "title", "硅胶"), ("offer_attributes", "材质", "PVC")}
    assert data["proposed_title"] == "iPhone 15 PVC手机壳 防摔"
    assert data["proposed_attributes"] == {"材质": "PVC"}
    assert data["truth"] == {"source": "offer_attributes", "materials": ["pvc"]}


def test_json_lists_materials_and_functions_per_source() -> None:
    data = run_json(*GUIDE_CASE)
    assert list(data["found"]) == ["listing_title", "listing_attributes", "offer_title", "offer_attributes"]
    title = data["found"]["listing_title"]
    assert [(m["canonical"], m["family"], m["matched"]) for m in title["materials"]] == [
        ("silicone", "rubber", "硅胶")
    ]
    assert [f["canonical"] for f in title["functions"]] == ["shockproof"]
    assert [m["canonical"] for m in data["found"]["offer_attributes"]["materials"]] == ["pvc"]
    assert data["found"]["listing_attributes"] == {"materials": [], "functions": [], "negated": []}


def test_the_json_is_stable_from_run_to_run() -> None:
    first = runner.invoke(app, [*GUIDE_CASE, "--json"]).output
    assert runner.invoke(app, [*GUIDE_CASE, "--json"]).output == first


def test_repeated_attributes_and_offer_title_reach_the_check() -> None:
    data = run_json(
        "compliance", "check-text",
        "--title", "Magnetic Phone Holder",
        "--attr", "Material=Aluminum Alloy",
        "--attr", "Battery Included=No",
        "--offer-title", "磁吸车载手机支架 无线充电 内置电池",
        "--offer-attr", "材质=铝合金",
        "--offer-attr", "是否带电池=是",
    )  # fmt: skip
    kinds = {(c["kind"], tuple(c["subject"])) for c in data["conflicts"]}
    assert kinds == {("function_missing_in_listing", ("battery",))}
    (battery,) = data["conflicts"]
    assert battery["listing_says"] == "无电池 / no battery"
    assert data["proposed_attributes"]["Battery Included"] == "Yes"


def test_readable_table_shows_the_conflict_and_the_highlighted_words() -> None:
    result = runner.invoke(app, GUIDE_CASE)
    assert result.exit_code == 0, result.output
    assert "material_mismatch" in result.output
    assert "iPhone 15 【硅胶】手机壳 防摔" in result.output
    assert "建议标题 / Proposed title: iPhone 15 PVC手机壳 防摔" in result.output


def test_no_conflict_exits_zero_and_says_so() -> None:
    result = runner.invoke(
        app, ["compliance", "check-text", "--title", "TPU手机壳", "--offer-attr", "材质=TPU"]
    )
    assert result.exit_code == 0
    assert "没有冲突 / No conflicts." in result.output


def test_an_attribute_without_equals_sign_is_bad_input_exit_2() -> None:
    result = runner.invoke(
        app, ["compliance", "check-text", "--title", "手机壳", "--attr", "材质PVC", "--json"]
    )
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output


def test_an_offer_attribute_with_an_empty_name_is_bad_input_exit_2() -> None:
    result = runner.invoke(app, ["compliance", "check-text", "--title", "手机壳", "--offer-attr", "=PVC"])
    assert result.exit_code == 2
