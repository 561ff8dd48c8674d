"""商品核对 page and API: one product's materials and functions against its 1688 offer, the proposed
title and attributes, and its ranked HS candidates — the check a buyer runs before buying (PRODUCT §8).

- ``GET /compliance/check?title=…&attrs=…&offer_title=…&offer_attrs=…&category=…``: the form and,
  when a title is given, the result: conflicts with their evidence highlighted, the proposed title and
  attributes, and the HS candidates with a button to confirm one (the model learns it);
- ``POST /compliance/check/confirm``: record the confirmed code (``hs_service.record_confirmation``),
  then back to the same check (303);
- ``POST /api/compliance/check-text``: ``{title, attributes, offer_title, offer_attributes}`` → the
  same JSON as ``kuajing compliance check-text --json``;
- ``GET /api/compliance/hs/suggest?title=…&attr=K=V&category=…&top=3``: the same JSON as
  ``kuajing hs suggest --json``.

Attributes in the form are one ``名称=值`` (or ``名称:值``) per line, as sellers paste them from 1688.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from kuajing.compliance import hs_service
from kuajing.compliance.attribute_text import BadAttribute, parse_attributes
from kuajing.compliance.truth import ProductText, check_text
from kuajing.kit.errors import ValidationFailed
from kuajing.orders import web_helpers as web
from kuajing.web.app import render
from kuajing.web.params import whole_number

router = APIRouter()
TextField = Annotated[str, Form()]
MAX_TOP = 10


def attribute_lines(text: str, field: str) -> dict[str, str]:
    """``材质=PVC`` / ``材质:PVC`` / ``材质：PVC`` lines → a dict; a line without a name is an error."""
    try:
        return parse_attributes(text.splitlines())
    except BadAttribute as bad:
        raise ValidationFailed(
            f"{field}, line {bad.position}: write name=value (e.g. 材质=PVC), got {bad.text!r}",
            f"{field} 第 {bad.position} 行：应为 名称=值(如 材质=PVC),实为 {bad.text!r}",
            details={"field": field, "line": bad.position},
        ) from None


def _top(text: str | None) -> int:
    number = whole_number(text)
    value = 3 if number is None else number
    if not 1 <= value <= MAX_TOP:
        raise ValidationFailed(
            f"top must be 1–{MAX_TOP}", f"top 须在 1–{MAX_TOP} 之间", details={"field": "top"}
        )
    return value


def _check(request: Request, form: dict[str, str]) -> dict[str, Any]:
    title = form["title"].strip()
    if not title:
        return {}
    listing = ProductText(title, attribute_lines(form["attrs"], "attrs"))
    offer_title, offer_attrs = (
        form["offer_title"].strip(),
        attribute_lines(form["offer_attrs"], "offer_attrs"),
    )
    offer = ProductText(offer_title, offer_attrs) if offer_title or offer_attrs else None
    result = check_text(listing, offer).to_dict()
    candidates = web.work(
        request,
        lambda session: hs_service.suggest_for(
            session, title, listing.attributes, form["category"].strip() or None, top=5
        ),
    )
    return {"result": result, "candidates": candidates}


def _form(values: Any) -> dict[str, str]:
    return {
        key: str(values.get(key) or "")
        for key in ("title", "attrs", "offer_title", "offer_attrs", "category")
    }


@router.get("/compliance/check", response_class=HTMLResponse)
def check_page(request: Request) -> HTMLResponse:
    form = _form(request.query_params)
    context: dict[str, Any] = {"active": "compliance", "form": form, "error": None, "confirmed": None}
    try:
        context.update(_check(request, form))
    except ValidationFailed as error:
        context["error"] = error
        return render(request, "compliance_check.html", context, status_code=error.http_status)
    context["confirmed"] = request.query_params.get("confirmed")
    return render(request, "compliance_check.html", context)


@router.post("/compliance/check/confirm")
def confirm_code(
    request: Request,
    hs6: TextField,
    title: TextField,
    attrs: TextField = "",
    offer_title: TextField = "",
    offer_attrs: TextField = "",
    category: TextField = "",
) -> RedirectResponse:
    attributes = attribute_lines(attrs, "attrs")
    web.work(
        request,
        lambda session: hs_service.record_confirmation(
            session, title, hs6.strip(), attributes=attributes, category=category.strip() or None,
            source="user", confirmed_by=web.actor(request), now=web.now(request),
        ),
    )  # fmt: skip
    query = {"title": title, "attrs": attrs, "offer_title": offer_title, "offer_attrs": offer_attrs}
    query.update({"category": category, "confirmed": hs6.strip()})
    return RedirectResponse(f"/compliance/check?{urlencode(query)}", status_code=303)


class CheckTextRequest(BaseModel):
    title: str = Field(min_length=1, max_length=1000)
    attributes: dict[str, str] = Field(default_factory=dict)
    offer_title: str = Field(default="", max_length=1000)
    offer_attributes: dict[str, str] = Field(default_factory=dict)


@router.post("/api/compliance/check-text")
def check_text_api(body: CheckTextRequest) -> JSONResponse:
    listing = ProductText(body.title, body.attributes)
    offer = (
        ProductText(body.offer_title, body.offer_attributes)
        if body.offer_title or body.offer_attributes
        else None
    )
    return JSONResponse(check_text(listing, offer).to_dict())


@router.get("/api/compliance/hs/suggest")
def suggest_api(request: Request) -> JSONResponse:
    query = request.query_params
    title = (query.get("title") or "").strip()
    if not title:
        raise ValidationFailed("title is required", "需要商品标题", details={"field": "title"})
    attributes = attribute_lines("\n".join(query.getlist("attr")), "attr")
    top = _top(query.get("top"))
    category = (query.get("category") or "").strip() or None
    candidates = web.work(
        request, lambda session: hs_service.suggest_for(session, title, attributes, category, top=top)
    )
    return JSONResponse([candidate.as_dict() for candidate in candidates])


__all__ = ["attribute_lines", "router"]
