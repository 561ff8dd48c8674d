"""The OpenAPI document (/api/openapi.json) covers every endpoint: the JSON API under /api, the
1688 push hook, the pages (``text/html``), their forms and the downloads (with their file type),
each with every method, typed path parameters, a 2xx response, a unique operationId and its
context's tag. Left out: FastAPI's own docs routes and /static.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from seeded_world import every_route

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.web.app import create_app
from kuajing.web.openapi_tags import CONTEXT_OF_SEGMENT, context_tag

FASTAPI_OWN = {
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/oauth2-redirect",
    "/docs/oauth2-redirect",
    "/redoc",
}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def app_and_schema(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('openapi')}/kuajing.sqlite3"
    migrate.upgrade(url)
    app = create_app(Settings(database_url=url))
    reply = TestClient(app).get("/api/openapi.json")
    assert reply.status_code == 200
    return app, reply.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_api_route_is_in_the_schema_with_each_of_its_methods(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    app, schema = app_and_schema
    api_routes = [
        (path, methods - {"HEAD"})
        for path, methods, _ in every_route(list(app.routes))
        if (path.startswith("/api/") or path.startswith("/hooks/")) and path not in FASTAPI_OWN
    ]
    assert len(api_routes) >= 30, api_routes
    missing = [
        f"{method} {path}"
        for path, methods in api_routes
        for method in sorted(methods)
        if method.lower() not in schema["paths"].get(path, {})
    ]
    assert missing == []


def test_every_page_form_and_download_is_in_the_schema_too(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    app, schema = app_and_schema
    missing = [
        f"{method} {path}"
        for path, methods, _ in every_route(list(app.routes))
        for method in sorted(methods - {"HEAD"})
        if path not in FASTAPI_OWN
        and not path.startswith("/static")
        and method.lower() not in schema["paths"].get(path, {})
    ]
    assert missing == []
    pages = ["/", "/orders", "/rules", "/suppliers", "/logistics/quote", "/login", "/admin/users", "/audit"]
    pages = [p for p in pages if p in schema["paths"]]
    assert len(pages) == 8
    for path in pages:
        assert "text/html" in schema["paths"][path]["get"]["responses"]["200"]["content"], path


def test_downloads_document_their_file_type(app_and_schema: tuple[Any, dict[str, Any]]) -> None:
    _, schema = app_and_schema
    downloads = [path for path in schema["paths"] if path.endswith((".xlsx", ".pdf"))]
    assert len(downloads) >= 4, downloads
    wrong = [
        path
        for path in downloads
        if not set(schema["paths"][path]["get"]["responses"]["200"].get("content", {}))
        & {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    ]
    assert wrong == []


def test_the_account_forms_name_their_typed_fields(app_and_schema: tuple[Any, dict[str, Any]]) -> None:
    _, schema = app_and_schema
    expected = {
        "/login": {"username", "password", "next"},
        "/account/password": {"current", "new"},
        "/admin/users": {"username", "password", "role", "display_name", "stores"},
        "/admin/users/{user_id}": {"op", "role", "password", "stores"},
    }
    for path, fields in expected.items():
        operation = schema["paths"][path]["post"]
        assert "accounts" in operation["tags"], path
        body = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        reference = body["$ref"].split("/")[-1]
        assert set(schema["components"]["schemas"][reference]["properties"]) == fields, path


def test_every_operation_has_a_2xx_response_a_unique_id_and_a_context_tag(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    _, schema = app_and_schema
    operations = _operations(schema)
    no_success = [
        f"{m} {p}" for p, m, op in operations if not any(c.startswith("2") for c in op["responses"])
    ]
    assert no_success == []
    ids = Counter(op.get("operationId") for _, _, op in operations)
    assert None not in ids and [i for i, n in ids.items() if n > 1] == []
    known = set(CONTEXT_OF_SEGMENT.values())
    untagged = [
        f"{m} {p} {op.get('tags')}" for p, m, op in operations if not set(op.get("tags") or ()) & known
    ]
    assert untagged == []


def test_every_path_parameter_is_declared_and_typed(app_and_schema: tuple[Any, dict[str, Any]]) -> None:
    _, schema = app_and_schema
    problems = []
    for path, method, operation in _operations(schema):
        declared = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
        for name in re.findall(r"{(\w+)}", path):
            if name not in declared or not declared[name].get("schema", {}).get("type"):
                problems.append(f"{method} {path}: {name}")
    assert problems == []


def test_json_bodies_of_api_writes_are_documented(app_and_schema: tuple[Any, dict[str, Any]]) -> None:
    """A POST under /api that takes a body says so (schemathesis can only send what is documented)."""
    _, schema = app_and_schema
    undocumented = [
        f"{method} {path}"
        for path, method, operation in _operations(schema)
        if path.startswith("/api/")
        and method in ("post", "put", "patch")
        and "requestBody" not in operation
        and not operation.get("parameters")
        and not path.endswith(("/logout", "/recheck"))
    ]
    assert undocumented == []


def test_a_route_without_a_tag_gets_its_context_from_its_path() -> None:
    assert context_tag("/api/compliance/hs/suggest") == "compliance"
    assert context_tag("/reports/trends.xlsx") == "reports"
    assert context_tag("/lifecycle/move") == "sourcing"
    assert context_tag("/") == "pages"


def test_the_schema_is_served_without_a_database_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.sqlite3"
    migrate.upgrade(url)
    assert TestClient(create_app(Settings(database_url=url))).get("/api/openapi.json").status_code == 200
