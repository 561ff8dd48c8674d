"""``kuajing lines import|export|remove``, ``kuajing duties …`` and ``kuajing costs …``: the user's data.

A file is validated completely before anything is saved; a bad file prints every problem (file,
sheet or table, row, column, reason in Chinese and English) and exits 1 with nothing written.
The command commits; the use cases (``user_documents``) never do.
"""

from __future__ import annotations

import getpass
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit import cli_values as cli_args
from kuajing.kit.errors import KuajingError, NotFound, ValidationFailed
from kuajing.kit.remote_clock import clock_for
from kuajing.logistics import user_documents as use
from kuajing.logistics.catalog import LogisticsCatalog, shipped_catalog
from kuajing.logistics.import_errors import ImportRejected
from kuajing.logistics.importers import export_rate_card
from kuajing.logistics.landed import CostPolicy
from kuajing.logistics.repository import LogisticsDocuments
from kuajing.logistics.service import catalog_for
from kuajing.logistics.tables import KIND_COSTS
from kuajing.logistics.taxes import TaxRule, TaxRuleBook

duties_app = typer.Typer(no_args_is_help=True)
costs_app = typer.Typer(no_args_is_help=True)
console = Console()


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _reported() -> Iterator[None]:
    """A KuajingError becomes its messages in both languages (every problem of a file) and exit 1."""
    try:
        yield
    except ImportRejected as error:
        typer.secho(
            f"✗ {error.details['file']}: 文件有错误,未保存 / problems found, nothing saved:",
            fg="red",
            err=True,
        )
        for problem in error.problems:
            typer.secho(f"  {problem.place()}: {problem.reason_zh} / {problem.reason_en}", fg="red", err=True)
        raise typer.Exit(1) from None
    except KuajingError as error:
        typer.secho(f"✗ {error.message_zh}\n  {error.message_en}", fg="red", err=True)
        raise typer.Exit(1) from None


def _importer(path: Path, by: str | None) -> use.Importer:
    now = clock_for(get_settings().clock_url).now()
    return use.Importer(file_name=path.name, now=now, actor=by or _whoami())


def _audit(session: Session, by: str | None, action: str, kind: str, key: str, after: Any) -> None:
    """Settings, cost and rate-card changes in the audit log (``accounts.audit``)."""
    from kuajing.accounts.audit import record

    record(session, by or _whoami(), action, kind, key, None, after)


def _whoami() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise NotFound(
            f"cannot read {path}: {error.strerror}", f"无法读取 {path}: {error.strerror}"
        ) from None


def _catalog(session: Session) -> LogisticsCatalog:
    return catalog_for(session, get_settings())


By = Annotated[str | None, typer.Option("--by", help="Who imports (stored with the data; default cli:USER)")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check the file and say what would change; save nothing")
]


# --- lines -----------------------------------------------------------------------------------------


def import_line(
    path: Annotated[Path, typer.Argument(help="The rate card as xlsx (the layout `lines export` writes)")],
    dry_run: DryRun = False,
    by: By = None,
) -> None:
    """Import a rate card from xlsx; for its dates it wins over the shipped card of the same line."""
    with _reported(), _session() as session:
        result = use.import_rate_card(session, io.BytesIO(_read(path)), _importer(path, by), dry_run=dry_run)
        if not dry_run:
            card = result.card
            after = {"file": path.name, "version": card.version, "valid_from": card.valid_from}
            _audit(session, by, "rate_card.import", "rate_card", card.line_id, after)
        session.commit()
    card = result.card
    bands = sum(len(zone.bands) for zone in card.zones)
    summary = (
        f"{card.line_id} v{card.version} ({card.valid_from} → {card.valid_to or '…'}): "
        f"{len(card.zones)} 分区 zone(s), {bands} 重量段 band(s), {len(card.countries())} 国家 countries"
    )
    shipped = [c for c in shipped_catalog().cards if c.line_id == card.line_id]
    if dry_run:
        typer.echo(f"文件有效,未保存 / valid, nothing saved (--dry-run): {summary}")
    else:
        typer.echo(f"已导入 imported {summary}")
    if shipped:
        typer.echo(f"  覆盖内置线路 overrides the shipped line {card.line_id} on these dates")
    if card.sample:
        typer.secho("  ! 标记为样例价格 marked as sample prices", fg="yellow")


