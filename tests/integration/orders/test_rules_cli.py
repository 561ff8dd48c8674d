"""``kuajing rules`` against a SQLite database, validating offers through the sandbox's 1688 API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import select
from typer.testing import CliRunner, Result

from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.orders.mapping_xlsx import COLUMNS
from kuajing.orders.rules_cli import rules_app
from kuajing.orders.tables import SkuMappingRuleRow
from kuajing.sandbox.catalog import Offer
from kuajing.sandbox.server import SandboxServer
from kuajing.stores import service

runner = CliRunner()


@pytest.fixture
def database(sandbox: SandboxServer, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(sqlite_url)
    with make_session_factory(make_engine(sqlite_url))() as session:
        service.connect_sandbox(
            session, sandbox.base_url, httpx.get(f"{sandbox.base_url}/sandbox/accounts").json()
        )
        session.commit()
    monkeypatch.setenv("KUAJING_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KUAJING_CLOCK_URL", sandbox.base_url)
    monkeypatch.setenv("KUAJING_1688_CALLS_PER_SECOND", "1000")
    monkeypatch.setenv("COLUMNS", "250")  # wide tables: rows are not wrapped in the captured output
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def offer(sandbox: SandboxServer, index: int = 0) -> Offer:
    published = [
        o for o in sandbox.world.catalog.offers.values() if o.status == "published" and len(o.specs) >= 2
    ]
    return published[index]


def rules(database: str) -> list[SkuMappingRuleRow]:
    with make_session_factory(make_engine(database))() as session:
        return list(session.scalars(select(SkuMappingRuleRow).order_by(SkuMappingRuleRow.id)))


def cli(*args: str) -> Result:
    return runner.invoke(rules_app, list(args))


def add_prefix_rule(found: Offer) -> Result:
    return cli(
        "add",
        "--kind",
        "prefix",
        "--pattern",
        f"AE-{found.offer_id}-",
        "--offer-id",
        str(found.offer_id),
        "--variant",
        f"BLK={found.specs[0].spec_id}",
        "--variant",
        f"WHT={found.specs[1].spec_id}",
        "--unit-cost",
        "12.30",
        "--priority",
        "90",
    )


def test_add_saves_a_valid_rule_and_list_shows_it(sandbox: SandboxServer, database: str) -> None:
    found = offer(sandbox)
    added = add_prefix_rule(found)
    assert added.exit_code == 0, added.output
    [row] = rules(database)
    assert (row.kind, row.pattern, row.offer_id, row.priority) == (
        "prefix",
        f"AE-{found.offer_id}-",
        found.offer_id,
        90,
    )
    assert row.variant_map == {"BLK": found.specs[0].spec_id, "WHT": found.specs[1].spec_id}
    assert str(row.unit_cost) == "12.300000"

    listed = cli("list")
    assert listed.exit_code == 0
    assert f"AE-{found.offer_id}-" in listed.output and "12.30" in listed.output


def test_add_of_an_invalid_rule_prints_every_problem_and_saves_nothing(database: str) -> None:
    result = cli("add", "--kind", "regex", "--pattern", "AE-(", "--offer-id", "1", "--variant", "x=nope")
    assert result.exit_code == 1
    assert "pattern: " in result.output and "regex does not compile" in result.output
    assert "offer_id: " in result.output and "unknown 1688 offer 1" in result.output
    assert rules(database) == []


def test_test_command_explains_every_rule_tried_and_names_the_winner(
    sandbox: SandboxServer, database: str
) -> None:
    found = offer(sandbox)
    assert add_prefix_rule(found).exit_code == 0
    exact = cli(
        "add",
        "--kind",
        "exact",
        "--pattern",
        f"AE-{found.offer_id}-RED",
        "--offer-id",
        str(found.offer_id),
        "--spec-id",
        found.specs[1].spec_id,
        "--priority",
        "10",
    )
    assert exact.exit_code == 0, exact.output

    mapped = cli("test", f"AE-{found.offer_id}-WHT")
    assert mapped.exit_code == 0, mapped.output
    lines = [line for line in mapped.output.splitlines() if line.startswith(("✓", "·"))]
    assert len(lines) == 2  # both rules tried, in priority order
    assert lines[0].startswith("· #2 exact") and "does not match" in lines[0]
    assert lines[1].startswith("✓ #1 prefix") and f"matched: spec {found.specs[1].spec_id}" in lines[1]

    unmapped = cli("test", f"AE-{found.offer_id}-PINK")
    assert unmapped.exit_code == 1
    assert (
        "variant key 'PINK' is not in the variant map" in unmapped.output
        and "no rule maps" in unmapped.output
    )


def test_export_then_import_of_the_same_sheet_updates_instead_of_duplicating(
    sandbox: SandboxServer, database: str, tmp_path: Path
) -> None:
    assert add_prefix_rule(offer(sandbox)).exit_code == 0
    sheet = tmp_path / "rules.xlsx"
    exported = cli("export", str(sheet))
    assert exported.exit_code == 0 and sheet.exists()

    imported = cli("import", str(sheet))
    assert imported.exit_code == 0, imported.output
    assert "imported 1 rule" in imported.output
    assert len(rules(database)) == 1


def _sheet(path: Path, rows: list[list[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _row(kind: str, pattern: str, offer_id: int, spec_id: str) -> list[object]:
    return [kind, pattern, offer_id, spec_id, "", 1, 100, None, "", True, ""]


def test_import_with_a_bad_row_lists_it_writes_rejects_and_saves_nothing(
    sandbox: SandboxServer, database: str, tmp_path: Path
) -> None:
    found = offer(sandbox)
    sheet = tmp_path / "rules.xlsx"
    _sheet(
        sheet,
        [
            _row("exact", "AE-GOOD-1", found.offer_id, found.specs[0].spec_id),
            _row("exact", "AE-BAD-1", found.offer_id, "not-a-spec"),
            _row("sideways", "AE-BAD-2", found.offer_id, found.specs[0].spec_id),
        ],
    )
    result = cli("import", str(sheet))
    assert result.exit_code == 1
    assert "rules.xlsx 行 row 3, 列 column 规格ID spec_id" in result.output
    assert "spec not-a-spec is not a spec of offer" in result.output
    assert "rules.xlsx 行 row 4, 列 column 类型 kind" in result.output
    assert (tmp_path / "rules.rejects.xlsx").exists()
    assert rules(database) == []

    partial = cli("import", str(sheet), "--good-rows-only")
    assert partial.exit_code == 1
    assert [row.pattern for row in rules(database)] == ["AE-GOOD-1"]
