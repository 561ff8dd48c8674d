"""The OpenAPI document covers every endpoint: one tag per bounded context, so /api/docs groups the
operations as the product does, and downloads say what they send.

Routes keep the tags they name; one without a context's tag gets it from the first segment of its
path (after ``/api``). A download (``….xlsx``, ``….pdf``) documents its file type. Pages answer
``text/html`` (their ``response_class``). Called once by ``create_app`` after every router is
included.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

CONTEXT_OF_SEGMENT = {
    "": "pages",
    "health": "system",
    "hooks": "hooks",
    "catalog": "sourcing",
    "sourcing": "sourcing",
    "lifecycle": "sourcing",
    "suppliers": "sourcing",
    "orders": "orders",
    "exceptions": "orders",
    "rules": "orders",
    "logistics": "logistics",
    "fulfilment": "fulfilment",
    "reports": "reports",
    "aftersales": "aftersales",
    "compliance": "compliance",
    "auth": "accounts",
    "account": "accounts",
    "admin": "accounts",
    "audit": "accounts",
}
CONTEXTS = frozenset(CONTEXT_OF_SEGMENT.values())
FILE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def context_tag(path: str) -> str:
    segments = [part for part in path.split("/") if part]
    if segments[:1] == ["api"]:
        segments = segments[1:]
    first = segments[0].split(".")[0] if segments else ""
    return CONTEXT_OF_SEGMENT.get(first, first or "pages")


def tag_routes(app: FastAPI) -> None:
    """Give every untagged route its context's tag and drop repeated tags; the schema is rebuilt."""
    _tag(list(app.routes), "")
    app.openapi_schema = None


def _tag(routes: list[Any], prefix: str) -> None:
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI ≥ 0.165 keeps included routers whole
        if inner is not None:
            context = getattr(route, "include_context", None)
            _tag(list(inner.routes), prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, APIRoute):
            tags = list(dict.fromkeys(route.tags))
            if not set(tags) & CONTEXTS:  # a route's own finer tag ("exceptions") stays beside it
                tags.insert(0, context_tag(prefix + route.path))
            route.tags = tags
            for suffix, media_type in FILE_TYPES.items():
                if route.path.endswith(suffix) and 200 not in route.responses:
                    route.responses = {**route.responses, 200: {"content": {media_type: {}}}}
