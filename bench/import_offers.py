"""Offer import speed: a generated ROWS-row xlsx (50,000 offers × 4 specs by default) imported into a
fresh SQLite database through ``import_offers_file`` (the CLI's use case, one transaction), against
the floor measured in the same run: reading the same file with python-calamine alone (every row
iterated). Prints JSON: rows/s for both, the ratio, peak memory (ru_maxrss) and seconds.
Run: .venv/bin/python bench/import_offers.py [ROWS]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from python_calamine import load_workbook
from sqlalchemy.exc import SAWarning

from kuajing.db import migrate
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.sourcing.offers_service import import_offers_file
from kuajing.sourcing.repository import SourcingRepository

ROWS = 200_000
SPECS_PER_OFFER = 4
FIRST_OFFER_ID = 610_000_000_000
HEADERS = [
    "商品ID", "标题", "供应商", "价格", "阶梯价", "起订量", "重量(克)", "尺寸", "类目", "材质",
    "规格ID", "规格", "代发价", "库存", "诚信通", "超级工厂", "一件代发", "省份", "产业带",
]  # fmt: skip
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

warnings.filterwarnings("ignore", category=SAWarning, message=".*Decimal objects natively.*")


def generate(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("货源")
    sheet.append(HEADERS)
    for n in range(rows):
        offer = n // SPECS_PER_OFFER
        spec = n % SPECS_PER_OFFER
        price = 2 + offer % 50 + spec / 10
        sheet.append([
            FIRST_OFFER_ID + offer, f"硅胶手机壳 款式{offer}", f"义乌供应商{offer % 2000}", price,
            f"1-99:{price:.2f};100-999:{price * 0.9:.2f};1000+:{price * 0.8:.2f}", 2, 30 + offer % 400,
            "15x8x2", "手机配件", "硅胶", f"{offer}-{spec}", f"颜色:色{spec}", round(price + 1, 2), 500,
            "是", "否" if offer % 3 else "是", "是", "浙江", "义乌小商品",
        ])  # fmt: skip
    workbook.save(path)


def calamine_floor(path: Path) -> float:
    start = time.perf_counter()
    sheet = load_workbook(str(path)).get_sheet_by_index(0)
    count = sum(1 for _ in sheet.iter_rows())
    assert count > 0
    return time.perf_counter() - start


def full_import(path: Path, url: str) -> tuple[float, int, int]:
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    start = time.perf_counter()
    with factory() as session:
        outcome = import_offers_file(SourcingRepository(session), path, now=NOW)
        if not outcome.keep:
            raise SystemExit(f"import refused: {outcome.problems[:5]}")
        session.commit()
    seconds = time.perf_counter() - start
    with factory() as session:
        stored = SourcingRepository(session).count_offers()
    return seconds, outcome.imported, stored


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    with tempfile.TemporaryDirectory(prefix="kuajing-bench-offers-") as tmp:
        path = Path(tmp) / "offers.xlsx"
        generate_start = time.perf_counter()
        generate(path, rows)
        generate_s = time.perf_counter() - generate_start
        floor_s = calamine_floor(path)
        import_s, imported, stored = full_import(path, f"sqlite:///{tmp}/offers.sqlite3")
        size_mb = path.stat().st_size / 1e6
    floor_per_s, import_per_s = rows / floor_s, rows / import_s
    print(
        json.dumps(
            {
                "bench": "import_offers",
                "rows": rows,
                "offers": imported,
                "offers_stored": stored,
                "file_mb": round(size_mb, 1),
                "import_rows_per_s": round(import_per_s, 1),
                "calamine_rows_per_s": round(floor_per_s, 1),
                "ratio_to_floor": round(import_per_s / floor_per_s, 4),
                "import_seconds": round(import_s, 2),
                "calamine_seconds": round(floor_s, 2),
                "generate_seconds": round(generate_s, 2),
                "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
