"""``kuajing preclass``: the pre-classification pack and the official opinion from the command line.

pack --offer-id N | --product-id N --out FILE.pdf / opinion --offer-id N | --product-id N --hs6 CODE
--date YYYY-MM-DD --authority 海关总署 [--reference] [--national-code] [--file F] / list [--json].
Each command is one unit of work (commits on success); a ``KuajingError`` prints in both
languages and exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from kuajing.compliance import opinion_repository as repo
from kuajing.compliance import opinion_service as service
from kuajing.compliance.opinion_tables import HsOpinionRow
from kuajing.compliance.pack import build_pack_pdf
from kuajing.config import get_settings
from kuajing.db.uow import run_job
from kuajing.kit.cli_values import exit_on_error
from kuajing.kit.errors import ValidationFailed
from kuajing.kit.remote_clock import clock_for

preclass_app = typer.Typer(
    no_args_is_help=True, help="预归类: the pack for the classification service, the opinion."
)
WHO = "cli"
DEFAULT_APPLICANT = "（申请单位 applicant）"
OFFER_OPTION = typer.Option(None, "--offer-id", help="1688 offer id")
PRODUCT_OPTION = typer.Option(None, "--product-id", help="AliExpress product id")
_T = TypeVar("_T")


def _now() -> datetime:
    return clock_for(get_settings().clock_url).now()


def _work(job: Callable[[Session], _T]) -> _T:
    return run_job(get_settings().database_url, job)


_errors = exit_on_error


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"not a date (YYYY-MM-DD): {text!r}", f"日期格式应为 YYYY-MM-DD:{text!r}"
        ) from None


@preclass_app.command("pack", help="Write the pre-classification pack (PDF, Chinese) for one product.")
def pack(
    out: Path = typer.Option(..., "--out", help="the PDF to write"),
    offer_id: int | None = OFFER_OPTION,
    product_id: int | None = PRODUCT_OPTION,
    applicant: str = typer.Option(DEFAULT_APPLICANT, "--applicant", help="申请单位: your company"),
    use: str = typer.Option("", "--use", help="用途: intended use (default: category, cross-border retail)"),
    contact: str = typer.Option("", "--contact", help="联系人及电话"),
) -> None:
    with _errors():
        now = _now()
        request = _work(
            lambda session: service.pack_request_for(
                session,
                offer_id=offer_id,
                product_id=product_id,
                applicant=applicant,
                on=now.date(),
                intended_use=use,
                contact=contact,
            )
        )
        out.write_bytes(build_pack_pdf(request))
    codes = ", ".join(f"{c.hs6} ({c.confidence * 100:.0f} %)" for c in request.candidates) or "-"
    typer.echo(f"已生成 / written: {out} — {request.title_zh} — 建议编码 / proposed: {codes}")


@preclass_app.command("opinion", help="Record the official pre-classification opinion (预归类意见).")
def opinion(
    hs6: str = typer.Option(..., "--hs6", help="the six-digit code the opinion gives"),
    opinion_date: str = typer.Option(..., "--date", help="opinion date, YYYY-MM-DD"),
    authority: str = typer.Option(..., "--authority", help="出具海关: 海关总署 / 某直属海关"),
    offer_id: int | None = OFFER_OPTION,
    product_id: int | None = PRODUCT_OPTION,
    reference: str | None = typer.Option(None, "--reference", help="意见书编号"),
    national_code: str | None = typer.Option(None, "--national-code", help="e.g. China's 10-digit code"),
    file: Path | None = typer.Option(None, "--file", help="the opinion document (PDF, scan)"),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    with _errors():
        on = _date(opinion_date)
        content = file.read_bytes() if file is not None else None
        now = _now()
        folder = Path(get_settings().hs_opinion_folder)
        row = _work(
            lambda session: service.record_opinion(
                session,
                offer_id=offer_id,
                product_id=product_id,
                hs6=hs6,
                opinion_date=on,
                authority=authority,
                reference=reference,
                national_code=national_code,
                document=content,
                filename=file.name if file is not None else None,
                folder=folder,
                recorded_by=WHO,
                now=now,
                note=note,
            )
        )
    typer.echo(
        f"已记录 / recorded: opinion {row.id} {row.subject_kind} {row.subject_id} → HS {row.hs6}"
        f"{' (' + row.national_code + ')' if row.national_code else ''} {row.authority} {row.opinion_date}"
    )


@preclass_app.command("list", help="Recorded opinions, latest first.")
def list_opinions(as_json: bool = typer.Option(False, "--json", help="Print the API's JSON.")) -> None:
    rows = _work(lambda session: [opinion_json(row) for row in repo.all_opinions(session)])
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("没有预归类意见 / no opinions recorded")
    for row in rows:
        typer.echo(
            f"{row['id']} {row['subject_kind']} {row['subject_id']} HS {row['hs6']} "
            f"{row['national_code'] or '-'} {row['opinion_date']} {row['authority']} "
            f"{row['reference'] or '-'} {'file' if row['document'] else '-'}"
        )


def opinion_json(row: HsOpinionRow) -> dict[str, object]:
    return {
        "id": row.id, "subject_kind": row.subject_kind, "subject_id": row.subject_id, "hs6": row.hs6,
        "national_code": row.national_code, "opinion_date": row.opinion_date.isoformat(),
        "authority": row.authority, "reference": row.reference, "document": row.document_name,
        "recorded_by": row.recorded_by, "recorded_at": row.recorded_at.isoformat(), "note": row.note,
    }  # fmt: skip


__all__ = ["opinion_json", "preclass_app"]
