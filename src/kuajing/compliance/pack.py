"""The pre-classification pack (商品预归类申请资料): one PDF per product for the classification service.

The guide's path (PRODUCT.md §8): product detail page → classification service (预归类) →
pre-classification opinion → fix title and attributes. The service asks what the goods are, what
they are made of, what they do and what they are for, with pictures; we add the codes we propose
and why, so the classifier can agree or correct us. Chinese first, English in brackets where it
helps the reader. Pure: the request is built elsewhere (``opinion_service.pack_request_for``); the
font ships in ``fonts/`` (no CJK font is installed system-wide and nothing is downloaded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei-gb2312.ttf"
FONT = "wqy"


@dataclass(frozen=True)
class ProposedCode:
    """One candidate code: the six-digit subheading, its heading text, how sure we are, and why."""

    hs6: str
    heading: str
    confidence: Decimal  # 0..1
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreclassificationRequest:
    subject: str  # "1688 货源 offer 652345678901" / "速卖通商品 product 1005…"
    title_zh: str
    title_en: str | None
    applicant: str  # the company applying (申请单位)
    prepared_on: date
    attributes: tuple[tuple[str, str], ...] = ()  # 属性名 → 值, as the supplier states them
    specs: tuple[str, ...] = ()  # SKU specs, "颜色:黑色;尺码:XL"
    weight_g: int | None = None
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None
    price: Decimal | None = None
    price_currency: str = "CNY"
    materials: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    intended_use: str = ""
    image_links: tuple[str, ...] = ()
    candidates: tuple[ProposedCode, ...] = field(default_factory=tuple)
    contact: str = ""  # person and phone, when the seller gives them


def build_pack_pdf(request: PreclassificationRequest) -> bytes:
    """The pack as PDF bytes (A4, Chinese with English in brackets, the font embedded)."""
    pdf = _Pack(request.subject)
    pdf.add_font(FONT, fname=str(FONT_FILE))
    pdf.set_title(f"商品预归类申请资料 {request.title_zh}")
    pdf.set_author(request.applicant)
    pdf.set_creator("kuajing")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, "商品预归类申请资料", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(0, 6, "(Pre-classification request for the customs classification service)", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.ln(3)
    _section(pdf, "一、申请信息 (Applicant)")
    _pairs(pdf, _applicant(request))
    _section(pdf, "二、商品名称 (Product name)")
    names = [("中文名称 (Chinese title)", request.title_zh)]
    names.append(("英文名称 (English title)", request.title_en or "—"))
    _pairs(pdf, names)
    _section(pdf, "三、商品属性 (Attributes, as the supplier states them)")
    _pairs(pdf, list(request.attributes) or [("—", "供应商未提供属性 (none stated)")])
    _section(pdf, "四、规格 (Specifications)")
    _pairs(pdf, _specs(request))
    _section(pdf, "五、材质 (Materials)")
    _text(pdf, "、".join(request.materials) or "未确定 (not determined): 请以实物为准")
    _section(pdf, "六、功能 (Functions)")
    _text(pdf, "、".join(request.functions) or "未确定 (not determined)")
    _section(pdf, "七、用途 (Intended use)")
    _text(pdf, request.intended_use or "未填写 (not stated)")
    _section(pdf, "八、商品图片链接 (Image links)")
    _links(pdf, request.image_links)
    _section(pdf, "九、拟申报商品编码及理由 (Proposed HS codes and why)")
    _candidates(pdf, request.candidates)
    pdf.ln(4)
    pdf.set_font(FONT, size=8)
    _text(pdf, "以上编码为申请人的建议，以海关预归类意见为准。(The codes above are the applicant's proposal; "
               "the customs pre-classification opinion decides.)")  # fmt: skip
    return bytes(pdf.output())


class _Pack(FPDF):
    def __init__(self, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.subject = subject

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"{self.subject}  ·  第 {self.page_no()} 页 (page {self.page_no()})", align="C")


def _applicant(request: PreclassificationRequest) -> list[tuple[str, str]]:
    rows = [("申请单位 (Applicant)", request.applicant), ("商品 (Subject)", request.subject),
            ("日期 (Date)", request.prepared_on.isoformat())]  # fmt: skip
    if request.contact:
        rows.append(("联系人 (Contact)", request.contact))
    return rows


def _specs(request: PreclassificationRequest) -> list[tuple[str, str]]:
    size = "×".join(f"{side.normalize():f}" for side in request.size_cm) + " cm" if request.size_cm else "—"
    weight = f"{request.weight_g} g" if request.weight_g else "—"
    price = f"{request.price:f} {request.price_currency}" if request.price is not None else "—"
    rows = [("重量 (Weight)", weight), ("尺寸 (Size)", size), ("单价 (Unit price)", price)]
    if request.specs:
        rows.append(("SKU 规格 (SKU specs)", "；".join(request.specs)))
    return rows


def _section(pdf: FPDF, heading: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    pdf.set_font(FONT, size=10)


def _text(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR, align="L")


def _pairs(pdf: FPDF, pairs: Sequence[tuple[str, str]]) -> None:
    with pdf.table(col_widths=(35, 65), text_align="LEFT", first_row_as_headings=False,
                   wrapmode=WrapMode.CHAR, line_height=6) as table:  # fmt: skip
        for name, value in pairs:
            row = table.row()
            row.cell(name)
            row.cell(value)


def _links(pdf: FPDF, links: Sequence[str]) -> None:
    if not links:
        _text(pdf, "无图片链接 (no image links): 请附实物照片")
        return
    for number, link in enumerate(links, start=1):
        pdf.multi_cell(0, 6, f"{number}. {link}", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       wrapmode=WrapMode.CHAR, align="L")  # fmt: skip


def _candidates(pdf: FPDF, candidates: Sequence[ProposedCode]) -> None:
    if not candidates:
        _text(pdf, "暂无建议编码 (no proposal): 请海关归类")
        return
    heading = FontFace(emphasis="", fill_color=(230, 230, 230))  # the embedded font has no bold face
    with pdf.table(col_widths=(16, 40, 18, 56), text_align="LEFT", wrapmode=WrapMode.CHAR,
                   line_height=5, headings_style=heading) as table:  # fmt: skip
        head = table.row()
        for title in ("编码 (HS6)", "品目 (Heading)", "置信度 (Confidence)", "理由 (Evidence)"):
            head.cell(title)
        for code in candidates:
            row = table.row()
            row.cell(_dotted(code.hs6))
            row.cell(code.heading or "—")
            row.cell(f"{(code.confidence * 100).quantize(Decimal(1))} %")
            row.cell("；".join(code.evidence) or "—")


def _dotted(hs6: str) -> str:
    """``392690`` → ``3926.90`` as tariff books print it."""
    return f"{hs6[:4]}.{hs6[4:]}" if len(hs6) == 6 and hs6.isdigit() else hs6


__all__ = ["FONT_FILE", "PreclassificationRequest", "ProposedCode", "build_pack_pdf"]
