"""``kuajing stores``: register AliExpress stores and 1688 buyer accounts, list them, check them."""

from __future__ import annotations

import httpx
import typer
from rich.console import Console
from rich.table import Table

from kuajing.accounts.audit import cli_actor, record
from kuajing.config import get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.db.uow import UnitOfWork
from kuajing.kit.cli_values import exit_on_error
from kuajing.kit.secrets import Secret
from kuajing.marketplaces.errors import MarketplaceError
from kuajing.stores import service
from kuajing.stores.repository import StoreRepository

app = typer.Typer(no_args_is_help=True)
console = Console()


def _uow() -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(get_settings().database_url)))


@app.command("list", help="List AliExpress stores and 1688 buyer accounts.")
def list_stores() -> None:
    with _uow() as uow:
        repo = StoreRepository(uow.session)
        table = Table("id", "速卖通店铺 store", "seller_id", "gateway", "token", "1688 account", "synced")
        for store in repo.aliexpress_stores():
            table.add_row(
                str(store.id),
                store.name,
                store.seller_id,
                store.base_url,
                Secret(store.access_token).masked(),  # the last 4 characters only
                str(store.buyer_account_id or "-"),
                str(store.last_synced_at or "never"),
            )
        console.print(table)
        accounts = Table("id", "1688 采购账号 account", "member_id", "gateway", "token")
        for account in repo.buyer_accounts():
            masked = Secret(account.access_token).masked()
            accounts.add_row(str(account.id), account.name, account.member_id, account.base_url, masked)
        console.print(accounts)


@app.command("add-aliexpress", help="Register (or update) an authorised AliExpress store.")
def add_aliexpress(
    name: str = typer.Option(...),
    seller_id: str = typer.Option(...),
    app_key: str = typer.Option(..., envvar="KUAJING_ALIEXPRESS_APP_KEY"),
    app_secret: str = typer.Option(..., envvar="KUAJING_ALIEXPRESS_APP_SECRET"),
    access_token: str = typer.Option(..., envvar="KUAJING_ALIEXPRESS_ACCESS_TOKEN"),
    refresh_token: str = typer.Option(""),
    base_url: str = typer.Option("https://api-sg.aliexpress.com", envvar="KUAJING_ALIEXPRESS_BASE_URL"),
) -> None:
    creds = service.StoreCredentials(
        name, seller_id, base_url, app_key, app_secret, access_token, refresh_token
    )
    with _uow() as uow:
        existing = StoreRepository(uow.session).aliexpress_store_by_seller(seller_id)
        before, rotated = service.audit_view(existing), service.changed_secrets(existing, creds)
        store = service.save_aliexpress_store(uow.session, creds)
        after = {**(service.audit_view(store) or {}), "secrets_changed": rotated}
        record(uow.session, cli_actor(), "store.save", "aliexpress_store", store.id, before, after)
        uow.commit()
        typer.echo(f"store {store.id} saved: {store.name} ({store.seller_id})")


@app.command("add-1688", help="Register (or update) the 1688 buyer account orders are placed with.")
def add_1688(
    name: str = typer.Option(...),
    member_id: str = typer.Option(...),
    app_key: str = typer.Option(..., envvar="KUAJING_1688_APP_KEY"),
    app_secret: str = typer.Option(..., envvar="KUAJING_1688_APP_SECRET"),
    access_token: str = typer.Option(..., envvar="KUAJING_1688_ACCESS_TOKEN"),
    refresh_token: str = typer.Option(""),
    base_url: str = typer.Option("https://gw.open.1688.com", envvar="KUAJING_1688_BASE_URL"),
) -> None:
    creds = service.BuyerAccountCredentials(
        name, member_id, base_url, app_key, app_secret, access_token, refresh_token
    )
    with _uow() as uow:
        existing = StoreRepository(uow.session).buyer_account_by_member(member_id)
        before, rotated = service.audit_view(existing), service.changed_secrets(existing, creds)
        account = service.save_buyer_account(uow.session, creds)
        after = {**(service.audit_view(account) or {}), "secrets_changed": rotated}
        record(
            uow.session, cli_actor(), "buyer_account.save", "alibaba1688_account", account.id, before, after
        )
        uow.commit()
        typer.echo(f"1688 account {account.id} saved: {account.name} ({account.member_id})")


@app.command("link", help="Buy a store's orders with a 1688 buyer account (ids from `kuajing stores list`).")
def link(
    store_id: int = typer.Option(..., "--store", help="The AliExpress store's id."),
    account_id: int = typer.Option(..., "--account", help="The 1688 buyer account's id."),
) -> None:
    with exit_on_error(), _uow() as uow:
        store = StoreRepository(uow.session).aliexpress_store(store_id)
        before = {"buyer_account_id": store.buyer_account_id} if store is not None else None
        service.link_store_to_buyer(uow.session, store_id, account_id)
        after = {"buyer_account_id": account_id}
        record(uow.session, cli_actor(), "store.link_buyer", "aliexpress_store", store_id, before, after)
        uow.commit()
    typer.echo(
        f"店铺 {store_id} 使用1688账号 {account_id} 采购 / store {store_id} buys with account {account_id}"
    )


@app.command("connect-sandbox", help="Register every store and the buyer account of a running sandbox.")
def connect_sandbox(url: str = typer.Option("http://127.0.0.1:8710", "--url")) -> None:
    accounts = httpx.get(f"{url}/sandbox/accounts", timeout=30).raise_for_status().json()
    with _uow() as uow:
        saved = service.connect_sandbox(uow.session, url, accounts)
        record(uow.session, cli_actor(), "store.connect_sandbox", "sandbox", url, None, {"stores": saved})
        uow.commit()
    typer.echo(f"registered {saved} sandbox stores and their 1688 buyer account")


@app.command(
    help="Call each store and account once (approved carriers / a product) to check the credentials."
)
def check() -> None:
    failures = 0
    with _uow() as uow:
        repo = StoreRepository(uow.session)
        for store in repo.aliexpress_stores():
            try:
                with service.aliexpress_client(store) as client:
                    carriers = client.list_logistics_services()
                typer.secho(f"✓ {store.name}: {len(carriers)} approved carriers", fg="green")
            except MarketplaceError as error:
                failures += 1
                typer.secho(f"✗ {store.name}: {error}", fg="red")
        uow.commit()  # keep any refreshed tokens
    if failures:
        raise typer.Exit(1)
