"""The HS 2022 nomenclature shipped with kuajing: sections, chapters, headings, subheadings.

Loaded from ``compliance/data/hs2022.csv`` and ``sections.csv`` (open data, ODC-PDDL-1.0; see
``HS_SOURCE.md``). Pure reading: no network, no database. ``nomenclature()`` reads the files once
per process.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class HsEntry:
    code: str  # 2, 4 or 6 digits
    description: str
    section: str  # roman numeral
    parent: str  # the chapter of a heading, the heading of a subheading; "" for a chapter


@dataclass(frozen=True)
class Nomenclature:
    entries: dict[str, HsEntry]  # every chapter, heading and subheading by code
    sections: dict[str, str]  # roman numeral -> name
    subheadings: tuple[str, ...]  # every six-digit code, in order

    def exists(self, code: str) -> bool:
        return code in self.entries

    def description(self, code: str) -> str:
        return self.entries[code].description

    def path(self, hs6: str) -> list[HsEntry]:
        """Chapter, heading and subheading of a six-digit code (as far as they exist)."""
        return [self.entries[code] for code in (hs6[:2], hs6[:4], hs6) if code in self.entries]

    def heading_text(self, hs6: str) -> str:
        """``39 Plastics and articles thereof › 3926 Articles of plastics … › 392690 Plastics; other …``"""
        return " › ".join(f"{entry.code} {entry.description}" for entry in self.path(hs6))

    def section_of(self, code: str) -> str:
        entry = self.entries.get(code)
        return "" if entry is None else self.sections.get(entry.section, "")


def load(folder: Path = DATA) -> Nomenclature:
    entries: dict[str, HsEntry] = {}
    with (folder / "hs2022.csv").open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            code, section = row["hscode"].strip(), row["section"].strip()
            if section == "TOTAL" or not code.isdigit() or len(code) not in (2, 4, 6):
                continue  # chapter 99 "not specified according to kind" and the grand total
            parent = row["parent"].strip()
            entries[code] = HsEntry(
                code, row["description"].strip(), section, "" if parent == "TOTAL" else parent
            )
    sections: dict[str, str] = {}
    with (folder / "sections.csv").open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            sections[row["section"].strip()] = row["name"].strip()
    subheadings = tuple(sorted(code for code in entries if len(code) == 6))
    return Nomenclature(entries=entries, sections=sections, subheadings=subheadings)


@lru_cache(maxsize=1)
def nomenclature() -> Nomenclature:
    return load()


def heading_text(hs6: str) -> str:
    """The chapter › heading › subheading path of a six-digit code, in English ("" if unknown)."""
    return nomenclature().heading_text(hs6)


def exists(hs6: str) -> bool:
    """True for a six-digit code of HS 2022."""
    return len(hs6) == 6 and nomenclature().exists(hs6)
