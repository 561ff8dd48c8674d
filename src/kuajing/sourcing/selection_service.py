"""Use cases of selection: screen the catalogue, page the figures, export the sheet, compare a group.

Services take a session and never commit; the command or the request does. Screening writes the
matrix's figures (``selection.screen``); the export re-quotes each row with ``landed_cost()`` at
the stored price and line, so the sheet carries every cost line (commission, payment fee,
allowances, VAT and who collects it) exactly as the calculator shows them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kuajing.kit.errors import KuajingError
from kuajing.logistics.catalog import LogisticsCatalog
from kuajing.logistics.landed import QuoteRequest, landed_cost
from kuajing.logistics.model import Parcel
from kuajing.sourcing.grouping import DEFAULT_THRESHOLD, group_offers
from kuajing.sourcing.selection import Reliability, SelectionQuery, SupplierFacts, prior_reliability, screen
from kuajing.sourcing.selection_repository import FigurePage, SelectionRepository
from kuajing.sourcing.selection_tables import SelectionFigureRow
from kuajing.sourcing.supplier_scores import reliabilities
from kuajing.sourcing.tables import SourcedOfferRow, SupplierRow


@dataclass(frozen=True, slots=True)
class ScreenSummary:
    specs: int
    rows: int
    unserved: int
    countries: tuple[str, ...]


def screen_offers(
    session: Session,
    catalog: LogisticsCatalog,
    on: date,
    countries: Sequence[str],
    now: datetime,
    *,
    price_usd: Decimal | None = None,
    margin: Decimal | None = None,
    reliability: Reliability | None = None,
    offer_row_ids: Sequence[int] = (),
    batch: int = 5000,
) -> ScreenSummary:
    """Figures for every spec (or those of ``offer_row_ids``) to each country, batch by batch.
    Expected profit is weighted by each supplier's measured reliability unless one is given."""
    reliability = reliability or measured_reliability(session, now)
    repository = SelectionRepository(session)
    cards = catalog.cards_on(on)
    specs = rows = unserved = 0
    for candidates in repository.candidate_batches(batch, offer_row_ids):
        screened = screen(
            candidates, countries, on, cards, catalog.rules, catalog.policy, catalog.fx,
            price_usd=price_usd, margin=margin, reliability=reliability,
        )  # fmt: skip
        repository.replace_figures(screened, on, price_usd is not None, now)
        session.flush()
        specs += len(candidates)
        rows += len(screened)
        unserved += sum(1 for row in screened if row.line_id is None)
    repository.refresh_statistics()
    return ScreenSummary(specs, rows, unserved, tuple(countries))


def rescreen_stale(
    session: Session,
    catalog: LogisticsCatalog,
    on: date,
    now: datetime,
    default_countries: Sequence[str] = ("US",),
    chunk: int = 5000,
) -> ScreenSummary:
    """Figures for the offers that changed (or are new) since they were screened, to every country
    already screened (or ``default_countries``); in chunks, so no id list outgrows a statement."""
    repository = SelectionRepository(session)
    stale = repository.stale_offer_ids()
    countries = tuple(repository.screened_countries() or default_countries)
    specs = rows = unserved = 0
    for start in range(0, len(stale), chunk):
        summary = screen_offers(
            session, catalog, on, countries, now, offer_row_ids=stale[start : start + chunk]
        )
        specs, rows, unserved = specs + summary.specs, rows + summary.rows, unserved + summary.unserved
    return ScreenSummary(specs, rows, unserved, countries)


def measured_reliability(session: Session, now: datetime) -> Reliability:
    """The supplier score's reliability (measured history blended with the guide's priors)."""
    scores = reliabilities(session, now)

    def reliability(supplier: SupplierFacts) -> Decimal:
        measured = scores.get(supplier.member_id)
        return prior_reliability(supplier) if measured is None else measured

    return reliability


def selection_page(session: Session, query: SelectionQuery) -> FigurePage:
    return SelectionRepository(session).page(query)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of the selection sheet: a spec × country on its line, with the cost breakdown (CNY)."""

    figure: SelectionFigureRow
    goods: Decimal | None
    freight: Decimal | None  # international freight with surcharges
    duty: Decimal | None
    vat: Decimal | None
    vat_collected_by: str
    commission: Decimal | None
    fees: Decimal | None  # packaging, domestic freight, payment fee, ads and returns allowances
    total: Decimal | None
    margin: Decimal | None
    notes: tuple[str, ...] = field(default_factory=tuple)


def sheet_rows(session: Session, catalog: LogisticsCatalog, query: SelectionQuery) -> Iterator[SheetRow]:
    """Every row the filters keep, each re-quoted with ``landed_cost()`` for its cost lines."""
    for figure, size in SelectionRepository(session).all_matching(query):
        yield _sheet_row(figure, size, catalog)


def _sheet_row(
    figure: SelectionFigureRow, size: tuple[Decimal, Decimal, Decimal] | None, catalog: LogisticsCatalog
) -> SheetRow:
    if figure.line_id is None or figure.price_usd is None or not figure.weight_g:
        return SheetRow(figure, None, None, None, None, "", None, None, None, None, (figure.reason,))
    on = date.fromisoformat(figure.computed_on)
    hs_note = ("HS code assumed from the category",) if figure.hs_assumed else ()
    try:
        request = QuoteRequest(
            unit_cost_cny=figure.unit_cost_cny,
            quantity=1,
            parcel=Parcel(figure.weight_g, size),
            hs_codes=(figure.hs_code,),
            country=figure.country,
            on=on,
            price_usd=figure.price_usd,
            category=figure.category,
        )
        card = catalog.card(figure.line_id, on)
        quote = landed_cost(request, card, catalog.rules, catalog.policy, catalog.fx)
    except KuajingError as error:  # the card or rule changed since screening: keep the stored figures
        return SheetRow(
            figure, figure.goods_cny, figure.freight_cny, figure.duty_cny, figure.vat_cny, "", None,
            figure.fees_cny, figure.total_cny, figure.margin, (*hs_note, error.message_en),
        )  # fmt: skip
    cny = {line.key: line.cny.amount for line in quote.lines}
    freight = sum((v for k, v in cny.items() if k.startswith(("freight", "surcharge"))), Decimal(0))
    fees = cny["packaging"] + cny["domestic_freight"] + cny["payment_fee"] + cny["ads"] + cny["returns"]
    return SheetRow(
        figure, cny["goods"], freight, cny["duty"], cny["vat"], quote.tax.vat_collected_by,
        cny["commission"], fees, quote.total.amount, quote.margin, hs_note,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class GroupMember:
    offer: SourcedOfferRow
    supplier: SupplierRow
    figures: list[SelectionFigureRow]


def group_comparison(
    session: Session, offer_row_id: int, country: str, threshold: Decimal = DEFAULT_THRESHOLD
) -> list[GroupMember]:
    """The offers that are the same product as ``offer_row_id`` (same category), side by side."""
    repository = SelectionRepository(session)
    pairs = repository.offers([offer_row_id])
    if not pairs:
        return []
    category = pairs[0][0].category
    groups = group_offers(repository.group_items(category), threshold)
    members = next((group for group in groups if offer_row_id in group), [offer_row_id])
    figures: dict[int, list[SelectionFigureRow]] = {}
    for figure in repository.figures(members, country):
        figures.setdefault(figure.offer_row_id, []).append(figure)
    return [
        GroupMember(offer, supplier, figures.get(offer.id, []))
        for offer, supplier in repository.offers(members)
    ]
