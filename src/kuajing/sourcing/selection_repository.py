"""All SQL of selection: candidates to screen, figures written and paged, offers of a group.

Pages read ``selection_figures`` alone (sort and filter columns are copied there, each sort has a
(country, column) index), then join the page's rows to offers and suppliers by key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from kuajing.compliance.opinion_repository import latest_hs6_by_offer
from kuajing.sourcing.grouping import GroupItem
from kuajing.sourcing.selection import Screened, SelectionQuery, SpecCandidate, SupplierFacts
from kuajing.sourcing.selection_tables import SelectionFigureRow
from kuajing.sourcing.tables import SourcedOfferRow, SourcedSpecRow, SupplierRow

F = SelectionFigureRow


@dataclass(frozen=True, slots=True)
class FigurePage:
    rows: list[SelectionFigureRow]
    total: int  # rows matching the filters
    unserved: int  # specs of the country that no line serves (or could not be screened)
    screened: int  # every figure row for the country


class SelectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- screening -------------------------------------------------------------------------------

    def candidate_batches(
        self, batch: int = 5000, offer_row_ids: Sequence[int] = ()
    ) -> Iterator[list[SpecCandidate]]:
        """Every spec of every offer (an offer without specs is one candidate), by offer id."""
        last = 0
        while True:
            query = (
                select(SourcedOfferRow, SupplierRow)
                .join(SupplierRow, SupplierRow.id == SourcedOfferRow.supplier_id)
                .where(SourcedOfferRow.id > last)
                .order_by(SourcedOfferRow.id)
                .limit(batch)
            )
            if offer_row_ids:
                query = query.where(SourcedOfferRow.id.in_(offer_row_ids))
            pairs = self.session.execute(query).all()
            if not pairs:
                return
            last = pairs[-1][0].id
            specs: dict[int, list[SourcedSpecRow]] = {}
            for spec in self.session.scalars(
                select(SourcedSpecRow).where(SourcedSpecRow.offer_row_id.in_([o.id for o, _ in pairs]))
            ):
                specs.setdefault(spec.offer_row_id, []).append(spec)
            official = latest_hs6_by_offer(self.session, [o.offer_id for o, _ in pairs])  # 预归类意见 wins
            yield [
                candidate
                for offer, supplier in pairs
                for candidate in _candidates(
                    offer, supplier, specs.get(offer.id, []), official.get(offer.offer_id)
                )
            ]

    def replace_figures(self, rows: Sequence[Screened], on: date, price_given: bool, now: datetime) -> None:
        keys = {(row.candidate.offer_row_id, row.country) for row in rows}
        for country in {country for _, country in keys}:
            ids = [offer for offer, c in keys if c == country]
            for start in range(0, len(ids), 500):
                self.session.execute(
                    delete(F).where(F.country == country, F.offer_row_id.in_(ids[start : start + 500]))
                )
        values = [_figure_values(row, on, price_given, now) for row in rows]
        for start in range(0, len(values), 2000):
            self.session.execute(insert(F), values[start : start + 2000])

    def stale_offer_ids(self) -> list[int]:
        """Offers changed since their figures were computed (re-imported, re-fetched), or never screened."""
        oldest = (
            select(F.offer_row_id, func.min(F.computed_at).label("at")).group_by(F.offer_row_id).subquery()
        )
        query = (
            select(SourcedOfferRow.id)
            .outerjoin(oldest, oldest.c.offer_row_id == SourcedOfferRow.id)
            .where(or_(oldest.c.at.is_(None), SourcedOfferRow.updated_at > oldest.c.at))
            .order_by(SourcedOfferRow.id)
        )
        return list(self.session.scalars(query))

    def has_stale(self) -> bool:
        """Cheap enough for every page (two index look-ups): an offer changed or added after the latest
        screening. A screening covers every offer there is (unservable ones get a row with the reason),
        so an offer without figures is one added since."""
        latest = self.session.scalar(select(func.max(F.computed_at)))
        if latest is None:
            return bool(self.session.scalar(select(SourcedOfferRow.id).limit(1)))
        changed = select(SourcedOfferRow.id).where(SourcedOfferRow.updated_at > latest).limit(1)
        return self.session.scalar(changed) is not None

    def screened_countries(self) -> list[str]:
        return sorted(self.session.scalars(select(F.country).distinct()))

    def refresh_statistics(self) -> None:
        """``ANALYZE``: so the planner picks the (country, column) index that matches each page."""
        self.session.execute(text("ANALYZE selection_figures"))

    # --- reading ---------------------------------------------------------------------------------

    def page(self, query: SelectionQuery) -> FigurePage:
        conditions = _conditions(query)
        column = getattr(F, query.sort)
        order = (column.desc(), F.id.desc()) if query.descending else (column.asc(), F.id.asc())
        rows = list(
            self.session.scalars(
                select(F).where(*conditions).order_by(*order).offset(query.offset).limit(query.per_page)
            )
        )
        total = self.session.scalar(select(func.count()).select_from(F).where(*conditions)) or 0
        counts = self.session.execute(
            select(func.count(), func.count(F.line_id)).where(F.country == query.country)
        ).one()
        return FigurePage(rows, total, counts[0] - counts[1], counts[0])

    def all_matching(
        self, query: SelectionQuery
    ) -> Iterator[tuple[SelectionFigureRow, tuple[Decimal, Decimal, Decimal] | None]]:
        """Every row the filters keep, in the query's order, with the offer's size (the export)."""
        column = getattr(F, query.sort)
        order = (column.desc(), F.id.desc()) if query.descending else (column.asc(), F.id.asc())
        offers = SourcedOfferRow
        rows = self.session.execute(
            select(F, offers.length_cm, offers.width_cm, offers.height_cm)
            .join(offers, offers.id == F.offer_row_id)
            .where(*_conditions(query))
            .order_by(*order)
            .execution_options(yield_per=2000)
        )
        for figure, length, width, height in rows:
            yield figure, ((length, width, height) if length and width and height else None)

    def figures(self, offer_row_ids: Sequence[int], country: str) -> list[SelectionFigureRow]:
        return list(
            self.session.scalars(
                select(F).where(F.country == country, F.offer_row_id.in_(offer_row_ids)).order_by(F.id)
            )
        )

    def offers(self, offer_row_ids: Sequence[int]) -> list[tuple[SourcedOfferRow, SupplierRow]]:
        return [
            (offer, supplier)
            for offer, supplier in self.session.execute(
                select(SourcedOfferRow, SupplierRow)
                .join(SupplierRow, SupplierRow.id == SourcedOfferRow.supplier_id)
                .where(SourcedOfferRow.id.in_(offer_row_ids))
                .order_by(SourcedOfferRow.id)
            )
        ]

    def group_items(self, category: str | None) -> list[GroupItem]:
        """Titles and attributes of the offers of one category (all with None), for grouping."""
        query = select(
            SourcedOfferRow.id, SourcedOfferRow.title, SourcedOfferRow.material, SourcedOfferRow.attributes
        )
        if category:
            query = query.where(SourcedOfferRow.category == category)
        items = []
        for row_id, title, material, attributes in self.session.execute(query):
            values = {str(k): str(v) for k, v in (attributes or {}).items()}
            if material and "材质" not in values:
                values["材质"] = material
            items.append(GroupItem(row_id, title, values))
        return items

    def categories(self) -> list[str]:
        return [c for c in self.session.scalars(select(SourcedOfferRow.category).distinct()) if c]

    def lines(self, country: str) -> list[str]:
        return [
            line
            for line in self.session.scalars(select(F.line_id).where(F.country == country).distinct())
            if line
        ]


def _conditions(query: SelectionQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [F.country == query.country]
    conditions.append(F.line_id.is_(None) if query.unserved else F.line_id.is_not(None))
    if query.category:
        conditions.append(F.category == query.category)
    if query.max_moq is not None:
        conditions.append(F.moq <= query.max_moq)
    if query.custom_friendly:
        conditions.append(F.custom_moq <= 50)
    if query.dropship_only:
        conditions.append(F.dropship.is_(True))
    if query.min_margin is not None:
        conditions.append(F.margin >= query.min_margin)
    if query.cluster:
        conditions.append(F.cluster_code == query.cluster)
    if query.line:
        conditions.append(F.line_id == query.line)
    if query.text:
        conditions.append(F.title.contains(query.text, autoescape=True))
    if query.offer_row_ids:
        conditions.append(F.offer_row_id.in_(query.offer_row_ids))
    return conditions


def _candidates(
    offer: SourcedOfferRow, supplier: SupplierRow, specs: list[SourcedSpecRow], official_hs: str | None = None
) -> list[SpecCandidate]:
    facts = SupplierFacts(
        supplier.name, supplier.super_factory, supplier.trust_pass, supplier.dropship,
        supplier.custom_moq, supplier.cluster_code, supplier.member_id,
    )  # fmt: skip
    length, width, height = offer.length_cm, offer.width_cm, offer.height_cm
    size = (length, width, height) if length and width and height else None

    def one(spec_id: str, attributes: str, cost: Decimal) -> SpecCandidate:
        return SpecCandidate(
            offer.id, offer.offer_id, spec_id, attributes, offer.title, offer.category, cost,
            offer.min_order_quantity, offer.weight_g, size, official_hs or offer.hs_code, supplier.id, facts,
        )  # fmt: skip

    if not specs:
        return [one("", "", offer.unit_price)]
    # dropship pays the spec's 代发价 where set (as logistics.offers.unit_cost), else its price
    return [one(s.spec_id, s.attributes, s.consign_price or s.price or offer.unit_price) for s in specs]


def _figure_values(row: Screened, on: date, price_given: bool, now: datetime) -> dict[str, Any]:
    c = row.candidate
    return {
        "offer_row_id": c.offer_row_id, "spec_id": c.spec_id, "spec_attributes": c.spec_attributes[:300],
        "country": row.country, "offer_id": c.offer_id, "title": c.title[:500], "category": c.category,
        "supplier_id": c.supplier_id, "supplier_name": c.supplier.name,
        "cluster_code": c.supplier.cluster_code,
        "dropship": c.supplier.dropship, "super_factory": c.supplier.super_factory,
        "custom_moq": c.supplier.custom_moq, "moq": c.moq, "unit_cost_cny": c.unit_cost_cny,
        "weight_g": c.weight_g, "hs_code": row.hs_code, "hs_assumed": row.hs_assumed,
        "line_id": row.line_id,
        "price_usd": row.price_usd, "goods_cny": row.goods_cny, "freight_cny": row.freight_cny,
        "duty_cny": row.duty_cny, "vat_cny": row.vat_cny, "fees_cny": row.fees_cny,
        "total_cny": row.total_cny,
        "expected_cost_cny": row.expected_cost_cny, "profit_cny": row.profit_cny, "margin": row.margin,
        "reliability": row.reliability, "expected_profit_cny": row.expected_profit_cny,
        "reason": row.reason[:200], "price_given": price_given, "computed_on": on.isoformat(),
        "computed_at": now,
    }  # fmt: skip


__all__ = ["FigurePage", "SelectionRepository"]
