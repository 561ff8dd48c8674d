"""Typed request parameters shared by the routes, bounded so that bad input is a 422, not a 500.

A row id or a platform id is stored in a 64-bit INTEGER column: a larger number is no row, and
SQLite refuses to even compare with it (OverflowError). Declaring the bound on the parameter puts
it in the OpenAPI document too, where the fuzz test (tests/integration/web/test_api_fuzz.py) reads it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

DB_INT_MAX = 2**63 - 1  # the largest value a BIGINT / SQLite INTEGER column holds
MAX_PAGE = 1_000_000  # a page number beyond any list: keeps OFFSET inside the column's range

RowId = Annotated[int, Path(ge=1, le=DB_INT_MAX)]  # a path id: our row ids, AliExpress and 1688 ids
OptionalId = Annotated[int | None, Query(ge=1, le=DB_INT_MAX)]  # the same as an optional query filter


def whole_number(text: str | None) -> int | None:
    """A count or an id typed by hand (a form field, a query parameter), or None when it is not
    one: ASCII digits only (``"²".isdigit()`` is true, yet ``int("²")`` fails), at most what an
    INTEGER column holds (and so never the thousands of digits ``int()`` refuses)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


def form_body(
    *fields: str, lists: tuple[str, ...] = (), files: tuple[str, ...] = (), required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads ``await request.form()`` itself (repeated fields,
    a page's many optional inputs, an uploaded file): the form's fields, all text as a browser
    sends them (multipart when a file is among them), so the OpenAPI document shows them and the
    fuzz test sends them."""
    properties: dict[str, Any] = {name: {"type": "string"} for name in fields}
    properties.update({name: {"type": "array", "items": {"type": "string"}} for name in lists})
    properties.update({name: {"type": "string", "format": "binary"} for name in files})
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    media_type = "multipart/form-data" if files else "application/x-www-form-urlencoded"
    return {"requestBody": {"required": bool(required), "content": {media_type: {"schema": schema}}}}
