"""``kuajing secrets``: which key encrypts the stored secrets, rotate to a new key, make a key.

Rotation, step by step (README "Secrets"):

1. ``kuajing secrets new-key`` prints a new key;
2. ``KUAJING_SECRET_KEY=<new>,<old>``: the new key encrypts, both decrypt;
3. ``kuajing secrets rotate-key``: every stored secret re-encrypted with the new key, in one
   transaction (a value that no key decrypts stops it before anything is written);
4. ``kuajing secrets status`` shows everything under the new key: drop the old one.
"""

from __future__ import annotations

import json

import typer

from kuajing.config import get_settings
from kuajing.db.engine import make_engine
from kuajing.db.models import Base
from kuajing.kit.secret_columns import census, reencrypt, secret_columns
from kuajing.kit.secrets import keyring_for, new_key

secrets_app = typer.Typer(no_args_is_help=True)


@secrets_app.command(help="Which key encrypts how many stored secrets; whether plaintext remains.")
def status(as_json: bool = typer.Option(False, "--json", help="Stable JSON on stdout.")) -> None:
    engine = make_engine(get_settings().database_url)
    try:
        ring = keyring_for(engine.dialect)
        with engine.connect() as conn:
            found = census(conn, ring, secret_columns(Base.metadata))
    finally:
        engine.dispose()
    keys = [
        {"position": position, "fingerprint": fp, "values": found.by_key.get(fp, 0)}
        for position, fp in enumerate(ring.fingerprints(), start=1)
    ]
    if as_json:
        report = {
            "source": ring.source,
            "keys": keys,
            "values": found.values,
            "plaintext": dict(found.plaintext),
            "undecryptable": dict(found.undecryptable),
        }
        typer.echo(json.dumps(report, ensure_ascii=False, sort_keys=True))
    else:
        typer.echo(f"密钥来源 / keys from: {ring.source}")
        for key in keys:
            role = "加密 encrypts" if key["position"] == 1 else "仅解密 decrypts only"
            typer.echo(f"  key {key['position']} [{key['fingerprint']}] {role}: {key['values']} values")
        typer.echo(f"明文 / plaintext: {sum(found.plaintext.values())} {dict(found.plaintext) or ''}")
        if found.undecryptable:
            typer.secho(
                f"无法解密 / no key decrypts: {sum(found.undecryptable.values())} "
                f"{dict(found.undecryptable)}",
                fg="red",
            )
        elif found.plaintext or any(key["values"] for key in keys[1:]):
            typer.echo("运行 / run `kuajing secrets rotate-key` to put every value under key 1")
    if found.undecryptable:
        raise typer.Exit(1)


@secrets_app.command(
    "rotate-key",
    help="Re-encrypt every stored secret with the first key of KUAJING_SECRET_KEY (old keys after it).",
)
def rotate_key() -> None:
    engine = make_engine(get_settings().database_url)
    try:
        ring = keyring_for(engine.dialect)
        with engine.begin() as conn:  # one transaction: all values move, or none
            counts = reencrypt(conn, ring, secret_columns(Base.metadata))
            after = census(conn, ring, secret_columns(Base.metadata))
    finally:
        engine.dispose()
    for name, count in counts.items():
        typer.echo(f"  {name}: {count} re-encrypted")
    first = ring.fingerprints()[0]
    typer.secho(
        f"已用 key 1 [{first}] 重新加密 {sum(counts.values())} 个值,共 {after.values} 个值 / "
        f"{sum(counts.values())} values re-encrypted; all {after.values} under key 1 [{first}]",
        fg="green",
    )


@secrets_app.command("new-key", help="Print a new key for KUAJING_SECRET_KEY (keep it out of backups).")
def new_key_command() -> None:
    typer.echo(new_key())
