"""Loading the EPR rules data (``data/epr_rules.toml``) into a dated ``RuleBook``, refusing a bad file
with every problem named (``ImportProblem``: file, table, field, reason in zh/en).

The rules version is a hash of the parsed data (not the file's bytes: comments do not count), so a
listing check made under other rules is recognised as stale and re-checked.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from kuajing.compliance.epr import EprRule, NumberFormat, ProductKind, QcFamily, RuleBook, Stream
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.importing import ImportProblem

FILE = "epr_rules.toml"


class RulesFileInvalid(ValidationFailed):
    code = "epr_rules_invalid"

    def __init__(self, problems: list[ImportProblem]) -> None:
        first = problems[0]
        super().__init__(
            f"{first.place()}: {first.reason_en}"
            + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
            f"{first.place()}:{first.reason_zh}"
            + (f"(另有 {len(problems) - 1} 处)" if len(problems) > 1 else ""),
            details={"problems": [p.to_dict() for p in problems]},
        )
        self.problems = problems


def rules_text(path: Path | None = None) -> str:
    if path is not None:
        return path.read_text("utf-8")
    return resources.files("kuajing.compliance").joinpath("data/epr_rules.toml").read_text("utf-8")


def _version(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ImportProblem] = []

    def problem(self, sheet: str, column: str, zh: str, en: str) -> None:
        self.problems.append(ImportProblem(self.file, 0, column, zh, en, sheet))

    def stream(self, sheet: str, column: str, value: Any) -> Stream | None:
        try:
            return Stream(str(value))
        except ValueError:
            names = ", ".join(s.value for s in Stream)
            self.problem(
                sheet, column, f"未知的类别 {value!r}(可选:{names})", f"unknown stream {value!r} ({names})"
            )
            return None

    def text(self, sheet: str, table: dict[str, Any], column: str, *, required: bool = True) -> str:
        value = table.get(column, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(sheet, column, "必填文本", "required text")
            return ""
        return value.strip()

    def rule(self, index: int, table: dict[str, Any]) -> EprRule | None:
        sheet = f"rule[{index}]"
        country = self.text(sheet, table, "country").upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            self.problem(sheet, "country", "国家应为两位代码", "country must be a two-letter code")
        stream = self.stream(sheet, "stream", table.get("stream"))
        required_from = table.get("required_from")
        if not isinstance(required_from, date):
            self.problem(
                sheet, "required_from", "应为日期(如 2025-10-07)", "must be a date (e.g. 2025-10-07)"
            )
        pattern = table.get("format")
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as error:
                self.problem(sheet, "format", f"正则无效:{error}", f"invalid regex: {error}")
        registry, source = self.text(sheet, table, "registry"), self.text(sheet, table, "source")
        if stream is None or not isinstance(required_from, date) or not country:
            return None
        fmt = NumberFormat(
            None if pattern is None else str(pattern),
            bool(table.get("strict", False)),
            str(table.get("example", "")),
        )
        return EprRule(country, stream, required_from, registry, source, fmt)

    def kind(self, index: int, table: dict[str, Any]) -> ProductKind | None:
        sheet = f"kind[{index}]"
        code = self.text(sheet, table, "code")
        ids = table.get("category_ids", [])
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            self.problem(sheet, "category_ids", "应为整数列表", "must be a list of whole numbers")
            ids = []
        streams = [self.stream(sheet, "streams", s) for s in table.get("streams", [])]
        family = table.get("qc_family")
        qc: QcFamily | None = None
        if family is not None:
            try:
                qc = QcFamily(str(family))
            except ValueError:
                self.problem(
                    sheet, "qc_family", "应为 apparel/electronics/beauty", "apparel, electronics or beauty"
                )
        return ProductKind(
            code,
            self.text(sheet, table, "name_zh"),
            self.text(sheet, table, "name_en"),
            frozenset(ids),
            tuple(str(word) for word in table.get("keywords", [])),
            frozenset(s for s in streams if s is not None),
            qc,
        )


def load_rule_book(path: Path | None = None, text: str | None = None, *, file: str = FILE) -> RuleBook:
    """The rules from ``text``, a file, or the shipped data; ``RulesFileInvalid`` lists every problem."""
    source = text if text is not None else rules_text(path)
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise RulesFileInvalid(
            [ImportProblem(file, 0, "", f"TOML 语法错误:{error}", f"TOML syntax: {error}")]
        ) from None
    reader = _Reader(file)
    rules = [reader.rule(i, table) for i, table in enumerate(data.get("rule", []), start=1)]
    kinds = [reader.kind(i, table) for i, table in enumerate(data.get("kind", []), start=1)]
    meta = data.get("meta", {})
    always = [reader.stream("meta", "always", s) for s in meta.get("always", ["packaging"])]
    function_keywords = {
        stream: tuple(str(w) for w in words)
        for name, words in data.get("function_keywords", {}).items()
        if (stream := reader.stream("function_keywords", name, name)) is not None
    }
    function_streams = {
        word: stream
        for word, name in data.get("function_streams", {}).items()
        if (stream := reader.stream("function_streams", word, name)) is not None
    }
    delisting: dict[str, date] = {}
    for country, day in data.get("delisting_from", {}).items():
        if isinstance(day, date):
            delisting[country.upper()] = day
        else:
            reader.problem("delisting_from", country, "应为日期", "must be a date")
    seen: set[tuple[str, Stream]] = set()
    for rule in rules:
        if rule is not None and (rule.country, rule.stream) in seen:
            reader.problem("rule", f"{rule.country}/{rule.stream.value}", "重复的规则", "duplicate rule")
        elif rule is not None:
            seen.add((rule.country, rule.stream))
    if reader.problems:
        raise RulesFileInvalid(reader.problems)
    return RuleBook(
        version=_version(data),
        rules=tuple(r for r in rules if r is not None),
        kinds=tuple(k for k in kinds if k is not None),
        always=frozenset(s for s in always if s is not None),
        function_keywords=function_keywords,
        function_streams=function_streams,
        delisting_from=delisting,
        default_markets=tuple(str(m).upper() for m in meta.get("default_markets", [])),
    )


_DEFAULT: list[RuleBook] = []


def default_rule_book() -> RuleBook:
    """The shipped rules, read once per process."""
    if not _DEFAULT:
        _DEFAULT.append(load_rule_book())
    return _DEFAULT[0]