def export_line(
    line_id: Annotated[str, typer.Argument(help="The line (see `kuajing lines list`)")],
    out: Annotated[Path, typer.Option("--out", help="The .xlsx file to write")],
    version: Annotated[
        str | None, typer.Option(help="This version of the card (default: in force on --date)")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="The card in force on this date (default today)")
    ] = None,
) -> None:
    """Write a rate card (yours or a shipped one) as xlsx: edit it in Excel, then `lines import` it."""
    with _reported(), _session() as session:
        catalog = _catalog(session)
        if version is None:
            card = catalog.card(line_id, cli_args.day(on))
        else:
            found = [c for c in catalog.cards if c.line_id == line_id and c.version == version]
            if not found:
                raise NotFound(f"no rate card {line_id} v{version}", f"没有线路报价 {line_id} v{version}")
            card = found[-1]  # a user's card comes after the shipped one
        export_rate_card(card, out)
    origin = "你导入的 your import" if catalog.is_user_card(card) else "内置 shipped"
    typer.echo(f"已导出 exported {card.line_id} v{card.version} ({origin}) → {out}")


def remove_line(
    line_id: Annotated[str, typer.Argument(help="The line whose imported card to remove")],
    version: Annotated[
        str | None, typer.Option(help="Only this version (default: every imported version)")
    ] = None,
) -> None:
    """Remove your imported card of a line; the shipped card (if any) is in force again."""
    with _reported(), _session() as session:
        count = use.remove_rate_card(session, line_id, version)
        _audit(
            session, None, "rate_card.remove", "rate_card", line_id, {"version": version, "removed": count}
        )
        session.commit()
    typer.echo(f"已移除 removed {count} imported card(s) of {line_id}")


def register_line_data_commands(lines_app: typer.Typer) -> None:
    """Add ``import``, ``export`` and ``remove`` to the ``kuajing lines`` group."""
    lines_app.command("import")(import_line)
    lines_app.command("export")(export_line)
    lines_app.command("remove")(remove_line)


# --- duties ----------------------------------------------------------------------------------------


@duties_app.command("import")
def import_duties(
    path: Annotated[Path, typer.Argument(help="TOML with one or more [[rule]] tables (as tax_rules.toml)")],
    dry_run: DryRun = False,
    by: By = None,
) -> None:
    """Import duty/VAT rules; for their countries and dates they win over the shipped rules."""
    with _reported(), _session() as session:
        rules = use.import_tax_rules(session, _read(path), _importer(path, by), dry_run=dry_run)
        if not dry_run:
            ids = [rule.rule_id for rule in rules]
            _audit(
                session,
                by,
                "tax_rules.import",
                "tax_rule",
                ",".join(ids)[:80],
                {"file": path.name, "rules": ids},
            )
        session.commit()
    verb = "文件有效,未保存 / valid, nothing saved (--dry-run)" if dry_run else "已导入 imported"
    typer.echo(f"{verb}: {len(rules)} rule(s)")
    for rule in rules:
        typer.echo(
            f"  {rule.rule_id}: {', '.join(rule.countries)} {rule.valid_from} → {rule.valid_to or '…'}"
        )


def _applying(book: TaxRuleBook, country: str, day: date) -> TaxRule | None:
    try:
        return book.rule_for(country, day)
    except NotFound:
        return None


def _rule_dict(rule: TaxRule, day: date, applies: bool) -> dict[str, Any]:
    return {
        "rule_id": rule.rule_id,
        "origin": "user" if rule.user_defined else "shipped",
        "countries": list(rule.countries),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "in_force": rule.valid_from <= day and (rule.valid_to is None or day < rule.valid_to),
        "applies": applies,
        "currency": rule.currency,
        "to_confirm": rule.to_confirm,
        "sample_rates": rule.sample_rates,
        "source": rule.source,
        "note": rule.note,
    }


