"""What the signed-in role may do, asked by the templates: forms and links it cannot use are hidden.

A page shows a button only when pressing it would not answer 403. The answer comes from the same
place the sign-in middleware asks — the route's action (``route_actions``) and the role's
permissions — so a template names the URL its form posts to, never a list of roles:
``{% if can_post("/rules") %}<form method="post" action="/rules">…``. A path template with its
``{placeholders}`` works as well as a concrete path (``/aftersales/claims/{claim_id}/submit``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from jinja2 import Environment, pass_context

from kuajing.accounts.model import Principal
from kuajing.accounts.route_actions import action_for, is_public
from kuajing.accounts.web import OPEN_OWNER, match_route


def _asking(request: Request) -> Principal | None:
    """Who the page is for; nobody when sign-in is on and the request was not signed in."""
    found: Principal | None = getattr(request.state, "principal", None)
    if found is None and not request.app.state.settings.auth_required:
        return OPEN_OWNER
    return found


def may_request(request: Request, method: str, url: str) -> bool:
    """Whether the request's user may send ``method url`` (query string ignored) without a 403."""
    path = url.split("?", 1)[0]
    if is_public(path):
        return True
    who = _asking(request)
    if who is None:
        return False
    template, params = match_route(request.app, method.upper(), path)
    return who.may(action_for(method.upper(), template, params))


@pass_context
def can_post(context: Any, url: str) -> bool:
    return may_request(context["request"], "POST", url)


@pass_context
def can_open(context: Any, url: str) -> bool:
    return may_request(context["request"], "GET", url)


def install(env: Environment) -> None:
    """Make ``can_post(url)`` and ``can_open(url)`` available to every template."""
    env.globals["can_post"] = can_post
    env.globals["can_open"] = can_open


__all__ = ["can_open", "can_post", "install", "may_request"]
