"""``kuajing lifecycle``: the lifecycle board from the command line — list, move, suggest.

The same use cases as the page (``lifecycle_service``); ``--json`` prints the API's shapes. A move
is validated against the allowed transitions and recorded with ``--reason`` and the actor
``cli:<login>``; a refused move exits 1 with the reason, in Chinese and English.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from kuajing.accounts import audit
from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.remote_clock import clock_for
from kuajing.logistics.service import catalog_for
from kuajing.sourcing import lifecycle_service as service
from kuajing.sourcing.lifecycle import STAGE_ZH, Stage, load_triggers

lifecycle_app = typer.Typer(no_args_is_help=True)
TRIGGERS_OPTION = typer.Option(
    None, "--triggers", help="Trigger file (TOML) instead of the shipped defaults."
)


@contextmanager
def _session() -> Iterator[Session]:
    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        yield session


def _board(session: Session, triggers: Path | None) -> service.Board:
    settings = get_settings()
    now = clock_for(settings.clock_url).now()
    return service.board(session, now, catalog_for(session, settings).fx, load_triggers(triggers))


def _line(card: service.BoardCard) -> str:
    stats = card.stats
    margin = "—" if stats.margin_rate is None else f"{stats.margin_rate:.1%}"
    text = f"{card.offer_id}  {STAGE_ZH[card.stage]}/{card.stage.value}  {card.title}  [{card.supplier_name}]"
    text += f"  30天/30d: {stats.orders(30)}  毛利/margin: {margin}"
    if card.suggestion:
        suggestion = card.suggestion
        text += f"\n    → {suggestion.to_stage.value}: {suggestion.reason_zh} / {suggestion.reason_en}"
    if card.reorder_plan:
        plan = card.reorder_plan
        text += f"\n    返单/reorder: {plan.quantity} × ¥{plan.unit_price} = ¥{plan.total}"
        if plan.saving is not None:
            text += f" (省/saves ¥{plan.saving})"
    return text


@lifecycle_app.command("list", help="Every tracked offer by stage, with order figures and suggestions.")
def list_offers(
    as_json: bool = typer.Option(False, "--json"), triggers: Path | None = TRIGGERS_OPTION
) -> None:
    with _session() as session:
        board = _board(session, triggers)
    if as_json:
        typer.echo(json.dumps(service.board_to_dict(board), ensure_ascii=False, indent=2))
        return
    for stage in Stage:
        cards = board.column(stage)
        typer.echo(f"== {STAGE_ZH[stage]} / {stage.value} ({board.counts[stage]})")
        for card in cards:
            typer.echo("  " + _line(card))


@lifecycle_app.command("suggest", help="Only the offers whose triggers suggest a move.")
def suggest(as_json: bool = typer.Option(False, "--json"), triggers: Path | None = TRIGGERS_OPTION) -> None:
    with _session() as session:
        board = _board(session, triggers)
    cards = service.suggestions(board)
    if as_json:
        typer.echo(
            json.dumps([service.card_to_dict(c, board.triggers) for c in cards], ensure_ascii=False, indent=2)
        )
        return
    if not cards:
        typer.echo("没有建议 / no suggestions")
    for card in cards:
        typer.echo(_line(card))


@lifecycle_app.command("move", help="Move an offer to a stage (validated; recorded with the reason).")
def move(
    offer_id: int,
    stage: str,
    reason: str = typer.Option(..., "--reason", help="Why (stored with the move)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    now = clock_for(get_settings().clock_url).now()
    with _session() as session:
        moved = service.move(session, offer_id, stage, reason, f"cli:{getpass.getuser()}", now)
        before, after = (
            {"stage": moved.from_stage.value},
            {"stage": moved.to_stage.value, "reason": moved.reason},
        )
        audit.record(session, moved.actor, "lifecycle.move", "offer", offer_id, before, after)
        session.commit()
    if as_json:
        typer.echo(json.dumps(service.move_to_dict(moved), ensure_ascii=False))
    else:
        typer.echo(f"{offer_id}: {moved.from_stage.value} → {moved.to_stage.value} ({moved.reason})")
