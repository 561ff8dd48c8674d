"""Evidence file names are sanitised before they touch the disk."""

from __future__ import annotations

import pytest

from kuajing.aftersales.model import sanitise_filename


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/开箱视频.mp4", "开箱视频.mp4"),
        ("chat record (1).png", "chat_record_1_.png"),
        (".hidden", "hidden"),
        ("..", "file"),
        ("", "file"),
        ("a;rm -rf $HOME.jpg", "a_rm_-rf_HOME.jpg"),
        ("nul\x00byte.txt", "nul_byte.txt"),
    ],
)
def test_names_are_sanitised(given: str, stored: str) -> None:
    assert sanitise_filename(given) == stored


def test_long_names_are_cut_but_keep_the_extension() -> None:
    name = sanitise_filename("x" * 500 + ".mp4")
    assert len(name) == 120 and name.endswith(".mp4")
