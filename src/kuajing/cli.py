"""``kuajing``: the command line. Each context adds its own command group here."""

from __future__ import annotations

import logging

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from kuajing import __version__
from kuajing.accounts.cli import user_app
from kuajing.aftersales.cli import aftersales_app
from kuajing.compliance.cli import compliance_app
from kuajing.compliance.epr_cli import epr_app, listings_app
from kuajing.compliance.hs_cli import hs_app
from kuajing.compliance.pack_cli import preclass_app
from kuajing.compliance.qc_cli import qc_app
from kuajing.config import get_settings
from kuajing.db.cli import app as db_app
from kuajing.fulfilment.sla_cli import sla_app
from kuajing.kit.errors import KuajingError
from kuajing.kit.redaction import install as install_log_redaction
from kuajing.kit.secrets_cli import secrets_app
from kuajing.logistics.cli import lines_app, price, quote
from kuajing.logistics.data_cli import costs_app, duties_app
from kuajing.notify.cli import alerts_app
from kuajing.orders.cli import exceptions_app, run, sync
from kuajing.orders.rules_cli import rules_app
from kuajing.reports.cli import reports_app
from kuajing.sandbox.cli import app as sandbox_app
from kuajing.sourcing.cli import offers_app
from kuajing.sourcing.lifecycle_cli import lifecycle_app
from kuajing.sourcing.selection_cli import selection_app
from kuajing.stores.cli import app as stores_app
from kuajing.web.cli import demo, serve
from kuajing.workers.cli import worker

app = typer.Typer(
    name="kuajing",
    help=(
        "kuajing 跨境 — source on 1688, sell on AliExpress.\n\n"
        "Start here:  `kuajing demo` runs everything against the built-in sandbox (no credentials).\n\n"
        "Settings come from the environment or .env (KUAJING_DATABASE_URL, KUAJING_ALIEXPRESS_*, "
        "KUAJING_1688_*); see README.md."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db", help="Database schema: upgrade, current revision, downgrade.")
app.add_typer(
    sandbox_app, name="sandbox", help="The local AliExpress + 1688 sandbox (no credentials needed)."
)
app.add_typer(sla_app, name="fulfilment", help="Dispatch SLA and tracking health: sla, health.")
app.add_typer(stores_app, name="stores", help="AliExpress stores and 1688 buyer accounts.")
app.add_typer(rules_app, name="rules", help="SKU mapping rules: list, add, test, export and import (xlsx).")
app.add_typer(
    offers_app, name="offers", help="Sourcing offers: import xlsx/csv, fetch from 1688, count, list."
)
app.add_typer(selection_app, name="selection", help="Selection: screen offers per country, export the sheet.")
app.add_typer(exceptions_app, name="exceptions", help="The exception queue: orders that need a person.")
app.add_typer(lines_app, name="lines", help="Logistics lines: the rate cards in force, import and export.")
app.add_typer(
    duties_app, name="duties", help="Duty and VAT rules: which applies; import your own (TOML), remove them."
)
app.add_typer(costs_app, name="costs", help="Costs and margins (landed cost, pricing): show, import (TOML).")
app.add_typer(
    lifecycle_app, name="lifecycle", help="Product lifecycle board: list, move (with a reason), suggest."
)
app.add_typer(alerts_app, name="alerts", help="Alerts: DingTalk / Feishu / WeCom robots, e-mail; test.")
app.add_typer(reports_app, name="reports", help="Reports: profit per order, SKU, supplier, store or country.")
app.add_typer(
    aftersales_app, name="aftersales", help="售后 / After-sales: returns, liability, supplier claims."
)
app.add_typer(preclass_app, name="preclass", help="预归类 / HS pre-classification: pack PDF, opinion.")
app.add_typer(
    compliance_app, name="compliance", help="合规 / Compliance: EPR, QC documents, material truth, HS."
)
app.add_typer(epr_app, name="epr", help="EPR 注册号 / EPR numbers per country and stream: add, list, remove.")
app.add_typer(listings_app, name="listings", help="速卖通商品合规 / Listings: sync, import, add, check.")
app.add_typer(qc_app, name="qc", help="质检报告 / QC reports for category review: add, list.")
app.add_typer(secrets_app, name="secrets", help="加密密钥 / Secrets at rest: status, rotate-key, new-key.")
app.add_typer(user_app, name="user", help="用户 / Users: create, list, set-role, disable, token.")
app.add_typer(hs_app, name="hs", help="HS 编码 / HS candidates for a listing; confirm, confirmations.")
app.command(help="Landed cost on every logistics line for a parcel to a country; the best line first.")(quote)
app.command(help="List price per country that earns the target margin on the best line.")(price)
app.command(help="One pass: sync orders, buy what is due on 1688, upload tracking. Exit 0 when it ran.")(sync)
app.command(help="Run the order loop continuously (KUAJING_RUN_INTERVAL_SECONDS between passes).")(run)
app.command(help="Serve the web pages and /api.")(serve)
app.command(help="PostgreSQL: run the loop's jobs, on any number of machines (SQLite: `run`).")(worker)
app.command(help="Run the product on SQLite against the sandbox, with a web page to look at.")(demo)


@app.command(help="Print the version.")
def version() -> None:
    typer.echo(__version__)


def _missing_table(error: Exception) -> bool:
    text = str(error).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per call drowns everything else
    install_log_redaction(get_settings())  # no secret value or token parameter reaches a log line
    try:
        app()
    except (OperationalError, ProgrammingError) as error:
        if not _missing_table(error):
            raise
        typer.secho(
            "错误 / error [schema_out_of_date]: 数据库结构不是最新,请先运行 `kuajing db upgrade`\n"
            f"The database schema is out of date: run `kuajing db upgrade` first ({error.orig})",
            fg="red",
            err=True,
        )
        raise SystemExit(1) from error
    except KuajingError as error:
        typer.secho(
            f"错误 / error [{error.code}]: {error.message_zh}\n{error.message_en}", fg="red", err=True
        )
        raise SystemExit(1) from error


if __name__ == "__main__":
    main()
