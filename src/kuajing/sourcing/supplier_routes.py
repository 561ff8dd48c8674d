"""Supplier scorecards: pages and JSON API.

- ``GET /suppliers`` and ``GET /api/suppliers``: every supplier with flags, measured on-time
  dispatch (with n) and score; ``?sort=score|on_time|name|cluster|confidence`` with ``&dir=asc|desc``,
  ``?cluster=CODE`` and ``?flag=super_factory&flag=dropship…`` (all must hold), sorted and filtered
  on the server;
- ``GET /suppliers/{member_id}`` and ``GET /api/suppliers/{member_id}``: the profile, the score's
  itemised explanation, on-time dispatch by month against the prior and the supplier's offers.

The page and the API show the same figures (``card_to_dict``); money and rates are strings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.i18n import translate
from kuajing.orders import web_helpers as web
from kuajing.sourcing.scoring import COMPONENTS, SupplierProfile
from kuajing.sourcing.supplier_charts import components_chart, on_time_chart
from kuajing.sourcing.supplier_scores import (
    Scorecard,
    ScorecardDetail,
    scorecard,
    scorecards,
    scoring_settings,
)
from kuajing.web.app import request_language

router = APIRouter()

FLAGS: dict[str, Callable[[SupplierProfile], bool]] = {
    "trust_pass": lambda p: p.trust_pass,
    "super_factory": lambda p: p.super_factory,
    "auto_order": lambda p: p.auto_order_eligible,
    "dropship": lambda p: p.dropship,
    "cross_border": lambda p: p.cross_border or p.english_customs_docs,
    "iso9001": lambda p: p.iso9001,
    "free_sample": lambda p: p.free_sample,
    "custom_friendly": lambda p: (
        p.custom_moq is not None and p.custom_moq <= scoring_settings().custom_friendly_moq
    ),
    "credit_guarantee": lambda p: p.credit_guarantee,
}
SORTS: dict[str, Callable[[Scorecard], Any]] = {
    "score": lambda c: (c.score.score, c.profile.name),
    "on_time": lambda c: (c.score.component("on_time").value, c.profile.name),
    "confidence": lambda c: (c.score.confidence, c.profile.name),
    "name": lambda c: c.profile.name,
    "cluster": lambda c: (c.supplier.cluster_name or "", c.profile.name),
}


def _text(value: Decimal, places: str) -> str:
    return str(value.quantize(Decimal(places), ROUND_HALF_UP))


def card_to_dict(card: Scorecard) -> dict[str, Any]:
    row, score, history = card.supplier, card.score, card.history
    return {
        "member_id": row.member_id,
        "name": row.name,
        "province": row.province,
        "city": row.city,
        "cluster": {"code": row.cluster_code, "name": row.cluster_name},
        "trust_pass_years": row.trust_pass_years,
        "custom_moq": row.custom_moq,
        "english_customs_docs": row.english_customs_docs,
        "flags": [flag for flag, holds in FLAGS.items() if holds(card.profile)],
        "measured": {
            "on_time": {
                "successes": history.dispatch.successes,
                "observations": history.dispatch.observations,
            },
            "quality": {"successes": history.quality.successes, "observations": history.quality.observations},
            "claims": {"successes": history.claims.successes, "observations": history.claims.observations},
            "price_stability": {
                "successes": history.prices.successes,
                "observations": history.prices.observations,
            },
        },
        "on_time_rate": _text(score.component("on_time").value, "0.0001"),
        "score": str(score.score),
        "confidence": str(score.confidence),
        "reliability": str(score.reliability),
        "components": [
            {
                "key": c.key,
                "value": _text(c.value, "0.0001"),
                "weight": str(c.weight),
                "points": str(c.points),
                "observations": c.observations,
                "prior": str(c.prior) if c.prior is not None else None,
                "text_zh": c.text_zh,
                "text_en": c.text_en,
            }
            for c in score.components
        ],
    }


def detail_to_dict(detail: ScorecardDetail) -> dict[str, Any]:
    return {
        **card_to_dict(detail.card),
        "on_time_prior": str(detail.on_time_prior.mean),
        "on_time_by_month": [
            {"month": month, "successes": tally.successes, "observations": tally.observations}
            for month, tally in detail.by_month
        ],
        "offers": [
            {
                "offer_id": offer.offer_id,
                "title": offer.title,
                "unit_price": str(offer.unit_price),
                "currency": "CNY",
                "min_order_quantity": offer.min_order_quantity,
                "lifecycle_stage": offer.lifecycle_stage,
            }
            for offer in detail.offers
        ],
    }


def _listing(
    cards: list[Scorecard], sort: str, direction: str, cluster: str | None, flags: list[str]
) -> list[Scorecard]:
    unknown = [flag for flag in flags if flag not in FLAGS]
    if sort not in SORTS or direction not in ("asc", "desc") or unknown:
        raise ValidationFailed(
            f"sort must be one of {sorted(SORTS)}, dir asc or desc, flags from {list(FLAGS)}; "
            f"got sort={sort!r} dir={direction!r} unknown flags {unknown}",
            f"sort 应为 {sorted(SORTS)} 之一,dir 为 asc 或 desc,flag 取自 {list(FLAGS)};"
            f"实为 sort={sort!r} dir={direction!r},未知 flag {unknown}",
        )
    chosen = [
        card
        for card in cards
        if (not cluster or card.supplier.cluster_code == cluster)
        and all(FLAGS[f](card.profile) for f in flags)
    ]
    return sorted(chosen, key=SORTS[sort], reverse=direction == "desc")


# --- JSON API ------------------------------------------------------------------------------------


@router.get("/api/suppliers", tags=["sourcing"])
def suppliers_api(
    request: Request,
    sort: str = "score",
    dir: str = "desc",
    cluster: str | None = None,
    flag: list[str] = Query(default=[]),
) -> list[dict[str, Any]]:
    """Every supplier with its score and explanation, sorted and filtered like the page."""
    cards = web.work(request, lambda session: scorecards(session, web.now(request)))
    return [card_to_dict(card) for card in _listing(cards, sort, dir, cluster, flag)]


@router.get("/api/suppliers/{member_id}", tags=["sourcing"])
def supplier_api(request: Request, member_id: str) -> dict[str, Any]:
    tz = ZoneInfo(web.settings(request).timezone)
    return detail_to_dict(
        web.work(request, lambda session: scorecard(session, member_id, web.now(request), tz))
    )


# --- pages ---------------------------------------------------------------------------------------


def _helpers(request: Request) -> dict[str, Any]:
    language = request_language(request)

    def pct(rate: Decimal | str) -> str:
        return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"

    def cny(amount: Decimal) -> str:
        """At least to the fen; sub-fen 1688 tiers keep their digits."""
        exact = amount.normalize()
        return str(exact if -exact.as_tuple().exponent > 2 else amount.quantize(Decimal("0.01")))  # type: ignore[operator]

    return {
        "pct": pct,
        "cny": cny,
        "component_label": lambda key: translate(f"supplier.component.{key}", language),
        "flag_label": lambda key: translate(f"flag.{key}", language),
        "on_time_of": lambda card: card.score.component("on_time").value,
        "active": "suppliers",
    }


@router.get("/suppliers", response_class=HTMLResponse)
def suppliers_page(
    request: Request,
    sort: str = "score",
    dir: str = "desc",
    cluster: str | None = None,
    flag: list[str] = Query(default=[]),
) -> HTMLResponse:
    everyone = web.work(request, lambda session: scorecards(session, web.now(request)))
    cards = _listing(everyone, sort, dir, cluster, flag)
    clusters = sorted(
        {
            (c.supplier.cluster_code, c.supplier.cluster_name or "")
            for c in everyone
            if c.supplier.cluster_code
        }
    )
    language = request_language(request)
    base = {"sort": sort, "dir": dir, "cluster": cluster or "", "flag": flag}

    def href(**changes: Any) -> str:
        values = {**base, **changes}
        pairs = [(k, v) for k, v in values.items() if k != "flag" and v]
        pairs += [("flag", f) for f in values["flag"]]
        if language != "zh-CN":
            pairs.append(("lang", language))
        return "/suppliers?" + urlencode(pairs)

    def sort_href(key: str) -> str:
        return href(sort=key, dir="asc" if sort == key and dir == "desc" else "desc")

    def flag_href(key: str) -> str:
        return href(flag=[f for f in flag if f != key] if key in flag else [*flag, key])

    context = {
        "cards": cards,
        "total": len(everyone),
        "clusters": clusters,
        "flags": list(FLAGS),
        "chosen": base,
        "href": href,
        "sort_href": sort_href,
        "flag_href": flag_href,
        "flags_of": lambda card: [f for f, holds in FLAGS.items() if holds(card.profile)],
        **_helpers(request),
    }
    return web.page(request, "suppliers.html", context)


@router.get("/suppliers/{member_id}", response_class=HTMLResponse)
def supplier_page(request: Request, member_id: str) -> HTMLResponse:
    tz = ZoneInfo(web.settings(request).timezone)
    detail = web.work(request, lambda session: scorecard(session, member_id, web.now(request), tz))
    language = request_language(request)
    labels = {key: translate(f"supplier.component.{key}", language) for key in COMPONENTS}
    context = {
        "detail": detail,
        "card": detail.card,
        "data": detail_to_dict(detail),
        "flags_of": lambda card: [f for f, holds in FLAGS.items() if holds(card.profile)],
        "on_time_svg": on_time_chart(
            detail.by_month,
            detail.on_time_prior.mean,
            title=translate("supplier.chart.on_time", language),
            prior_label=translate("supplier.chart.prior", language),
        )
        if detail.by_month
        else None,
        "components_svg": components_chart(
            detail.card.score.components, labels, title=translate("supplier.chart.components", language)
        ),
        # the rule book's note is "中文 / English": the page shows its own language's half
        "prior_note": detail.on_time_prior.source_note.split(" / ")[0 if language == "zh-CN" else -1],
        **_helpers(request),
    }
    return web.page(request, "supplier_detail.html", context)


__all__ = ["card_to_dict", "detail_to_dict", "router"]
