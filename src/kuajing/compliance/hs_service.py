"""HS candidates and confirmed classifications: the use cases behind `kuajing hs` and the HS pack.

``suggest_for`` ranks six-digit codes for a listing with the model built once per process from the
shipped nomenclature and keyword lists, plus every confirmed classification in the database as a
labelled example (they outweigh the generic data: a confirmed title that matches closely comes out
first). ``record_confirmation`` stores one (from the user, or from an official pre-classification
opinion) after checking the code exists in HS 2022. Services never commit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kuajing.compliance import hs_repository as repo
from kuajing.compliance.hs_model import (
    ConfirmedExample,
    HsCandidate,
    HsModel,
    KeywordEntry,
    build_model,
    keywords_from_toml,
    suggest,
    with_examples,
)
from kuajing.compliance.hs_nomenclature import nomenclature
from kuajing.compliance.hs_tables import HsConfirmationRow
from kuajing.kit.errors import ValidationFailed

KEYWORDS = Path(__file__).parent / "data" / "hs_keywords.toml"
SOURCES = ("user", "official_opinion")

__all__ = [
    "HsCandidate",
    "HsCodeUnknown",
    "HsConfirmation",
    "base_model",
    "confirm",
    "list_confirmations",
    "record_confirmation",
    "suggest_for",
]


class HsCodeUnknown(ValidationFailed):
    code = "hs_code_unknown"

    def __init__(self, hs6: str) -> None:
        super().__init__(
            f"{hs6!r} is not a six-digit subheading of HS 2022",
            f"{hs6!r} 不是 HS 2022 的六位子目",
            details={"hs6": hs6},
        )


@dataclass(frozen=True)
class HsConfirmation:
    id: int
    title: str
    attributes: dict[str, str]
    category: str | None
    hs6: str
    source: str  # user | official_opinion
    confirmed_by: str
    confirmed_at: datetime
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "attributes": self.attributes,
            "category": self.category,
            "hs6": self.hs6,
            "source": self.source,
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at.isoformat(),
            "note": self.note,
        }


def load_keywords(path: Path = KEYWORDS) -> tuple[KeywordEntry, ...]:
    return keywords_from_toml(tomllib.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def base_model() -> HsModel:
    """Nomenclature + keyword lists, built once per process (about a second)."""
    return build_model(nomenclature(), load_keywords())


_with_examples: dict[tuple[str, int, int], HsModel] = {}


def _model(session: Session) -> HsModel:
    """The base model with this database's confirmations, rebuilt only when they change."""
    key = (str(session.get_bind().engine.url), *repo.confirmations_version(session))
    model = _with_examples.get(key)
    if model is None:
        examples = [
            ConfirmedExample(
                row.title, row.hs6, dict(row.attributes or {}), row.category or "", row.source, row.id
            )
            for row in repo.confirmations(session)
        ]
        model = with_examples(base_model(), examples)
        _with_examples.clear()  # one database's latest state is all a process needs
        _with_examples[key] = model
    return model


def suggest_for(
    session: Session,
    title: str,
    attributes: Mapping[str, str] | None = None,
    category: str | None = None,
    top: int = 3,
) -> list[HsCandidate]:
    """Ranked six-digit candidates (best first) with heading text, confidence and evidence."""
    if not title.strip():
        raise ValidationFailed("a title is needed to suggest HS codes", "需要商品标题才能推荐 HS 编码")
    return suggest(_model(session), title, dict(attributes or {}), category or "", top=max(1, top))


def record_confirmation(
    session: Session,
    title: str,
    hs6: str,
    *,
    attributes: Mapping[str, str] | None = None,
    category: str | None = None,
    source: str = "user",
    confirmed_by: str = "user",
    note: str | None = None,
    now: datetime | None = None,
) -> HsConfirmation:
    """Store a confirmed classification; the next suggestion learns from it. Refuses unknown codes."""
    hs6 = hs6.strip().replace(".", "")
    if len(hs6) != 6 or not hs6.isdigit() or not nomenclature().exists(hs6):
        raise HsCodeUnknown(hs6)
    if source not in SOURCES:
        raise ValidationFailed(f"source must be one of {SOURCES}", f"来源必须是 {SOURCES} 之一")
    if not title.strip():
        raise ValidationFailed("a confirmed classification needs the product title", "确认归类需要商品标题")
    row = repo.add_confirmation(
        session,
        HsConfirmationRow(
            title=title.strip(),
            attributes={str(key): str(value) for key, value in (attributes or {}).items()},
            category=category,
            hs6=hs6,
            source=source,
            confirmed_by=confirmed_by,
            confirmed_at=now or datetime.now(UTC),
            note=note,
        ),
    )
    return _confirmation(row)


def confirm(
    session: Session,
    title: str,
    hs6: str,
    *,
    attributes: Mapping[str, str] | None = None,
    category: str | None = None,
    confirmed_by: str = "user",
    note: str | None = None,
    now: datetime | None = None,
) -> HsConfirmation:
    """The user confirms a classification (``record_confirmation`` with source ``user``)."""
    return record_confirmation(
        session, title, hs6, attributes=attributes, category=category, source="user",
        confirmed_by=confirmed_by, note=note, now=now,
    )  # fmt: skip


def list_confirmations(session: Session, limit: int | None = None) -> list[HsConfirmation]:
    return [_confirmation(row) for row in repo.confirmations(session, limit)]


def _confirmation(row: HsConfirmationRow) -> HsConfirmation:
    return HsConfirmation(
        id=row.id,
        title=row.title,
        attributes=dict(row.attributes or {}),
        category=row.category,
        hs6=row.hs6,
        source=row.source,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
        note=row.note,
    )
