"""``kuajing hs``: HS candidates for a listing, and the classifications the user confirmed.

suggest --title … [--attr K=V …] [--category …] [--top 3] [--json] / confirm --title … --hs6 …
[--attr K=V …] [--category …] [--note …] / confirmations [--json]. Each command is one unit of
work (confirm commits); a refused code is a ``KuajingError`` printed in both languages (exit 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from kuajing.compliance import hs_service
from kuajing.compliance.cli import attribute_option
from kuajing.compliance.hs_model import suggest
from kuajing.config import get_settings
from kuajing.db.uow import run_job
from kuajing.kit.cli_values import exit_on_error

hs_app = typer.Typer(no_args_is_help=True)
WHO = "cli"
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")
ATTR_OPTION = typer.Option(
    [], "--attr", help="An attribute as NAME=VALUE (repeatable), e.g. Material=Silicone."
)
_T = TypeVar("_T")


def _work(job: Callable[[Session], _T]) -> _T:
    return run_job(get_settings().database_url, job)


_errors = exit_on_error


@hs_app.command("suggest", help="Ranked six-digit HS candidates with heading, confidence and evidence.")
def suggest_command(
    title: str = typer.Option(..., "--title", help="The listing title (Chinese and/or English)."),
    attr: list[str] = ATTR_OPTION,
    category: str | None = typer.Option(None, "--category", help="The category path, if known."),
    top: int = typer.Option(3, "--top", min=1, max=20),
    no_confirmations: bool = typer.Option(
        False, "--no-confirmations", help="Use the shipped model only (no database)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    with _errors():
        attrs = attribute_option(attr, "--attr")
        if no_confirmations:
            found = suggest(hs_service.base_model(), title, attrs, category or "", top=top)
        else:
            found = _work(lambda session: hs_service.suggest_for(session, title, attrs, category, top))
    if as_json:
        typer.echo(json.dumps([candidate.as_dict() for candidate in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo("没有候选 / no candidate: add the material or the product's use to the title or --attr")
    for rank, candidate in enumerate(found, start=1):
        typer.echo(f"{rank}. {candidate.hs6}  {candidate.confidence:.0%}  {candidate.heading}")
        terms = ", ".join(f"{item.term} ({item.source})" for item in candidate.evidence)
        typer.echo(f"   依据/evidence: {terms or '-'}")


@hs_app.command(
    "confirm", help="Record the HS6 you confirmed for a product; later suggestions learn from it."
)
def confirm_command(
    title: str = typer.Option(..., "--title"),
    hs6: str = typer.Option(..., "--hs6", help="Six digits of HS 2022, e.g. 392690."),
    attr: list[str] = ATTR_OPTION,
    category: str | None = typer.Option(None, "--category"),
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JSON_OPTION,
) -> None:
    with _errors():
        attrs = attribute_option(attr, "--attr")
        saved = _work(
            lambda session: hs_service.confirm(
                session, title, hs6, attributes=attrs, category=category, confirmed_by=WHO, note=note
            )
        )
    if as_json:
        typer.echo(json.dumps(saved.as_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"已确认/confirmed #{saved.id}: {saved.hs6} ← {saved.title}")


@hs_app.command("confirmations", help="Confirmed classifications, newest first.")
def confirmations_command(
    as_json: bool = JSON_OPTION, limit: int = typer.Option(100, "--limit", min=1)
) -> None:
    with _errors():
        rows = _work(lambda session: hs_service.list_confirmations(session, limit))
    if as_json:
        typer.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"#{row.id} {row.hs6} [{row.source}] {row.title} "
            f"({row.confirmed_by}, {row.confirmed_at:%Y-%m-%d})"
        )
