"""The pre-classification pack renders with its Chinese text embedded (page 1 to PNG with pdfium)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from kuajing.compliance.pack import FONT_FILE, PreclassificationRequest, ProposedCode, build_pack_pdf

TITLE = "防摔硅胶手机壳适用苹果15"


def request(**changes: object) -> PreclassificationRequest:
    values: dict[str, object] = {
        "subject": "1688 货源 offer 652345678901",
        "title_zh": TITLE,
        "title_en": "Shockproof silicone phone case for iPhone 15",
        "applicant": "义乌跨境示例贸易有限公司",
        "prepared_on": date(2026, 12, 1),
        "attributes": (("材质", "硅胶"), ("适用型号", "iPhone 15"), ("颜色", "黑色")),
        "specs": ("颜色:黑色;型号:iPhone 15", "颜色:透明;型号:iPhone 15"),
        "weight_g": 38,
        "size_cm": (Decimal("16.0"), Decimal("8.0"), Decimal("1.2")),
        "price": Decimal("3.50"),
        "materials": ("硅胶 (silicone)",),
        "functions": ("保护手机 (protects the phone)",),
        "intended_use": "个人手机保护壳，零售 (retail phone case)",
        "image_links": ("https://cbu01.alicdn.com/img/ibank/O1CN01example.jpg",),
        "candidates": (
            ProposedCode("392690", "3926 其他塑料制品 (Other articles of plastics)", Decimal("0.62"),
                         ("标题与属性均为硅胶", "chapter 39: silicones in primary forms → articles")),
            ProposedCode("420232", "4202 箱包及类似容器 (Cases)", Decimal("0.21"), ("手机壳 as a case",)),
        ),
    }  # fmt: skip
    values.update(changes)
    return PreclassificationRequest(**values)  # type: ignore[arg-type]


def page_one(pdf_bytes: bytes) -> tuple[Image.Image, str]:
    document = pdfium.PdfDocument(pdf_bytes)
    page = document[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    text = page.get_textpage().get_text_range()
    png = io.BytesIO()
    image.save(png, format="PNG")
    assert png.getvalue().startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png.getvalue())).convert("L"), text


def test_pack_page_one_renders_to_a_png_that_is_not_blank() -> None:
    image, _ = page_one(build_pack_pdf(request()))
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert image.size[0] > 500 and image.size[1] > 700  # A4 at 1.5 × 72 dpi
    assert dark > 2000, "page one is blank: no glyphs drawn"


def test_pack_page_one_text_extraction_returns_the_chinese_title() -> None:
    _, text = page_one(build_pack_pdf(request()))
    compact = "".join(text.split())
    assert TITLE in compact
    assert "商品预归类申请资料" in compact
    assert "义乌跨境示例贸易有限公司" in compact


def test_pack_lists_the_proposed_codes_with_their_reasons() -> None:
    document = pdfium.PdfDocument(build_pack_pdf(request()))
    text = "".join("".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))
    assert "3926.90" in text and "4202.32" in text
    assert "62%" in text and "21%" in text
    assert "标题与属性均为硅胶" in text
    assert "拟申报商品编码及理由" in text


def test_pack_without_candidates_says_so_instead_of_an_empty_table() -> None:
    document = pdfium.PdfDocument(build_pack_pdf(request(candidates=())))
    text = "".join("".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))
    assert "暂无建议编码" in text
    assert "3926.90" not in text


def test_pack_font_ships_in_the_package_and_is_small() -> None:
    assert FONT_FILE.is_file()
    assert FONT_FILE.stat().st_size < 6 * 1024 * 1024
    assert (Path(FONT_FILE).parent / "LICENSE-wqy-microhei.txt").is_file()
