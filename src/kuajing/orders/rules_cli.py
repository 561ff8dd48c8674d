"""``kuajing rules``: SKU mapping rules from the command line — list, add, test, export, import.

Every rule is validated before it is saved (``rules_store.save_rule``) against the 1688 catalog as
the first buyer account's client reads it (``OfferSnapshots``): a bad regex, an unknown offer or a
spec the offer does not have is refused with every problem listed, and nothing is written.

Import matches rules on (kind, pattern, store): a row for a rule that already exists updates it, so
exporting, editing and importing the same sheet again does not duplicate rules. A sheet with any bad
row saves nothing (unless ``--good-rows-only``) and leaves ``FILE.rejects.xlsx`` to fix it from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuajing.accounts import audit
from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.importing import ImportProblem
from kuajing.kit.money import Money
from kuajing.kit.remote_clock import clock_for
from kuajing.orders.mapping import (
    DEFAULT_PRIORITY,
    MappingRuleInvalid,
    MatchKind,
    RuleProblem,
    SkuMappingRule,
    explain,
    sort_rules,
)
from kuajing.orders.mapping_xlsx import export_rules, import_rules, rejects_workbook
from kuajing.orders.rules_store import save_rule, to_rule
from kuajing.orders.tables import SkuMappingRuleRow
from kuajing.sourcing.snapshots import OfferSnapshots
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

rules_app = typer.Typer(no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        yield session


@contextmanager
def _catalog(session: Session) -> Iterator[OfferSnapshots]:
    """The 1688 catalog through the first buyer account; without one, only offers already read."""
    settings = get_settings()
    now = clock_for(settings.clock_url).now()
    accounts = StoreRepository(session).buyer_accounts()
    if not accounts:
        typer.secho(
            "! 没有 1688 采购账号:只能按已缓存的商品校验 / "
            "no 1688 buyer account: only cached offers are checked",
            fg="yellow",
            err=True,
        )
        yield OfferSnapshots(session, None, now=now)
        return
    with service.alibaba_client(accounts[0], settings) as client:
        yield OfferSnapshots(session, client, now=now)


def _stored_rules(session: Session) -> list[SkuMappingRule]:
    return sort_rules(to_rule(row) for row in session.scalars(select(SkuMappingRuleRow)))


def _variants(rule: SkuMappingRule) -> str:
    return "; ".join(f"{key}={spec}" for key, spec in rule.variant_map.items())


def _yuan(amount: Decimal) -> str:
    """12.300000 → "12.30"; sub-fen costs keep their digits (0.035 → "0.035")."""
    exact = amount.normalize()
    return f"{exact:f}" if -exact.as_tuple().exponent > 2 else f"{amount.quantize(Decimal('0.01')):f}"  # type: ignore[operator]


def _print_problems(problems: tuple[RuleProblem, ...] | list[RuleProblem]) -> None:
    for problem in problems:
        typer.secho(f"✗ {problem.field}: {problem.message_zh} / {problem.message_en}", fg="red", err=True)


def _print_row_errors(errors: tuple[ImportProblem, ...]) -> None:
    for error in errors:
        place = f"{error.file} 行 row {error.row}" + (f", 列 column {error.column}" if error.column else "")
        typer.secho(f"✗ {place}: {error.reason_zh} / {error.reason_en}", fg="red", err=True)


# --- list ------------------------------------------------------------------------------------------


@rules_app.command("list")
def list_rules() -> None:
    """Every rule, in the order they are tried (priority, then the more specific rule)."""
    with _session() as session:
        rules = _stored_rules(session)
    table = Table(title=f"SKU 映射规则 mapping rules ({len(rules)})")
    for header in (
        "#",
        "店铺 store",
        "类型 kind",
        "匹配 pattern",
        "1688 offer",
        "规格 spec",
        "变体 variants",
    ):
        table.add_column(header, overflow="fold")  # codes and spec ids are shown whole, never cut short
    for header in ("×", "优先级 priority", "成本 cost", "启用 on"):
        table.add_column(header)
    for rule in rules:
        table.add_row(
            str(rule.id),
            str(rule.store_id) if rule.store_id is not None else "all",
            rule.kind.value,
            rule.pattern,
            str(rule.offer_id),
            rule.spec_id or "-",
            _variants(rule) or "-",
            str(rule.quantity_multiplier),
            str(rule.priority),
            _yuan(rule.unit_cost.amount) if rule.unit_cost is not None else "-",
            "yes" if rule.enabled else "no",
        )
    Console().print(table)  # made per call: it sizes itself to the terminal (COLUMNS) of this run


# --- add -------------------------------------------------------------------------------------------


def _parse_variants(values: list[str]) -> dict[str, str]:
    variants: dict[str, str] = {}
    for value in values:
        key, sep, spec_id = value.partition("=")
        if not sep or not key.strip() or not spec_id.strip():
            raise typer.BadParameter(f"expected key=spec_id, got {value!r}", param_hint="--variant")
        variants[key.strip()] = spec_id.strip()
    return variants


def _parse_cost(value: str | None) -> Money | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.strip().lstrip("¥"))
    except InvalidOperation:
        raise typer.BadParameter(
            f"expected an amount in yuan, got {value!r}", param_hint="--unit-cost"
        ) from None
    if not amount.is_finite():
        raise typer.BadParameter(f"expected an amount in yuan, got {value!r}", param_hint="--unit-cost")
    return Money(amount, "CNY")


@rules_app.command("add")
def add_rule(
    kind: MatchKind = typer.Option(..., help="exact | prefix | regex"),
    pattern: str = typer.Option(..., help="The SKU code, its prefix, or a regex (full match)."),
    offer_id: int = typer.Option(..., help="1688 offer id."),
    spec_id: str | None = typer.Option(None, help="A fixed 1688 spec id (else looked up in --variant)."),
    variant: list[str] = typer.Option([], help="key=spec_id, repeatable: variant key → 1688 spec."),
    multiplier: int = typer.Option(1, help="1688 units bought per unit sold (2-pack → 2)."),
    priority: int = typer.Option(DEFAULT_PRIORITY, help="Lower is tried first."),
    store_id: int | None = typer.Option(None, help="Only for this store (default: every store)."),
    unit_cost: str | None = typer.Option(None, help="CNY unit cost now, e.g. 12.30 (price-moved check)."),
    note: str = typer.Option("", help="Free text."),
) -> None:
    """Add a rule after validating it against the 1688 catalog; exit 1 with every problem if invalid."""
    rule = SkuMappingRule(
        kind=kind,
        pattern=pattern,
        offer_id=offer_id,
        spec_id=spec_id,
        variant_map=_parse_variants(variant),
        quantity_multiplier=multiplier,
        priority=priority,
        store_id=store_id,
        unit_cost=_parse_cost(unit_cost),
        note=note,
    )
    with _session() as session:
        try:
            with _catalog(session) as catalog:
                row = save_rule(session, rule, catalog, now=catalog.now)
                after = {
                    "kind": row.kind,
                    "pattern": row.pattern,
                    "offer_id": row.offer_id,
                    "spec_id": row.spec_id,
                }
                audit.record(
                    session, audit.cli_actor(), "mapping.create", "sku_mapping_rule", row.id, None, after
                )
        except MappingRuleInvalid as invalid:
            session.rollback()
            typer.secho("规则无效,未保存 / invalid rule, nothing saved:", fg="red", err=True)
            _print_problems(invalid.problems)
            raise typer.Exit(1) from None
        session.commit()
        typer.echo(f"已保存规则 saved rule #{row.id}: {kind.value} {pattern!r} → offer {offer_id}")


# --- test ------------------------------------------------------------------------------------------


@rules_app.command("test")
def test_rule(
    sku_code: str = typer.Argument(..., help="The AliExpress sku_code to map."),
    store_id: int | None = typer.Option(None, help="As for an order of this store (default: no store)."),
) -> None:
    """Explain how SKU_CODE maps: every rule tried, in order, and why. Exit 1 if no rule maps it."""
    with _session() as session:
        trials = explain(sku_code, _stored_rules(session), store_id=store_id)
    typer.echo(f"SKU {sku_code!r}" + (f" (store {store_id})" if store_id is not None else ""))
    winner = None
    for trial in trials:
        rule = trial.rule
        mark = "✓" if trial.wins else "·"
        typer.echo(
            f"{mark} #{rule.id} {rule.kind.value} {rule.pattern!r} → offer {rule.offer_id} "
            f"(priority {rule.priority}): {trial.reason_zh} / {trial.reason_en}"
        )
        if trial.wins:
            winner = trial
    if winner is None:
        typer.secho(
            f"没有规则能映射 {sku_code!r}:订单会进入异常队列 / no rule maps {sku_code!r}: "
            "its orders go to the exception queue",
            fg="yellow",
        )
        raise typer.Exit(1)
    typer.echo(
        f"→ 规则 rule #{winner.rule.id}: offer {winner.rule.offer_id} spec {winner.spec_id} "
        f"× {winner.rule.quantity_multiplier}"
    )


# --- export / import -----------------------------------------------------------------------------


@rules_app.command("export")
def export(path: Path = typer.Argument(..., help="The .xlsx file to write.")) -> None:
    """Write every rule to an xlsx sheet (映射规则), the format `rules import` reads."""
    with _session() as session:
        rules = _stored_rules(session)
    export_rules(rules, path)
    typer.echo(f"已导出 exported {len(rules)} rule(s) to {path}")


def rejects_path(path: Path) -> Path:
    """``rules.xlsx`` → ``rules.rejects.xlsx`` next to it."""
    return path.with_name(f"{path.stem}.rejects{path.suffix or '.xlsx'}")


def _same_rule_key(rule: SkuMappingRule) -> tuple[str, str, int | None]:
    return (rule.kind.value, rule.pattern, rule.store_id)


@rules_app.command("import")
def import_(
    path: Path = typer.Argument(..., help="The .xlsx file to read."),
    good_rows_only: bool = typer.Option(
        False, "--good-rows-only", help="Save the valid rows even when others are bad."
    ),
) -> None:
    """Import rules from xlsx: all valid → saved; else every bad row listed, FILE.rejects.xlsx, exit 1."""
    with _session() as session:
        with _catalog(session) as catalog:
            result = import_rules(path, catalog, file_name=path.name)
            to_save = result.rules if result.ok else (result.good_rules if good_rows_only else ())
            existing = {_same_rule_key(rule): rule.id for rule in _stored_rules(session)}
            for rule in to_save:
                row = save_rule(
                    session, replace(rule, id=existing.get(_same_rule_key(rule))), catalog, now=catalog.now
                )
                after = {"pattern": row.pattern, "offer_id": row.offer_id, "file": path.name}
                audit.record(
                    session, audit.cli_actor(), "mapping.import", "sku_mapping_rule", row.id, None, after
                )
        session.commit()
    if result.ok:
        typer.echo(f"已导入 imported {len(to_save)} rule(s) from {path}")
        return
    _print_row_errors(result.errors)
    rejects = rejects_path(path)
    rejects.write_bytes(rejects_workbook(result.errors))
    bad_rows = len({error.row for error in result.errors})
    typer.secho(
        f"{bad_rows} 行有错误 row(s) with errors; 见 see {rejects}. "
        + (
            f"已保存其余 {len(to_save)} 条 saved the other {len(to_save)} rule(s)."
            if good_rows_only
            else "未保存任何规则 nothing saved."
        ),
        fg="red",
        err=True,
    )
    raise typer.Exit(1)


__all__ = ["rejects_path", "rules_app"]
