"""HS candidates, measured: top-1 and top-3 accuracy at 2, 4 and 6 digits, build time, latency.

Two sets, both for measuring only (the model never sees them):
- HSCodeComp (``../shared/data/hs-eval/hscodecomp_test.jsonl``, 632 AliExpress listings with their
  US HTS 10-digit code; see its SOURCE.md): title, attributes and the category path (English and
  Chinese levels) go in; the code's first 2/4/6 digits are compared.
- kuajing's hand-labelled set (``bench/data/hs_labelled.jsonl``, see HS_LABELLED.md).

Each set is scored with the shipped model (nomenclature + keyword lists, no confirmations) and with
a zero-shot baseline: TF-IDF over the nomenclature text alone, same inputs. Prints JSON.
Run: .venv/bin/python bench/hs_eval.py [--hs-eval PATH] [--labelled PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kuajing.compliance.hs_model import HsCandidate, HsModel, build_model, suggest
from kuajing.compliance.hs_nomenclature import load
from kuajing.compliance.hs_service import load_keywords

ROOT = Path(__file__).resolve().parent.parent
HS_EVAL = ROOT.parent / "shared" / "data" / "hs-eval" / "hscodecomp_test.jsonl"
LABELLED = ROOT / "bench" / "data" / "hs_labelled.jsonl"
DIGITS = (2, 4, 6)
Item = tuple[str, dict[str, str], str, str]  # title, attributes, category, gold hs6 (or longer)


def _attributes(raw: object) -> dict[str, str]:
    """HSCodeComp keeps attributes as a JSON string: a mapping, or a list of pairs/mappings."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {"attributes": raw} if raw.strip() else {}
    if isinstance(raw, dict):
        return {str(key): str(value) for key, value in raw.items()}
    out: dict[str, str] = {}
    if isinstance(raw, list):
        for number, element in enumerate(raw):
            if isinstance(element, dict) and len(element) >= 2:
                key, value = list(element.values())[:2]
                out[str(key)] = str(value)
            elif isinstance(element, dict | list | tuple) and element:
                values = list(element.values()) if isinstance(element, dict) else list(element)
                out[f"a{number}"] = " ".join(str(value) for value in values)
            else:
                out[f"a{number}"] = str(element)
    return out


def read_hs_eval(path: Path) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as file:
        for line in file:
            row = json.loads(line)
            english = " > ".join(row[f"cate_lv{n}_desc"] for n in range(1, 6) if row.get(f"cate_lv{n}_desc"))
            chinese = " > ".join(
                row[f"cate_lv{n}_desc_cn"] for n in range(1, 6) if row.get(f"cate_lv{n}_desc_cn")
            )
            gold = str(int(row["hs_code"])).zfill(10)
            category = " ; ".join(part for part in (english, chinese) if part)
            items.append((row["product_name"], _attributes(row.get("product_attributes")), category, gold))
    return items


def read_labelled(path: Path) -> list[Item]:
    with path.open(encoding="utf-8") as file:
        rows = [json.loads(line) for line in file if line.strip()]
    return [(row["title"], row.get("attributes", {}), row.get("category", ""), row["hs6"]) for row in rows]


def score(model: HsModel, items: list[Item]) -> dict[str, Any]:
    hits = {f"top{k}_{d}": 0 for k in (1, 3) for d in DIGITS}
    latencies, confidences, empty = [], [], 0
    for title, attributes, category, gold in items:
        started = time.perf_counter()
        found: list[HsCandidate] = suggest(model, title, attributes, category, top=3)
        latencies.append(time.perf_counter() - started)
        codes = [candidate.hs6 for candidate in found]
        empty += not codes
        confidences.append(found[0].confidence if found else 0.0)
        for d in DIGITS:
            hits[f"top1_{d}"] += bool(codes) and codes[0][:d] == gold[:d]
            hits[f"top3_{d}"] += any(code[:d] == gold[:d] for code in codes)
    n = len(items)
    latencies.sort()
    return {
        "n": n,
        **{name: round(count / n, 3) for name, count in hits.items()},
        "no_candidate": empty,
        "mean_top1_confidence": round(statistics.fmean(confidences), 3),
        "ms_per_item_mean": round(1000 * statistics.fmean(latencies), 2),
        "ms_per_item_p95": round(1000 * latencies[int(0.95 * (n - 1))], 2),
    }


def timed(build: Callable[[], HsModel]) -> tuple[HsModel, float]:
    started = time.perf_counter()
    model = build()
    return model, round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hs-eval", type=Path, default=HS_EVAL)
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    args = parser.parse_args()
    nomenclature, nomenclature_s = timed(lambda: build_model(load()))  # warms the file cache too
    shipped, build_s = timed(lambda: build_model(load(), load_keywords()))
    sets = {"labelled": read_labelled(args.labelled)}
    if args.hs_eval.exists():
        sets["hscodecomp"] = read_hs_eval(args.hs_eval)
    report: dict[str, Any] = {
        "build_seconds": {"shipped_model": build_s, "tfidf_baseline": nomenclature_s},
        "keyword_entries": len(shipped.entries),
        "keyword_terms": len(shipped.term_entries),
    }
    for name, items in sets.items():
        report[name] = {"model": score(shipped, items), "tfidf_baseline": score(nomenclature, items)}
    if "hscodecomp" not in sets:
        report["hscodecomp"] = f"not found: {args.hs_eval}"
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
