"""``kuajing qc``: QC reports (质检报告) for AliExpress category review — add FILE, list [--json]."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kuajing.compliance import schemas
from kuajing.compliance.epr import QC_FAMILY_ZH, QcFamily
from kuajing.compliance.epr_cli import errors, now_and_today, parse_day, work
from kuajing.compliance.qc_service import add_qc_document, qc_statuses
from kuajing.config import get_settings
from kuajing.kit.errors import ValidationFailed

qc_app = typer.Typer(no_args_is_help=True)


@qc_app.command("add", help="Upload a QC report for apparel, electronics or beauty, with its expiry date.")
def add(
    path: Path = typer.Argument(..., help="the report (PDF, image)"),
    family: QcFamily = typer.Option(..., "--family"),
    issuer: str = typer.Option(..., "--issuer", help="the testing body, e.g. SGS"),
    issued_on: str = typer.Option(..., "--issued-on", help="YYYY-MM-DD"),
    expires_on: str | None = typer.Option(None, "--expires-on", help="YYYY-MM-DD"),
    note: str = typer.Option("", "--note"),
) -> None:
    with errors():
        if not path.is_file():
            raise ValidationFailed(f"no such file: {path}", f"文件不存在:{path}")
        issued = parse_day(issued_on, "issued_on")
        assert issued is not None
        now, today = now_and_today()
        folder = Path(get_settings().compliance_folder)
        row = work(
            lambda session: add_qc_document(
                session,
                family=family,
                filename=path.name,
                content=path.read_bytes(),
                issuer=issuer,
                issued_on=issued,
                expires_on=parse_day(expires_on, "expires_on"),
                note=note,
                folder=folder,
                who="cli",
                now=now,
                today=today,
            )
        )
        typer.echo(
            f"质检报告 QC report {row.id}: {family.value} {row.filename}, expires {row.expires_on or '-'}"
        )


@qc_app.command("list", help="QC reports with validity and expiry (30-day warning).")
def list_reports(as_json: bool = typer.Option(False, "--json", help="Print the API's JSON.")) -> None:
    _, today = now_and_today()
    rows = work(lambda session: [schemas.qc_to_dict(s) for s in qc_statuses(session, today)])
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        state = "expiring" if r["expiring"] else ("valid" if r["valid"] else "expired")
        label = QC_FAMILY_ZH[QcFamily(r["family"])]
        typer.echo(
            f"{r['id']:>4}  {r['family']} ({label})  {r['filename']}  {r['issuer']}  "
            f"→ {r['expires_on'] or '-'}  {state}"
        )