@duties_app.command("list")
def list_duties(
    country: Annotated[
        str | None, typer.Option(help="Only rules for this country, and the one that applies")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Date the rule must be in force (default today)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Duty/VAT rules (shipped and yours); with --country, which one applies on the date."""
    with _reported(), _session() as session:
        day = cli_args.day(on)
        book = _catalog(session).rules
        code = country.strip().upper() if country else None
        if code is not None and not (len(code) == 2 and code.isalpha()):
            raise ValidationFailed(
                f"--country: not an ISO code: {country!r}", f"--country: 不是国家代码: {country!r}"
            )
        chosen = _applying(book, code, day) if code else None
    rules = [r for r in book.rules if code is None or code in r.countries or r.countries == ("*",)]
    rows = [_rule_dict(rule, day, rule is chosen) for rule in rules]
    if as_json:
        payload = {"date": day.isoformat(), "country": code, "applies": chosen.rule_id if chosen else None}
        typer.echo(json.dumps({**payload, "rules": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(
        "", "rule", "来源 origin", "countries", "valid", "待确认 to confirm", "source", title=str(day)
    )
    for row in rows:
        countries = ", ".join(row["countries"][:6]) + (" …" if len(row["countries"]) > 6 else "")
        table.add_row(
            "✓" if row["applies"] else ("·" if row["in_force"] else ""),
            row["rule_id"],
            "你的 user" if row["origin"] == "user" else "内置 shipped",
            countries,
            f"{row['valid_from']} → {row['valid_to'] or '…'}",
            "是 yes" if row["to_confirm"] else "",
            row["source"],
        )
    console.print(table)
    if chosen is not None:
        typer.echo(f"{code} {day}: {chosen.rule_id} ({'user' if chosen.user_defined else 'shipped'})")


@duties_app.command("remove")
def remove_duty(rule_id: Annotated[str, typer.Argument(help="The rule_id of a rule you imported")]) -> None:
    """Remove a rule you imported; the shipped rules apply again."""
    with _reported(), _session() as session:
        use.remove_tax_rule(session, rule_id)
        _audit(session, None, "tax_rules.remove", "tax_rule", rule_id, None)
        session.commit()
    typer.echo(f"已移除 removed {rule_id}")


# --- costs -----------------------------------------------------------------------------------------


def _policy_dict(policy: CostPolicy, origin: str) -> dict[str, Any]:
    return {
        "origin": origin,
        "source": policy.source,
        "sample": policy.sample,
        "commission_by_category": {key: str(rate) for key, rate in policy.commission_by_category.items()},
        "payment_fee_rate": str(policy.payment_fee_rate),
        "ads_rate": str(policy.ads_rate),
        "returns_rate": str(policy.returns_rate),
        "packaging_cny": str(policy.packaging_cny),
        "domestic_freight_cny": str(policy.domestic_freight_cny),
        "target_margin": str(policy.target_margin),
        "margin_floor": str(policy.margin_floor),
    }


@costs_app.command("show")
def show_costs(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """The costs in force (yours if imported, else the shipped sample), after KUAJING_ settings."""
    with _reported(), _session() as session:
        policy = _catalog(session).policy
        imported = LogisticsDocuments(session).list(KIND_COSTS)
    origin = "user" if imported else "shipped"
    data = _policy_dict(policy, origin)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("", "", title=f"costs 成本设置 ({'你导入的 your import' if imported else '内置 shipped'})")
    for key, value in data.items():
        shown = ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
        table.add_row(key, shown)
    console.print(table)
    if policy.sample:
        typer.secho("! 样例数据:请导入你的成本 sample figures: `kuajing costs import FILE.toml`", fg="yellow")


@costs_app.command("import")
def import_costs(
    path: Annotated[Path, typer.Argument(help="TOML in the shape of costs.toml")],
    dry_run: DryRun = False,
    by: By = None,
) -> None:
    """Import your costs (commission, fees, allowances, margins); they replace the shipped sample."""
    with _reported(), _session() as session:
        policy = use.import_costs(session, _read(path), _importer(path, by), dry_run=dry_run)
        if not dry_run:
            after = {
                "file": path.name,
                "target_margin": policy.target_margin,
                "margin_floor": policy.margin_floor,
            }
            _audit(session, by, "costs.import", "costs", "costs", after)
        session.commit()
    verb = "文件有效,未保存 / valid, nothing saved (--dry-run)" if dry_run else "已导入 imported"
    typer.echo(
        f"{verb}: costs from {path.name} (target margin {policy.target_margin}, floor {policy.margin_floor})"
    )


@costs_app.command("remove")
def remove_costs() -> None:
    """Remove your imported costs; the shipped sample applies again."""
    with _reported(), _session() as session:
        count = use.remove_costs(session)
        _audit(session, None, "costs.remove", "costs", "costs", {"removed": count})
        session.commit()
    typer.echo(
        "已移除 removed your costs" if count else "没有导入的成本 no imported costs: nothing to remove"
    )


__all__ = ["costs_app", "duties_app", "register_line_data_commands"]
