"""``kuajing offers``: the sourcing workbench's offers from the command line — import, fetch, count, list.

``import`` reads an xlsx or csv file; with any bad row it writes nothing and exits 1 (unless
``--good-rows-only``), listing every problem (and ``--rejects PATH`` writes them as an xlsx).
``--json`` keeps stdout to the one JSON document; the progress bar goes to stderr otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.importing import ImportProblem
from kuajing.sourcing.import_files import OpenedFile
from kuajing.sourcing.importers import ReadReport, rejects_workbook
from kuajing.sourcing.offers_service import fetch_offers, import_offers_file
from kuajing.sourcing.repository import SourcingRepository
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

offers_app = typer.Typer(no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        yield session


def _rejected(problem: ImportProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": f"{problem.reason_zh} / {problem.reason_en}",
        "file": problem.file,
        "sheet": problem.sheet,
        "reason_zh": problem.reason_zh,
        "reason_en": problem.reason_en,
    }


def _parse_map(values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        name, sep, header = value.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise typer.BadParameter(f"expected field=Header, got {value!r}", param_hint="--map")
        mapping[name.strip()] = header.strip()
    return mapping


@offers_app.command("import")
def import_(
    path: Path = typer.Argument(..., help="The .xlsx or .csv file (UTF-8 or GBK)."),
    good_rows_only: bool = typer.Option(
        False, "--good-rows-only", help="Save the good rows even when others are bad."
    ),
    map_: list[str] = typer.Option(
        [], "--map", help="field=Header, repeatable: map a column by hand (remembered)."
    ),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="Write the bad rows and reasons to this xlsx."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Import offers, specs and suppliers from a file; exit 1 with every problem if a row is bad."""
    mapping = _parse_map(map_)
    progress = Progress(
        TextColumn("导入 importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=as_json, transient=True,
    )  # fmt: skip
    task = progress.add_task("rows", total=None)

    def opened(file: OpenedFile) -> None:
        progress.update(task, total=file.total_rows)

    with _session() as session, progress:
        outcome = import_offers_file(
            SourcingRepository(session),
            path,
            now=datetime.now(UTC),
            mapping=mapping,
            good_rows_only=good_rows_only,
            on_open=opened,
            progress=lambda done: progress.advance(task, done),
        )
        if outcome.keep:
            session.commit()
        else:
            session.rollback()
    if rejects is not None and outcome.problems:
        report = outcome.report or ReadReport(problems=list(outcome.problems))
        rejects.write_bytes(rejects_workbook(outcome.headers, report))
    reply = {
        "imported": outcome.imported,
        "unchanged": outcome.unchanged,
        "rejected": [_rejected(problem) for problem in outcome.problems],
    }
    if as_json:
        typer.echo(json.dumps(reply, ensure_ascii=False))
    else:
        _print_outcome(reply, outcome.problems, outcome.plan.ignored if outcome.plan else ())
    if outcome.problems:
        raise typer.Exit(1)


def _print_outcome(reply: dict[str, Any], problems: list[ImportProblem], ignored: tuple[str, ...]) -> None:
    for problem in problems:
        typer.secho(f"✗ {problem.place()}: {problem.reason_zh} / {problem.reason_en}", fg="red", err=True)
    if ignored:
        typer.secho(f"未使用的列 ignored columns: {', '.join(ignored)}", fg="yellow", err=True)
    typer.echo(
        f"已导入 imported {reply['imported']}, 未变 unchanged {reply['unchanged']}, "
        f"有误 rejected {len({p.row for p in problems})} 行 row(s)"
    )


@offers_app.command("fetch")
def fetch(
    refs: list[str] = typer.Argument(None, help="Offer ids or URLs (https://detail.1688.com/offer/ID.html)."),
    file: Path | None = typer.Option(None, "--file", help="A text file with one offer id or URL a line."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Read offers through the first 1688 buyer account and store them with their specs and supplier."""
    wanted = list(refs or [])
    if file is not None:
        wanted += [line.strip() for line in file.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not wanted:
        raise typer.BadParameter("give offer ids or URLs, or --file", param_hint="REFS")
    settings = get_settings()
    with _session() as session:
        accounts = StoreRepository(session).buyer_accounts()
        if not accounts:
            typer.secho("没有 1688 采购账号 / no 1688 buyer account (kuajing stores …)", fg="red", err=True)
            raise typer.Exit(1)
        with service.alibaba_client(accounts[0], settings) as client:
            outcome = fetch_offers(SourcingRepository(session), client, wanted, now=datetime.now(UTC))
        session.commit()
    reply = {"imported": outcome.imported, "unchanged": outcome.unchanged, "failed": outcome.failed}
    if as_json:
        typer.echo(json.dumps(reply, ensure_ascii=False))
    else:
        for failure in outcome.failed:
            typer.secho(f"✗ {failure['offer']}: {failure['reason']}", fg="red", err=True)
        typer.echo(f"已导入 imported {outcome.imported}, 未变 unchanged {outcome.unchanged}")
    if outcome.failed:
        raise typer.Exit(1)


@offers_app.command("count")
def count() -> None:
    """The number of offers stored."""
    with _session() as session:
        typer.echo(SourcingRepository(session).count_offers())


@offers_app.command("list")
def list_(
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many offers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Stored offers with their supplier, oldest first."""
    with _session() as session:
        rows = SourcingRepository(session).list_offers(limit)
    items: list[dict[str, Any]] = [
        {
            "offer_id": offer.offer_id,
            "title": offer.title,
            "unit_price": f"{offer.unit_price.normalize():f}",
            "min_order_quantity": offer.min_order_quantity,
            "supplier": supplier.name,
            "supplier_member_id": supplier.member_id,
            "lifecycle_stage": offer.lifecycle_stage,
        }
        for offer, supplier in rows
    ]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    table = Table(title=f"货源 offers ({len(items)})")
    for header in ("offer", "标题 title", "单价 ¥", "起订 MOQ", "供应商 supplier", "阶段 stage"):
        table.add_column(header, overflow="fold")
    for item in items:
        table.add_row(
            str(item["offer_id"]), item["title"], item["unit_price"], str(item["min_order_quantity"]),
            item["supplier"], item["lifecycle_stage"],
        )  # fmt: skip
    Console().print(table)
