"""``kuajing db``: the schema is made and changed only by migrations."""

from __future__ import annotations

import typer

from kuajing.config import get_settings
from kuajing.db import migrate

app = typer.Typer(no_args_is_help=True)


@app.command(help="Apply every migration up to REVISION (default: the newest).")
def upgrade(revision: str = typer.Argument("head")) -> None:
    url = get_settings().database_url
    migrate.upgrade(url, revision)
    typer.echo(f"database at revision {migrate.current(url)} ({_safe(url)})")


@app.command(help="Undo migrations down to REVISION ('base' empties the database).")
def downgrade(revision: str) -> None:
    url = get_settings().database_url
    migrate.downgrade(url, revision)
    typer.echo(f"database at revision {migrate.current(url)}")


@app.command(help="Show the database's current migration revision.")
def current() -> None:
    url = get_settings().database_url
    typer.echo(migrate.current(url) or "empty (run `kuajing db upgrade`)")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
