"""``kuajing fulfilment sla`` and ``kuajing fulfilment health``: the SLA page from the command line.

The same report as ``/fulfilment/sla`` (``sla_service.sla_report``); ``--json`` prints the API's
shape. ``health --trace`` reads each shipped purchase's 1688 logistics trace through a buyer
account (``--account``, else the first one) so the stale / customs / returned rules can run; the
page never calls 1688. Exit 0 either way: a flag is information, not a failure of the command.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.fulfilment import sla_service as service
from kuajing.fulfilment.sla import SLA_STATE_ZH, countdown_text, load_sla_policy
from kuajing.kit.remote_clock import clock_for
from kuajing.stores.repository import StoreRepository
from kuajing.stores.service import alibaba_client

sla_app = typer.Typer(no_args_is_help=True)
POLICY_OPTION = typer.Option(
    None, "--policy", help="SLA thresholds (TOML) instead of the shipped data/sla.toml."
)
JSON_OPTION = typer.Option(False, "--json", help="Print the API's JSON.")


@contextmanager
def _session() -> Iterator[Session]:
    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        yield session


def _trace_reader(session: Session, account_id: int | None) -> service.TraceReader:
    stores = StoreRepository(session)
    account = stores.buyer_account(account_id) if account_id else next(iter(stores.buyer_accounts()), None)
    if account is None:
        raise typer.BadParameter("没有 1688 买家账号 / no 1688 buyer account", param_hint="--account")
    return service.trace_reader_for(alibaba_client(account))


def _report(
    session: Session, policy: Path | None, reader: service.TraceReader | None = None
) -> service.SlaReport:
    now = clock_for(get_settings().clock_url).now()
    return service.sla_report(session, now, load_sla_policy(policy), reader)


@sla_app.command(
    "sla", help="Dispatch SLA: counts, breached and at-risk purchases, on-time rate per supplier."
)
def sla(policy: Path | None = POLICY_OPTION, as_json: bool = JSON_OPTION) -> None:
    with _session() as session:
        report = _report(session, policy)
    if as_json:
        typer.echo(json.dumps(service.report_to_dict(report), ensure_ascii=False, indent=2))
        return
    typer.echo(
        "  ".join(f"{SLA_STATE_ZH[state]}/{state.value}: {count}" for state, count in report.counts.items())
    )
    for item in report.urgent:
        sla_ = item.sla
        typer.echo(
            f"{item.clock.ae_order_id}  {item.clock.out_order_id}  [{item.supplier_name}]  "
            f"{SLA_STATE_ZH[sla_.state]}/{sla_.state.value}  {countdown_text(sla_.remaining_seconds)}  "
            f"截止/deadline {sla_.deadline.isoformat()} ({sla_.binding})"
        )
    typer.echo(
        f"按时发货率(近 {report.window_days} 天,自付款)/ "
        f"on time, last {report.window_days} days from payment:"
    )
    for line in report.suppliers:
        rate = "—" if line.sla.rate is None else f"{line.sla.rate:.1%}"
        typer.echo(
            f"  {line.name}  {rate}  ({line.sla.on_time}/{line.sla.decided}, "
            f"未到时限/pending {line.sla.pending})"
        )


@sla_app.command("health", help="Tracking health: no tracking, no new event, carrier, customs, returned.")
def health(
    policy: Path | None = POLICY_OPTION,
    as_json: bool = JSON_OPTION,
    trace: bool = typer.Option(False, "--trace", help="Read 1688 logistics traces (calls 1688)."),
    account: int | None = typer.Option(None, "--account", help="1688 buyer account id for --trace."),
) -> None:
    with _session() as session:
        reader = _trace_reader(session, account) if trace else None
        report = _report(session, policy, reader)
        session.commit()  # a token refresh during --trace is kept
    if as_json:
        typer.echo(json.dumps(service.health_to_list(report), ensure_ascii=False, indent=2))
        return
    if not report.health:
        typer.echo("没有需要处理的物流问题 / no tracking problems")
    for item in report.health:
        typer.echo(f"{item.clock.ae_order_id}  [{item.supplier_name}]  {item.clock.tracking_no or '—'}")
        for flag in item.flags:
            typer.echo(f"  {flag.label_zh} / {flag.label_en}  (since {flag.since.isoformat()}) {flag.detail}")
            typer.echo(f"    → {flag.action_zh}\n    → {flag.action_en}")
