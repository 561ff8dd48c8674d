"""The logistics data in force: shipped defaults plus what the user imported or set.

Shipped files live in ``data/`` (rate cards, tax rules, costs, FX) and are read once. A user's
imported cards and rules (stored as the same documents, see ``repository``) are layered on top:
for a line or a country on a date, the user's version wins over the shipped one, and among
versions of one origin the latest start wins. Settings still override the two figures the
order loop has always read from the environment (USD rate, margin floor and commission).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from kuajing.kit.errors import NotFound
from kuajing.logistics.documents import parse_cost_policy, parse_fx, parse_rate_card, parse_tax_rule
from kuajing.logistics.landed import CostPolicy, FxTable
from kuajing.logistics.model import RateCard
from kuajing.logistics.taxes import TaxRule, TaxRuleBook

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class LogisticsCatalog:
    cards: tuple[RateCard, ...]  # every version of every line, shipped and imported
    rules: TaxRuleBook
    policy: CostPolicy
    fx: FxTable
    warnings: tuple[str, ...] = ()  # saved documents that no longer load, left out

    def is_user_card(self, card: RateCard) -> bool:
        return card.user_defined

    def cards_on(self, day: date) -> tuple[RateCard, ...]:
        """One card per line, the one in force on ``day``."""
        chosen: dict[str, RateCard] = {}
        for card in self.cards:
            if not card.valid_on(day):
                continue
            current = chosen.get(card.line_id)
            if current is None or self._rank(card) > self._rank(current):
                chosen[card.line_id] = card
        return tuple(sorted(chosen.values(), key=lambda c: (c.kind != "official", c.line_id)))

    def card(self, line_id: str, day: date) -> RateCard:
        for card in self.cards_on(day):
            if card.line_id == line_id:
                return card
        known = sorted(card.line_id for card in self.cards_on(day))
        raise NotFound(
            f"no rate card {line_id!r} valid on {day.isoformat()} (lines: {', '.join(known)})",
            f"没有在 {day.isoformat()} 有效的线路 {line_id!r}(可选: {', '.join(known)})",
            details={"line": line_id, "date": day.isoformat()},
        )

    def _rank(self, card: RateCard) -> tuple[bool, date]:
        return card.user_defined, card.valid_from

    def with_user_documents(
        self,
        cards: Iterable[RateCard] = (),
        rules: Iterable[TaxRule] = (),
        policy: CostPolicy | None = None,
        warnings: Iterable[str] = (),
    ) -> LogisticsCatalog:
        """A user's card with the line and version of a card already here (a shipped card exported,
        edited and imported back) replaces it; other versions stand beside it."""
        user_cards = tuple(replace(card, user_defined=True) for card in cards)
        replaced = {(card.line_id, card.version) for card in user_cards}
        kept = tuple(card for card in self.cards if (card.line_id, card.version) not in replaced)
        return replace(
            self,
            cards=(*kept, *user_cards),
            rules=self.rules.with_rules(rules),
            policy=policy or self.policy,
            warnings=(*self.warnings, *warnings),
        )

    def with_settings(
        self, usd_cny_rate: str = "", margin_floor: str = "", platform_commission: str = ""
    ) -> LogisticsCatalog:
        """Environment settings, where set, over the data files."""
        fx, policy = self.fx, self.policy
        if usd_cny_rate:
            fx = replace(fx, cny_per={**fx.cny_per, "USD": Decimal(usd_cny_rate)})
        if margin_floor:
            policy = replace(policy, margin_floor=Decimal(margin_floor))
        if platform_commission:
            commission = {**policy.commission_by_category, "*": Decimal(platform_commission)}
            policy = replace(policy, commission_by_category=commission)
        return replace(self, fx=fx, policy=policy)


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def shipped_catalog() -> LogisticsCatalog:
    cards = tuple(
        parse_rate_card(read_toml(path), f"ratecards/{path.name}")
        for path in sorted((DATA_DIR / "ratecards").glob("*.toml"))
    )
    rules_doc = read_toml(DATA_DIR / "tax_rules.toml")
    rules = tuple(parse_tax_rule(doc, f"tax_rules.toml rule[{i}]") for i, doc in enumerate(rules_doc["rule"]))
    return LogisticsCatalog(
        cards=cards,
        rules=TaxRuleBook(rules),
        policy=parse_cost_policy(read_toml(DATA_DIR / "costs.toml"), "costs.toml"),
        fx=parse_fx(read_toml(DATA_DIR / "fx.toml"), "fx.toml"),
    )
