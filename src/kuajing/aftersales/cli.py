"""``kuajing aftersales``: the 售后 page from the command line, through the same use cases.

record / intake / list [--json] / evidence CLAIM_ID KIND FILE / submit CLAIM_ID / settle CLAIM_ID STATE /
suppliers [--json]. Each command is one unit of work: it commits when the use case succeeds; a
refused move or bad input is a ``KuajingError`` that ``kuajing.cli.main`` prints (exit 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from kuajing.aftersales import schemas, service
from kuajing.aftersales.intake import intake_all_stores
from kuajing.aftersales.model import ClaimState, Evidence, ReturnReason
from kuajing.config import get_settings
from kuajing.db.uow import run_job
from kuajing.kit.errors import KuajingError, ValidationFailed
from kuajing.kit.money import Money
from kuajing.kit.remote_clock import clock_for
from kuajing.stores.repository import StoreRepository
from kuajing.stores.service import alibaba_client

aftersales_app = typer.Typer(no_args_is_help=True)
WHO = "cli"
JSON_OPTION = typer.Option(False, "--json", help="Print the API's JSON.")
_T = TypeVar("_T")


def _now() -> datetime:
    return clock_for(get_settings().clock_url).now()


def _work(job: Callable[[Session], _T]) -> _T:
    return run_job(get_settings().database_url, job)


def _money(text: str | None) -> Money | None:
    if text is None:
        return None
    try:
        amount = Decimal(text.strip().lstrip("¥"))
    except InvalidOperation:
        raise ValidationFailed(f"not an amount in CNY: {text!r}", f"金额(人民币)无效:{text!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(f"not an amount in CNY: {text!r}", f"金额(人民币)无效:{text!r}")
    return Money.of(amount, "CNY")


def _echo_error(error: KuajingError) -> None:
    typer.secho(f"错误 / error [{error.code}]: {error.message_zh}\n{error.message_en}", fg="red", err=True)


@contextmanager
def _errors() -> Iterator[None]:
    """Print a KuajingError the way `kuajing` does and exit 1 (also under CliRunner)."""
    try:
        yield
    except KuajingError as error:
        _echo_error(error)
        raise typer.Exit(1) from error


@aftersales_app.command("record", help="Record a return by hand: its reason decides who pays.")
def record(
    ae_order_id: int = typer.Option(..., "--order", help="AliExpress order id."),
    reason: ReturnReason = typer.Option(..., "--reason"),
    amount: str = typer.Option(..., "--amount", help="Amount in CNY."),
    line_id: int | None = typer.Option(None, "--line", help="The order line (id), if one line."),
    notes: str | None = typer.Option(None, "--notes"),
) -> None:
    with _errors():
        money = _money(amount)
        assert money is not None
        outcome = _work(
            lambda session: service.record_return(
                session,
                ae_order_id=ae_order_id,
                line_id=line_id,
                reason=reason,
                amount=money,
                notes=notes,
                who=WHO,
                now=_now(),
            )
        )
        case, claim = outcome.case, outcome.claim
        typer.echo(
            f"售后/return {case.id}: {case.reason} → {case.liable}"
            + (f"; 索赔/claim {claim.id} ({claim.state})" if claim else "")
        )
        if claim is not None and claim.advance_compensation is not None:
            typer.echo(
                f"信用保障 先行赔付/advance compensation ¥{schemas.money_text(claim.advance_compensation)}"
            )


@aftersales_app.command(
    "intake", help="Take in AliExpress disputes (each store's issue list, then IN_ISSUE orders); idempotent."
)
def intake() -> None:
    def job(session: Session) -> tuple[list[int], int, list[str]]:
        report = intake_all_stores(session, get_settings(), who=WHO, now=_now())
        return [row.ae_order_id for row in report.taken], len(report.classified), report.problems

    with _errors():
        ids, classified, problems = _work(job)
    typer.echo(f"导入/taken in: {len(ids)}" + (f" ({', '.join(map(str, ids))})" if ids else ""))
    typer.echo(f"自动分类/classified: {classified}")
    for problem in problems:
        typer.echo(f"未读取/not read (按 IN_ISSUE 导入/taken in by status): {problem}")


@aftersales_app.command("list", help="Cases and claims, newest first.")
def list_(as_json: bool = JSON_OPTION) -> None:
    if as_json:
        typer.echo(json.dumps(_work(schemas.claims_to_dicts), ensure_ascii=False, indent=2))
        return

    def lines(session: Session) -> list[str]:
        out = []
        for view in schemas.case_views(session):
            case, claim = view.case, view.claim
            text = (
                f"#{case.id} {case.ae_order_id} [{case.source}] {case.reason or '?'} → {case.liable or '?'} "
                f"¥{schemas.money_text(case.amount) or '—'}"
            )
            if claim is not None:
                missing = ",".join(kind.value for kind in view.missing_evidence) or "-"
                text += f"  claim {claim.id} {claim.state} {claim.supplier_member_id} missing:{missing}"
                if claim.submit_by is not None:
                    text += f" submit_by:{claim.submit_by:%Y-%m-%d %H:%M}Z"
                if claim.advance_compensation is not None:
                    text += f" 信用保障 ¥{schemas.money_text(claim.advance_compensation)}"
            out.append(text)
        return out

    for line in _work(lines):
        typer.echo(line)


@aftersales_app.command(
    "evidence", help="Attach a file to a claim: chat_record, sign_off_proof, unboxing_video."
)
def evidence(
    claim_id: int, kind: Evidence, file: Path = typer.Argument(..., exists=True, dir_okay=False)
) -> None:
    content = file.read_bytes()
    folder = Path(get_settings().aftersales_folder)
    with _errors():
        row = _work(
            lambda session: service.attach_evidence(
                session, claim_id, kind, file.name, content, folder=folder, who=WHO, now=_now()
            )
        )
        typer.echo(f"{row.kind}: {row.stored_path} ({row.size_bytes} bytes)")


@aftersales_app.command("submit", help="Request the 1688 refund through the first buyer account.")
def submit(
    claim_id: int,
    reason_id: str = typer.Option(
        ..., "--reason-id", help="1688 refund reason id (alibaba.trade.getRefundReasonList)."
    ),
    entry_ids: list[str] = typer.Option([], "--entry-id", help="1688 order entry id; repeat for several."),
    goods_status: str = typer.Option("refundBuyerReceived", "--goods-status"),
) -> None:
    def job(session: Session) -> str:
        accounts = StoreRepository(session).buyer_accounts()
        if not accounts:
            raise ValidationFailed("no 1688 buyer account", "没有 1688 买家账号")
        with alibaba_client(accounts[0]) as client:
            claim = service.submit_claim(
                session,
                claim_id,
                client,
                reason_id=reason_id,
                entry_ids=entry_ids,
                goods_status=goods_status,
                who=WHO,
                now=_now(),
            )
        return f"claim {claim.id}: {claim.state} (1688 refund {claim.refund_id or '—'})"

    with _errors():
        typer.echo(_work(job))


@aftersales_app.command(
    "settle", help="Close a claim: recovered / compensated (with --amount), rejected, withdrawn."
)
def settle(
    claim_id: int,
    state: ClaimState,
    amount: str | None = typer.Option(None, "--amount", help="Received, CNY."),
    why: str = typer.Option("", "--why"),
) -> None:
    with _errors():
        money = _money(amount)
        claim = _work(
            lambda session: service.settle_claim(
                session, claim_id, state, recovered=money, why=why or state.value, who=WHO, now=_now()
            )
        )
        typer.echo(f"claim {claim.id}: {claim.state}")


@aftersales_app.command("suppliers", help="Claims per supplier: total, open, recovered ¥.")
def suppliers(as_json: bool = JSON_OPTION) -> None:
    rows = _work(schemas.suppliers_to_dicts)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['supplier_member_id']}  索赔/claims {row['claims']}  进行中/open {row['open']}  "
            f"已收回/recovered ¥{row['recovered']}"
        )
