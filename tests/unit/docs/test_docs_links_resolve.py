"""The docs hold together: every relative link and picture in README.md and docs/*.md names a file that
exists, both user guides embed the same screenshots, and each picture stays small."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def _relative_targets(page: Path) -> list[str]:
    targets = LINK.findall(page.read_text(encoding="utf-8"))
    return [t for t in targets if not re.match(r"^(https?:|mailto:|#)", t)]


def test_every_relative_link_and_picture_in_the_docs_names_an_existing_file() -> None:
    missing = [
        f"{page.relative_to(ROOT)} → {target}"
        for page in _pages()
        for target in _relative_targets(page)
        if not (page.parent / target.split("#")[0]).exists()
    ]
    assert missing == []


def test_both_user_guides_embed_the_same_screenshots_and_each_is_under_200_kb() -> None:
    pictures = {
        lang: sorted(
            set(re.findall(r"\]\((screenshots/[^)]+\.png)\)", (DOCS / f"user-guide.{lang}.md").read_text()))
        )
        for lang in ("zh", "en")
    }
    assert pictures["zh"] == pictures["en"]
    assert len(pictures["zh"]) >= 15
    for name in pictures["zh"]:
        assert (DOCS / name).stat().st_size < 200_000, name


def test_the_docs_name_only_commands_and_subcommands_the_cli_has() -> None:
    from typer.main import get_command

    from kuajing.cli import app

    groups: dict[str, Any] = get_command(app).commands  # type: ignore[attr-defined]
    wrong: list[str] = []
    named = 0
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for name, sub in re.findall(
            r"(?:`|^|bin/)kuajing ([a-z][a-z0-9-]*)(?: ([a-z][a-z0-9-]*))?", text, re.M
        ):
            named += 1
            command = groups.get(name)
            if command is None:
                wrong.append(f"{page.name}: kuajing {name}")
            elif sub and hasattr(command, "commands") and sub not in command.commands:
                wrong.append(f"{page.name}: kuajing {name} {sub}")
    assert named > 50 and wrong == []
