"""Every state-change reason the code writes has a Chinese and an English text.

The source is read, not run: each call that stores a reason (``record_change``, ``set_order_state``,
``resolve_exception`` …) is found with ``ast``; a literal or f-string reason is filled with sample
values and must be known to the catalogue; a reason built elsewhere must be one of the few helpers
listed in ``BUILT_ELSEWHERE``, each checked here by calling it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuajing.orders.exceptions import opened_reason
from kuajing.orders.reasons import ReasonCode
from kuajing.orders.routing_service import exception_reason, planned_reason, routed_reason
from kuajing.purchasing.change_reasons import CATALOGUE, FIELD_ZH, explain
from kuajing.purchasing.model import PurchasePlan

SOURCE = Path(__file__).resolve().parents[3] / "src" / "kuajing"
# the writers and where their reason is: keyword name, or (for positional calls) its index
WRITERS: dict[str, tuple[str, int | None]] = {
    "record_change": ("reason", None),
    "change_values": ("reason", None),
    "set_line_state": ("reason", None),
    "set_order_state": ("reason", None),
    "set_purchase_state": ("reason", None),
    "resolve_exception": ("resolution", None),
    "resolve_open": ("resolution", None),
    "_resolve_flags": ("resolution", None),
    "_change": ("reason", 4),
    "_set_order": ("reason", 5),
}
# Reasons passed on from a parameter or built by a helper (each helper's output is checked below).
BUILT_ELSEWHERE = {
    "reason",
    "resolution",
    "text",
    "label",
    "None",
    "code.value",
    "opened_reason(values)",
    "exception_reason(reasons)",
    "exception_reason(decision.reasons)",
    "routed_reason(line.buy_quantity, line.offer_id, line.spec_id)",
    "planned_reason(plan)",
}
# The values a field takes where the sentence depends on them.
SAMPLES = {
    "send_type": ("all", "part"),
    "kind": ("exact", "prefix", "regex"),
    "code.value": ("carrier_not_approved",),
}


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "sandbox" not in path.parts:
            yield str(path.relative_to(SOURCE)), ast.parse(path.read_text())


def _reason_of(call: ast.Call) -> ast.expr | None:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    keyword, index = WRITERS[name]
    for argument in call.keywords:
        if argument.arg == keyword:
            return argument.value
    return call.args[index] if index is not None and len(call.args) > index else None


def _written() -> list[tuple[str, ast.expr]]:
    """(where, the reason expression) for every writer call in the source."""
    found = []
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if called in WRITERS:
                    reason = _reason_of(node)
                    if reason is not None:  # the definitions' own pass-through calls have one
                        found.append((f"{name}:{node.lineno}", reason))
    return found


def _hows() -> list[str]:
    """``how=`` texts purchasing.service passes to the "{how}: 1688 order …" reason."""
    hows = []
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "how":
                hows.extend(_fill(node.value))
    return hows


def _fill(expr: ast.expr) -> list[str]:
    """A literal or f-string with each value replaced by a sample: every combination."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.BoolOp):  # ``resolution or f"…"``
        return [text for value in expr.values for text in _fill(value)]
    if isinstance(expr, ast.JoinedStr):
        texts = [""]
        for part in expr.values:
            if isinstance(part, ast.Constant):
                texts = [text + str(part.value) for text in texts]
            else:
                assert isinstance(part, ast.FormattedValue)
                source = ast.unparse(part.value)
                key = source.split(".")[-1] if source not in SAMPLES else source
                options = _hows() if source == "how" else SAMPLES.get(key, ("X7",))
                texts = [text + option for text in texts for option in options]
        return texts
    return []


def test_every_reason_the_code_writes_is_in_the_catalogue_in_both_languages() -> None:
    written = _written()
    assert len(written) > 40  # the scan found the writers
    unknown = []
    for where, expr in written:
        source = ast.unparse(expr)
        if source in BUILT_ELSEWHERE:
            continue
        texts = _fill(expr)
        assert texts, f"{where}: a reason built as {source}; list it in BUILT_ELSEWHERE and check it here"
        unknown.extend(f"{where}: {text}" for text in texts if explain(text).code is None)
    assert not unknown, unknown


def test_the_helpers_that_build_reasons_write_ones_the_catalogue_knows() -> None:
    plan = PurchasePlan(out_order_id="AE1-1", supplier_member_id="b2b-1", cargo=(), line_ids=())
    built = [
        opened_reason({"reason_code": "unmapped_sku", "message_en": "SKU X is not mapped"}),
        exception_reason([ReasonCode.UNMAPPED_SKU, ReasonCode.OUT_OF_STOCK]),
        exception_reason([ReasonCode.PRICE_MOVED]),
        ReasonCode.SUPPLIER_REFUSED.value,
        routed_reason(2, 610001, "S1"),
        planned_reason(plan),
        "cancelled by user:boss",
        "tracking not uploadable: carrier_not_approved",
    ]
    for text in built:
        assert explain(text).code is not None, text


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.code)
def test_each_entry_reads_back_its_own_sentence_in_chinese_and_english(entry: object) -> None:
    from kuajing.purchasing.change_reasons import ChangeReason

    assert isinstance(entry, ChangeReason)
    assert entry.zh and entry.en and entry.zh != entry.en
    samples = {"codes": "unmapped_sku", "code": "out_of_stock", "send_type": "all", "kind": "exact"}
    stored = entry.en.format(**{name: samples.get(name, "X7") for name in re.findall(r"\{(\w+)\}", entry.en)})
    zh, en = explain(stored, "zh-CN"), explain(stored, "en")
    assert zh.code == en.code == entry.code  # no entry above it takes its sentence
    assert en.text == stored
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", entry.zh)), entry.zh  # no English words
    assert re.search(r"[\u4e00-\u9fff]", zh.text)


def test_a_reason_no_entry_knows_is_shown_as_stored_in_both_languages() -> None:
    for lang in ("zh-CN", "en"):
        shown = explain("checked by hand on the phone", lang)
        assert shown.code is None and shown.text == "checked by hand on the phone"


def test_values_are_translated_and_a_platform_message_is_quoted_not_translated() -> None:
    assert explain("tracking LP1 uploaded (part)").text == "运单号 LP1 已上传(部分发货)"
    assert explain("unmapped_sku, out_of_stock").text.count("、") == 1
    refused = explain("1688 refused: 500_001 the supplier closed the shop")
    assert refused.text == "1688 拒绝下单:500_001" and refused.quoted == "the supplier closed the shop"
    assert explain("not_a_code").code is None  # "{codes}" only takes reason codes
    assert set(FIELD_ZH) >= {"codes", "send_type"}
    assert len({entry.code for entry in CATALOGUE}) == len(CATALOGUE)
