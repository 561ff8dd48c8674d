from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuajing.kit.i18n import LANGUAGES, MESSAGES, translate

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "kuajing" / "web" / "templates"


def test_every_message_has_both_languages() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_every_key_a_template_uses_exists() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(\s*["']([a-z0-9_.]+)["']""", template.read_text(encoding="utf-8")))
    assert used, "templates should use t('...')"
    assert used - set(MESSAGES) == set()


def test_unknown_key_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        translate("no.such.key")


def test_english_is_chosen_for_any_en_variant() -> None:
    assert translate("nav.dashboard", "en-US") == "Dashboard"
    assert translate("nav.dashboard", "zh") == "工作台"
