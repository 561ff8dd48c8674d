"""Use cases for the user's own logistics data: import a rate card (xlsx), tax rules and costs (TOML).

Each file is read completely and validated with the parsers of ``documents`` before anything is
written; a file with any problem raises ``ImportRejected`` listing all of them and saves nothing.
These functions take a session and never commit: the command or request that calls them does.

What replaces what:
- a rate card is stored under its line and version; versions of a line coexist (each has its
  dates) and importing the same version again replaces it;
- a tax rule is stored under its ``rule_id``: importing it again replaces the previous import;
- costs are one document: importing replaces the previous costs. Costs the user imports are not
  ``sample`` unless the file says so.
Removing deactivates (the rows stay, with who imported what when); the shipped data shows again.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kuajing.kit.errors import NotFound
from kuajing.kit.importing import ImportProblem
from kuajing.logistics.documents import DocumentInvalid, parse_cost_policy, parse_tax_rule
from kuajing.logistics.import_errors import ImportRejected, problem_from
from kuajing.logistics.importers import VERSION_MAX, PathOrStream, RateCardImport, read_rate_card
from kuajing.logistics.landed import CostPolicy
from kuajing.logistics.repository import LogisticsDocuments
from kuajing.logistics.tables import KIND_COSTS, KIND_RATE_CARD, KIND_TAX_RULE
from kuajing.logistics.taxes import TaxRule

COSTS_KEY = "costs"


@dataclass(frozen=True, slots=True)
class Importer:
    """Who imports, when, and from which file (stored with each document)."""

    file_name: str
    now: datetime
    actor: str


def import_rate_card(
    session: Session, source: PathOrStream, by: Importer, *, dry_run: bool = False
) -> RateCardImport:
    result = read_rate_card(source, file_name=by.file_name)
    if not dry_run:
        card = result.card
        _save(session, KIND_RATE_CARD, card.line_id, card.version, result.document, by)
    return result


def remove_rate_card(session: Session, line_id: str, version: str | None = None) -> int:
    """Deactivate the user's card (one version, or all); the shipped card of the line shows again."""
    count = LogisticsDocuments(session).deactivate(KIND_RATE_CARD, line_id, version)
    if not count:
        which = f"{line_id} v{version}" if version else line_id
        raise NotFound(
            f"no imported rate card {which} (shipped cards cannot be removed)",
            f"没有导入的线路报价 {which}(内置报价不能删除)",
            details={"line": line_id, "version": version},
        )
    return count


def read_tax_rules(content: bytes, *, file_name: str) -> list[tuple[dict[str, Any], TaxRule]]:
    """Every ``[[rule]]`` of a TOML file, each validated; all problems in one ``ImportRejected``."""
    table = _toml(content, file_name, "rule")
    rules = table.get("rule")
    if not isinstance(rules, list) or not rules or not all(isinstance(rule, dict) for rule in rules):
        zh, en = "需要至少一个 [[rule]] 表", "at least one [[rule]] table is needed"
        raise ImportRejected(file_name, [ImportProblem(file_name, 0, "", zh, en, sheet="rule")])
    problems: list[ImportProblem] = []
    parsed: list[tuple[dict[str, Any], TaxRule]] = []
    first_seen: dict[str, int] = {}
    for index, document in enumerate(rules):
        where = f"rule[{index}]"
        try:
            rule = parse_tax_rule(document, f"{file_name} {where}", user_defined=True)
            _check_version(document, file_name, where)
        except DocumentInvalid as error:
            problems.append(_located(error, file_name, where))
            continue
        except (TypeError, ValueError, AttributeError) as error:  # a table where a value is due, …
            problems.append(
                ImportProblem(file_name, 0, "", f"格式错误: {error}", f"malformed: {error}", sheet=where)
            )
            continue
        if rule.rule_id in first_seen:
            zh = f"rule_id {rule.rule_id} 重复(rule[{first_seen[rule.rule_id]}])"
            en = f"rule_id {rule.rule_id} repeated (rule[{first_seen[rule.rule_id]}])"
            problems.append(ImportProblem(file_name, 0, "rule_id", zh, en, sheet=where))
            continue
        first_seen[rule.rule_id] = index
        parsed.append((document, rule))
    if problems:
        raise ImportRejected(file_name, problems)
    return parsed


