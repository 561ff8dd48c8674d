"""Product attributes written by hand — ``材质=PVC``, ``Material: TPU``, ``颜色：黑`` — read the same
way wherever they are typed: a CLI option, the check form, an import cell. One reader, so a pair the
check page accepts is one the import and the commands accept too."""

from __future__ import annotations

import re
from collections.abc import Iterable

# The first '=', ':' or full-width '：' separates the name from the value (a value may hold more).
_PAIR = re.compile(r"\s*([^=:：]*?)\s*[=:：]\s*(.*?)\s*$", re.DOTALL)


class BadAttribute(ValueError):
    """A part that is not NAME=VALUE: which one (1-based, blank parts counted) and what it said."""

    def __init__(self, position: int, text: str) -> None:
        super().__init__(f"attribute {position}: expected NAME=VALUE, got {text!r}")
        self.position = position
        self.text = text


def parse_attributes(parts: Iterable[str]) -> dict[str, str]:
    """Each non-blank part as NAME=VALUE (or NAME:VALUE, NAME：VALUE) → {name: value}; a later
    name wins. A part without a separator or with an empty name raises ``BadAttribute``."""
    found: dict[str, str] = {}
    for position, part in enumerate(parts, start=1):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None or not match[1]:
            raise BadAttribute(position, part)
        found[match[1]] = match[2]
    return found


__all__ = ["BadAttribute", "parse_attributes"]
