"""`kuajing lines import|export|remove`, `kuajing duties …` and `kuajing costs …` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from kuajing.cli import app
from kuajing.config import get_settings
from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.logistics.data_cli import register_line_data_commands
from kuajing.logistics.service import catalog_for
from kuajing.logistics.tables import LogisticsDocumentRow

runner = CliRunner()
lines = typer.Typer()
register_line_data_commands(lines)


@pytest.fixture
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(sqlite_url)
    monkeypatch.setenv("KUAJING_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(*args: str) -> Any:
    return json.loads(ok(runner.invoke(app, list(args))).stdout)


def stored(database: str) -> int:
    engine = make_engine(database)
    with make_session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(LogisticsDocumentRow))
    engine.dispose()
    return int(count or 0)


def first_fee_in_force(database: str, line_id: str, day: date) -> str:
    engine = make_engine(database)
    with make_session_factory(engine)() as session:
        card = catalog_for(session, get_settings()).card(line_id, day)
    engine.dispose()
    return str(card.zones[0].bands[0].first_fee)


def test_export_a_shipped_card_edit_it_and_import_it_back(database: str, tmp_path: Path) -> None:
    path = tmp_path / "ae_standard.xlsx"
    ok(runner.invoke(lines, ["export", "ae_standard", "--out", str(path), "--date", "2026-07-15"]))
    book = load_workbook(path)
    bands = book["bands"]
    column = [c.value for c in bands[1]].index("首重费用 first_fee") + 1
    bands.cell(2, column).value = 4.4  # typed in Excel: a float
    line = book["line"]
    for row in line.iter_rows(min_row=2):
        if row[0].value == "样例数据 sample":
            row[1].value = "否"
    book.save(path)

    dry = ok(runner.invoke(lines, ["import", str(path), "--dry-run"]))
    assert "nothing saved" in dry.output and stored(database) == 0
    done = ok(runner.invoke(lines, ["import", str(path), "--by", "小王"]))
    assert "imported ae_standard v2026.1" in done.output and "overrides the shipped line" in done.output
    assert first_fee_in_force(database, "ae_standard", date(2026, 7, 15)) == "4.4"

    ok(runner.invoke(lines, ["remove", "ae_standard"]))
    assert first_fee_in_force(database, "ae_standard", date(2026, 7, 15)) == "3.60"


def test_a_bad_workbook_lists_every_bad_cell_exits_1_and_saves_nothing(database: str, tmp_path: Path) -> None:
    path = tmp_path / "card.xlsx"
    ok(runner.invoke(lines, ["export", "ae_premium", "--out", str(path), "--date", "2026-07-15"]))
    book = load_workbook(path)
    headers = [c.value for c in book["bands"][1]]
    book["bands"].cell(2, headers.index("首重费用 first_fee") + 1).value = "three"
    book["bands"].cell(3, headers.index("续重(克) step_g") + 1).value = 0
    book.save(path)
    result = runner.invoke(lines, ["import", str(path)])
    assert result.exit_code == 1
    assert "card.xlsx [bands] 行 row 2 列 column 首重费用 first_fee" in result.stderr
    assert "card.xlsx [bands] 行 row 3 列 column 续重(克) step_g" in result.stderr
    assert "nothing saved" in result.stderr and stored(database) == 0


def test_export_of_an_unknown_line_and_import_of_a_missing_file_exit_1(database: str, tmp_path: Path) -> None:
    unknown = runner.invoke(lines, ["export", "no_such_line", "--out", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 1 and "no_such_line" in unknown.stderr
    missing = runner.invoke(lines, ["import", str(tmp_path / "missing.xlsx")])
    assert missing.exit_code == 1 and "missing.xlsx" in missing.stderr


DUTIES = """
[[rule]]
rule_id = "us-my-broker"
countries = ["US"]
valid_from = 2026-07-24
currency = "USD"
source = "our broker, 2026-11: Section 122 extended"
surcharge_rate = "0.10"
surcharge_label = "Section 122"
vat_rates = { US = "0" }
low_value_vat = "none"
high_value_vat = "none"
duty_includes_freight = false
default_duty_rate = "0.05"
"""


def test_duties_import_list_and_remove(database: str, tmp_path: Path) -> None:
    before = as_json("duties", "list", "--country", "us", "--date", "2026-08-01", "--json")
    assert before["applies"] == "us-after-2026-07-24"
    assert next(r for r in before["rules"] if r["applies"])["to_confirm"] is True

    path = tmp_path / "duties.toml"
    path.write_text(DUTIES, encoding="utf-8")
    ok(runner.invoke(app, ["duties", "import", str(path)]))
    after = as_json("duties", "list", "--country", "US", "--date", "2026-08-01", "--json")
    applying = next(r for r in after["rules"] if r["applies"])
    assert (after["applies"], applying["origin"], applying["to_confirm"]) == ("us-my-broker", "user", False)
    assert applying["source"] == "our broker, 2026-11: Section 122 extended"
    assert "us-my-broker" in ok(runner.invoke(app, ["duties", "list", "--country", "US"])).output

    ok(runner.invoke(app, ["duties", "remove", "us-my-broker"]))
    assert as_json("duties", "list", "--country", "US", "--date", "2026-08-01", "--json")["applies"] == (
        "us-after-2026-07-24"
    )
    again = runner.invoke(app, ["duties", "remove", "us-my-broker"])
    assert again.exit_code == 1 and "us-my-broker" in again.stderr


def test_a_bad_duties_file_exits_1_with_each_problem_and_saves_nothing(database: str, tmp_path: Path) -> None:
    path = tmp_path / "duties.toml"
    path.write_text(
        DUTIES.replace('"0.10"', "0.10") + DUTIES.replace("2026-07-24", "someday"), encoding="utf-8"
    )
    broken = runner.invoke(app, ["duties", "import", str(path)])
    assert broken.exit_code == 1 and "not valid TOML" in broken.stderr  # "someday" is no TOML value
    path.write_text(DUTIES.replace('"0.10"', "0.10") + DUTIES.replace('"USD"', '"US"'), encoding="utf-8")
    result = runner.invoke(app, ["duties", "import", str(path)])
    assert result.exit_code == 1
    assert "[rule[0]] 列 column surcharge_rate" in result.stderr
    assert "[rule[1]] 列 column currency" in result.stderr
    assert stored(database) == 0


COSTS = """
source = "our figures"
payment_fee_rate = "0.01"
ads_rate = "0.03"
returns_rate = "0.02"
packaging_cny = "0.80"
domestic_freight_cny = "2.50"
target_margin = "0.30"
margin_floor = "0.15"
[commission_by_category]
"*" = "0.07"
"""


def test_costs_show_import_and_a_bad_costs_file(database: str, tmp_path: Path) -> None:
    shipped = as_json("costs", "show", "--json")
    assert (shipped["origin"], shipped["sample"]) == ("shipped", True)

    path = tmp_path / "costs.toml"
    path.write_text(COSTS.replace('"0.15"', "0.15"), encoding="utf-8")
    bad = runner.invoke(app, ["costs", "import", str(path)])
    assert bad.exit_code == 1 and "margin_floor" in bad.stderr and stored(database) == 0

    path.write_text(COSTS, encoding="utf-8")
    ok(runner.invoke(app, ["costs", "import", str(path)]))
    mine = as_json("costs", "show", "--json")
    assert (mine["origin"], mine["sample"], mine["margin_floor"]) == ("user", False, "0.15")
    assert mine["commission_by_category"] == {"*": "0.07"}
    assert "our figures" in ok(runner.invoke(app, ["costs", "show"])).output
