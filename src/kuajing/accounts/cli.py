"""``kuajing user``: create the first owner, list users, set roles, disable, API tokens.

``kuajing user create --username U --role owner --password-stdin`` reads the password from standard
input (never from the command line, where ``ps`` and the shell history would keep it). Every change
is written to the audit log as ``cli:<os user>``.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from kuajing.accounts import service
from kuajing.accounts.admin_routes import user_view
from kuajing.accounts.audit import record
from kuajing.accounts.errors import AccountInvalid
from kuajing.accounts.repository import AccountRepository
from kuajing.accounts.tables import UserRow
from kuajing.config import get_settings
from kuajing.db.uow import run_job
from kuajing.kit.clock import SystemClock

user_app = typer.Typer(no_args_is_help=True)
token_app = typer.Typer(no_args_is_help=True)
user_app.add_typer(token_app, name="token", help="API tokens for scripts (Authorization: Bearer …).")
_T = TypeVar("_T")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _work(job: Callable[[Session], _T]) -> _T:
    return run_job(get_settings().database_url, job)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("密码 / password", hide_input=True)
    if typer.prompt("再输一次 / again", hide_input=True) != first:
        raise AccountInvalid("the passwords differ", "两次输入的密码不一致")
    return str(first)


def _store_set(stores: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in stores.split(",") if part.strip())
    except ValueError:
        raise AccountInvalid("--stores takes store ids: 1,2", "--stores 为店铺编号,例如 1,2") from None


@user_app.command("create")
def create(
    username: str = typer.Option(..., "--username", help="Sign-in name (letters, digits, . _ -)."),
    role: str = typer.Option(..., "--role", help="owner | buyer | purchaser | service | viewer"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    display_name: str = typer.Option("", "--display-name"),
    stores: str = typer.Option("", "--stores", help="Store ids this user may see (default: all)."),
) -> None:
    """Create a user; the first one is the owner who creates the others on /admin/users."""
    password = _read_password(password_stdin)
    store_ids = _store_set(stores)

    def job(session: Session) -> None:
        row = service.create_user(
            session,
            username,
            password,
            role,
            now=SystemClock().now(),
            display_name=display_name,
            store_ids=store_ids,
        )
        record(session, _who(), "user.create", "user", row.username, None, user_view(row, store_ids))

    _work(job)
    typer.echo(f"已创建用户 / created user {username} ({role})")


@user_app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json")) -> None:
    def job(session: Session) -> list[dict[str, object]]:
        repo = AccountRepository(session)
        return [user_view(row, repo.store_ids(row.id)) for row in repo.users()]

    users = _work(job)
    if as_json:
        typer.echo(json.dumps(users, ensure_ascii=False, indent=2))
        return
    for user in users:
        state = "active" if user["active"] else "disabled"
        stores = ",".join(map(str, user["store_ids"])) or "all"  # type: ignore[call-overload]
        typer.echo(f"{user['username']:<20} {user['role']:<10} {state:<9} stores={stores}")


def _change(username: str, action: str, change: Callable[[Session, UserRow], None]) -> None:
    def job(session: Session) -> None:
        row = service.user_named(session, username)
        repo = AccountRepository(session)
        before = user_view(row, repo.store_ids(row.id))
        change(session, row)
        record(session, _who(), action, "user", row.username, before, user_view(row, repo.store_ids(row.id)))

    _work(job)
    typer.echo(f"已更新 / updated {username}")


@user_app.command("set-role")
def set_role(username: str, role: str) -> None:
    _change(username, "user.role", lambda session, row: service.set_role(session, row, role))


@user_app.command("set-stores")
def set_stores(
    username: str, stores: str = typer.Argument("", help="Store ids, e.g. 1,2; empty: all")
) -> None:
    ids = _store_set(stores)
    _change(username, "user.stores", lambda session, row: service.set_stores(session, row, ids))


@user_app.command("disable")
def disable(username: str) -> None:
    _change(username, "user.disable", lambda session, row: service.set_active(session, row, False))


@user_app.command("enable")
def enable(username: str) -> None:
    _change(username, "user.enable", lambda session, row: service.set_active(session, row, True))


@user_app.command("unlock")
def unlock(username: str) -> None:
    _change(username, "user.unlock", lambda session, row: service.unlock(session, row))


@user_app.command("set-password")
def set_password(username: str, password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
    password = _read_password(password_stdin)
    _change(
        username,
        "user.password",
        lambda session, row: service.change_password(session, row, None, password),
    )


@token_app.command("create")
def token_create(username: str, name: str = typer.Option("script", "--name")) -> None:
    """Print a new API token once (it is stored only as a digest)."""

    def job(session: Session) -> str:
        row = service.user_named(session, username)
        token, token_row = service.create_token(session, row, name, now=SystemClock().now())
        record(
            session, _who(), "token.create", "api_token", token_row.id, None, {"user": username, "name": name}
        )
        return token

    typer.echo(_work(job))


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    def job(session: Session) -> None:
        row = service.revoke_token(session, token_id, now=SystemClock().now())
        record(session, _who(), "token.revoke", "api_token", row.id, None, {"revoked_at": row.revoked_at})

    _work(job)
    typer.echo(f"已撤销 / revoked token {token_id}")


@token_app.command("list")
def token_list() -> None:
    def job(session: Session) -> list[str]:
        repo = AccountRepository(session)
        names = {row.id: row.username for row in repo.users()}
        return [
            f"{row.id:<5} {names.get(row.user_id, '?'):<20} {row.name:<20} {row.prefix}…"
            f"{'  revoked' if row.revoked_at else ''}"
            for row in repo.tokens()
        ]

    for line in _work(job):
        typer.echo(line)


__all__ = ["user_app"]
