"""``kuajing compliance``: material and function truth from the command line.

check-text --title "…" [--attr 材质=PVC …] [--offer-title "…"] [--offer-attr K=V …] [--json]
prints the materials and functions found in each source and every conflict between the listing
and the 1688 offer. Conflicts are findings, not failures: exit 0; bad input (an --attr without
'=') exits 2 like any usage error.
"""

from __future__ import annotations

import json

import typer

from kuajing.compliance.attribute_text import BadAttribute, parse_attributes
from kuajing.compliance.materials import Found, vocabulary
from kuajing.compliance.truth import SOURCES, ProductText, TextCheck, check_text

compliance_app = typer.Typer(no_args_is_help=True)

_SOURCE_NAMES = {
    "listing_title": "商品标题 / listing title",
    "listing_attributes": "商品属性 / listing attributes",
    "offer_title": "1688标题 / offer title",
    "offer_attributes": "1688属性 / offer attributes",
}
_SEVERITY = {"error": "错误 / error", "warning": "警告 / warning"}


def attribute_option(items: list[str], option: str) -> dict[str, str]:
    """["材质=PVC", "Material=TPU"] → {"材质": "PVC", ...}; a pair without a name is a usage error."""
    try:
        return parse_attributes(items)
    except BadAttribute as bad:
        raise typer.BadParameter(
            f"需要 键=值,例如 材质=PVC / expected KEY=VALUE, e.g. 材质=PVC: {bad.text!r}",
            param_hint=option,
        ) from None


def _words(found: Found) -> str:
    vocab = vocabulary()
    parts = []
    for term in found.materials:
        share = f" {term.percent:g}%" if term.percent is not None else ""
        parts.append(f"{vocab.entry(term.canonical).zh}({term.matched}){share}")
    for term in found.functions:
        if term.implied_from is None:
            parts.append(f"[{vocab.entry(term.canonical).zh}]({term.matched})")
    for term in found.negated:
        if term.implied_from is None:
            parts.append(f"无{vocab.entry(term.canonical).zh}({term.matched})")
    return ", ".join(parts) or "—"


def _evidence_line(text: str, start: int, end: int) -> str:
    return f"{text[:start]}【{text[start:end]}】{text[end:]}"


def _print_table(check: TextCheck, has_offer: bool) -> None:
    typer.echo("材质与功能 / Materials and functions")
    for source in SOURCES:
        if has_offer or source.startswith("listing"):
            typer.echo(f"  {_SOURCE_NAMES[source]:<32} {_words(check.found[source])}")
    typer.echo("")
    if not check.conflicts:
        typer.echo("没有冲突 / No conflicts.")
    for n, conflict in enumerate(check.conflicts, 1):
        typer.echo(f"{n}. [{_SEVERITY.get(conflict.severity, conflict.severity)}] {conflict.kind}")
        listing_says = conflict.listing_says or "—"
        typer.echo(f"   商品 / listing: {listing_says}   对照 / other side: {conflict.offer_says}")
        typer.echo(f"   {conflict.message_zh}")
        typer.echo(f"   {conflict.message_en}")
        for e in conflict.evidence:
            typer.echo(f"   · {e.source} {e.field}: {_evidence_line(e.text, e.start, e.end)}")
    typer.echo("")
    typer.echo(f"建议标题 / Proposed title: {check.proposed_title}")
    attributes = "; ".join(f"{k}={v}" for k, v in check.proposed_attributes.items()) or "—"
    typer.echo(f"建议属性 / Proposed attributes: {attributes}")


@compliance_app.command(
    "check-text",
    help="材质/功能核对 / Material and function truth: listing title and attributes vs the 1688 offer.",
)
def check_text_command(
    title: str = typer.Option(..., "--title", help="速卖通商品标题 / AliExpress listing title."),
    attr: list[str] = typer.Option([], "--attr", help="商品属性 KEY=VALUE (repeat): --attr 材质=PVC"),
    offer_title: str | None = typer.Option(None, "--offer-title", help="1688 offer title."),
    offer_attr: list[str] = typer.Option([], "--offer-attr", help="1688 offer attribute KEY=VALUE (repeat)."),
    as_json: bool = typer.Option(False, "--json", help="Print the stable JSON."),
) -> None:
    listing = ProductText(title, attribute_option(attr, "--attr"))
    offer_attributes = attribute_option(offer_attr, "--offer-attr")
    has_offer = offer_title is not None or bool(offer_attributes)
    offer = ProductText(offer_title or "", offer_attributes) if has_offer else None
    check = check_text(listing, offer)
    if as_json:
        typer.echo(json.dumps(check.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_table(check, has_offer)