def import_tax_rules(
    session: Session, content: bytes, by: Importer, *, dry_run: bool = False
) -> tuple[TaxRule, ...]:
    parsed = read_tax_rules(content, file_name=by.file_name)
    if not dry_run:
        documents = LogisticsDocuments(session)
        for document, rule in parsed:
            documents.deactivate(KIND_TAX_RULE, rule.rule_id)  # the newest import of a rule_id wins
            _save(session, KIND_TAX_RULE, rule.rule_id, _version_of(document), document, by)
    return tuple(rule for _document, rule in parsed)


def remove_tax_rule(session: Session, rule_id: str) -> int:
    count = LogisticsDocuments(session).deactivate(KIND_TAX_RULE, rule_id)
    if not count:
        raise NotFound(
            f"no imported tax rule {rule_id} (shipped rules cannot be removed; import one to override)",
            f"没有导入的税务规则 {rule_id}(内置规则不能删除,可导入同国家的规则覆盖)",
            details={"rule": rule_id},
        )
    return count


def read_costs(content: bytes, *, file_name: str) -> tuple[dict[str, Any], CostPolicy]:
    document = {"sample": False, **_toml(content, file_name, COSTS_KEY)}
    try:
        _check_version(document, file_name, COSTS_KEY)
        if not isinstance(document.get("commission_by_category", {}), Mapping):
            zh, en = "应为表 [commission_by_category]", "must be a table [commission_by_category]"
            raise ImportRejected(
                file_name, [ImportProblem(file_name, 0, "commission_by_category", zh, en, sheet=COSTS_KEY)]
            )
        return document, parse_cost_policy(document, file_name)
    except ImportRejected:
        raise
    except DocumentInvalid as error:
        raise ImportRejected(file_name, [_located(error, file_name, COSTS_KEY)]) from None


def import_costs(session: Session, content: bytes, by: Importer, *, dry_run: bool = False) -> CostPolicy:
    document, policy = read_costs(content, file_name=by.file_name)
    if not dry_run:
        LogisticsDocuments(session).deactivate(KIND_COSTS, COSTS_KEY)  # one costs document in force
        _save(session, KIND_COSTS, COSTS_KEY, _version_of(document), document, by)
    return policy


def remove_costs(session: Session) -> int:
    return LogisticsDocuments(session).deactivate(KIND_COSTS, COSTS_KEY)


def _save(
    session: Session, kind: str, key: str, version: str, document: Mapping[str, Any], by: Importer
) -> None:
    LogisticsDocuments(session).save(
        kind, key, version, document, source_file=by.file_name, imported_at=by.now, imported_by=by.actor
    )


def _version_of(document: Mapping[str, Any]) -> str:
    return str(document.get("version") or "1")


def _check_version(document: Mapping[str, Any], file_name: str, where: str) -> None:
    if len(_version_of(document)) > VERSION_MAX:
        zh, en = f"版本最多 {VERSION_MAX} 个字符", f"a version has at most {VERSION_MAX} characters"
        raise ImportRejected(file_name, [ImportProblem(file_name, 0, "version", zh, en, sheet=where)])


def _located(error: DocumentInvalid, file_name: str, where: str) -> ImportProblem:
    if isinstance(error, ImportRejected):
        return error.problems[0]
    return problem_from(error, file_name, where)


def _toml(content: bytes, file_name: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        zh, en = "文件须为 UTF-8 编码", "the file must be UTF-8 text"
    except tomllib.TOMLDecodeError as error:
        zh, en = f"TOML 格式错误: {error}", f"not valid TOML: {error}"
    raise ImportRejected(file_name, [ImportProblem(file_name, 0, "", zh, en, sheet=where)])
