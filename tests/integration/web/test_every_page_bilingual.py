"""Every page speaks the language asked for: no Chinese UI text on an English page, no English UI
words on a Chinese one.

Every GET route of the app that answers HTML is rendered on a seeded world (``seeded_world.py``)
in zh-CN and in en, with ids that exist and with one that does not (the error page). The visible
text (text nodes, plus the ``title``/``placeholder``/``alt``/``aria-label`` attributes and button
values) is read with the standard library's parser, leaving out what is not UI text:

- ``<script>``, ``<style>``, ``<code>``, ``<pre>``, ``<textarea>``: code and data the seller typed;
- any element marked ``data-i18n-skip`` (data cells: store and supplier names, 1688 and AliExpress
  titles, notes the seller typed, reasons the platforms sent) and any element whose ``lang``
  attribute names another language (the language switch, headings bilingual by design); a text
  marked as data is data wherever else it shows on that page (a supplier's name in the <title>), and
  so are the EPR registers' names that the compliance messages quote (proper names);
- `backticked` command lines (``kuajing selection screen …``) and the seller's input that a
  refusal quotes back (``应为整数,实为 'abc'``);
- on the Chinese page, tokens that are codes rather than words: anything with a digit, ``_``, ``-``,
  ``.``, ``@``, ``/`` or ``:`` inside (SKU codes, file names, actor ids like ``user:web``),
  all-capital abbreviations (FINISH, DE, CAINIAO_STANDARD), and the brand and technical terms of
  ``ALLOWED_LATIN`` below.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from seeded_world import SeededWorld, every_route

from kuajing.compliance.epr_rules import default_rule_book
from kuajing.kit.i18n import MESSAGES

# Swagger UI and ReDoc are FastAPI's own English pages, not ours.
NOT_OURS = {"/api/docs", "/redoc", "/docs/oauth2-redirect", "/api/openapi.json"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
VISIBLE_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
# Latin words a Chinese seller's UI keeps as they are, each for a reason:
ALLOWED_LATIN = {
    "kuajing",  # the product's name
    "AliExpress",  # brand (速卖通 is used too, but the sellers' tools say AliExpress)
    "xlsx",  # file types
    "csv",
    "Excel",  # the program the seller saves the file from
    "kg",  # units
    "cm",
}
# Chinese an English page keeps: the product's name (kuajing 跨境) and the platform terms that
# CONVENTIONS.md ("the UI shows the Chinese") and docs/glossary.md keep in Chinese inside the English
# text, because that is the name sellers search for (信用保障 orders, the 预归类 service).
PLATFORM_TERMS = ("跨境", "信用保障", "预归类")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]")
LATIN_TOKEN = re.compile(r"[A-Za-z][\w.@/:…\-]*")
WORD = re.compile(r"[A-Za-z][a-z]+|[a-z]+")


class VisibleText(HTMLParser):
    """Collects (text, where) for the text a person reads, minus the marked and skipped parts."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang.split("-")[0]
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.found: list[tuple[str, str]] = []
        self.data: set[str] = set()  # texts of the marked elements: data wherever they appear on the page

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").split("-")[0]
        skipped = (
            self._skipping()
            or tag in SKIPPED_TAGS
            or "data-i18n-skip" in values
            or (tag != "html" and bool(lang) and lang != self.page_lang)
        )
        if not skipped:
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self.found.append((str(values[name]), f"<{tag} {name}>"))
            if tag == "input" and (values.get("type") or "") in ("submit", "button") and values.get("value"):
                self.found.append((str(values["value"]), "<input value>"))
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):  # tolerate an unclosed <p> or <li>
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and self._skipping() and self.stack and self.stack[-1][0] not in SKIPPED_TAGS:
            self.data.add(" ".join(data.split()))
        if data.strip() and not self._skipping():
            where = self.stack[-1][0] if self.stack else "document"
            self.found.append((" ".join(data.split()), f"<{where}>"))


def _registries() -> tuple[str, ...]:
    """The EPR registers' own names (ADEME IDU (emballages), Registro de Productores …): proper names
    from the rule book that the compliance messages quote inside their sentences, in either language."""
    return tuple(sorted({rule.registry for rule in default_rule_book().rules}, key=len, reverse=True))


def visible_text(page: str, lang: str) -> list[tuple[str, str]]:
    """The page's UI text: marked data removed wherever it recurs (a name in the <title> too), and
    the product's and platform's own names and `command lines` taken out."""
    parser = VisibleText(lang)
    parser.feed(page)
    parser.close()
    data = sorted((d for d in parser.data if len(d) >= 2), key=len, reverse=True) + list(_registries())
    found = []
    for text, where in parser.found:
        for value in data:
            text = text.replace(value, " ")
        text = re.sub(r"`[^`]*`", " ", text)
        text = re.sub(r"'[^'\s]*'", " ", text)  # the seller's input echoed back by a refusal ('abc')
        if lang == "en":
            for term in PLATFORM_TERMS:
                text = text.replace(term, " ")
        if text.strip():
            found.append((text.strip(), where))
    return found


def english_ui_words(text: str) -> list[str]:
    """Latin words in a Chinese page's text that are UI words, not codes, data or allowed terms."""
    words = []
    for token in LATIN_TOKEN.findall(text):
        token = token.rstrip(".-/:")
        if re.search(r"[\d_.@/:…\-]", token) or token.isupper() or token in ALLOWED_LATIN:
            continue
        words.extend(w for w in WORD.findall(token) if w not in ALLOWED_LATIN and len(w) > 1)
    return words


def untranslated(page: str, lang: str) -> list[str]:
    problems = []
    for text, where in visible_text(page, lang):
        if lang == "en" and CJK.search(text):
            problems.append(f"{where} {text!r}")
        if lang == "zh-CN" and english_ui_words(text):
            problems.append(f"{where} {text!r} ({', '.join(english_ui_words(text))})")
    return problems


def _html_pages(world: SeededWorld, client: TestClient) -> list[str]:
    """Every GET route answering HTML, filled with ids that exist, plus one id that does not."""
    targets = []
    for path, methods, _route in every_route(list(client.app.routes)):  # type: ignore[attr-defined]
        if "GET" not in methods or path in NOT_OURS or path.startswith("/api/") or path.startswith("/static"):
            continue
        names = re.findall(r"{(\w+)}", path)
        filled = [path]
        for name in names:
            filled = [
                f.replace(f"{{{name}}}", value) for f in filled for value in world.values.get(name, [])[:2]
            ]
        if names:
            filled.append(re.sub(r"{\w+}", "987654321", path))  # the not-found page speaks both too
        targets.extend(filled)
    return targets


# Pages in the states a plain GET does not reach: a quote computed, problems listed, other groupings.
VARIANTS = [
    "/logistics/quote?goods_cny=12.50&weight_g=180&size_cm=15x8x2&hs_codes=392690,420212&country=DE&date=2026-07-02",
    "/logistics/quote?goods_cny=abc&weight_g=0&hs_codes=&country=XX",
    "/reports?by=order",
    "/reports?by=sku",
    "/reports?by=store",
    "/reports?by=country",
    "/reports?from=2026-13-45",
    "/orders?state=exception",
    "/compliance/listings?status=blocking&market=DE",
    "/compliance/check?title=Silicone+phone+case+%E7%A1%85%E8%83%B6&attrs=Material%3A+PVC",
    "/compliance/check?title=",
    "/sourcing?country=DE",
]
CSV = "商品ID,标题,供应商,价格,规格ID,规格\n610000001,手机壳,义乌小商品厂,2.50,S1,颜色:黑色\n".encode()
# Forms whose reply is a page: refusals with their reasons, and the import's mapping step.
FORMS: list[tuple[str, dict[str, Any]]] = [
    ("/compliance/epr", {"data": {"country": "DE", "stream": "packaging", "number": "DE123"}}),
    ("/compliance/listings", {"data": {"product_id": "x", "title": "", "markets": "ZZ"}}),
    ("/compliance/hs/opinions", {"data": {"offer_id": "1", "hs6": "999999", "opinion_date": "2026-06-20"}}),
    ("/compliance/qc", {"data": {"family": "nothing"}}),
    ("/sourcing/import/fetch", {"data": {"refs": "not-an-offer\n999999999999"}}),
    ("/sourcing/import/upload", {"files": {"file": ("offers.csv", CSV, "text/csv")}}),
    ("/sourcing/import/upload", {"files": {"file": ("offers.pdf", b"%PDF-1.4", "application/pdf")}}),
    ("/aftersales/returns", {"data": {"ae_order_id": "1", "reason": "wrong_item", "amount": "x"}}),
    ("/rules/preview", {"data": {"sku_code": "", "offer_id": "abc"}}),
    ("/lifecycle/move", {"data": {"offer_id": "1", "to_stage": "nowhere"}}),
]


@pytest.fixture(scope="module")
def pages(seeded_world: SeededWorld) -> dict[tuple[str, str], str]:
    """Every HTML page's text, by (path, language)."""
    rendered: dict[tuple[str, str], str] = {}
    with TestClient(seeded_world.app()) as client:
        for path in _html_pages(seeded_world, client):
            for lang in ("zh-CN", "en"):
                reply = client.get(path, params={"lang": lang})
                assert reply.status_code < 500, (path, lang, reply.text[-800:])
                if reply.headers.get("content-type", "").startswith("text/html"):
                    rendered[(path, lang)] = reply.text
        for path in VARIANTS:
            for lang in ("zh-CN", "en"):
                reply = client.get(path, params={"lang": lang})
                assert reply.status_code < 500 and "text/html" in reply.headers["content-type"], path
                rendered[(path, lang)] = reply.text
        for path, kwargs in FORMS:
            for lang in ("zh-CN", "en"):
                client.cookies.set("kj_lang", lang)
                reply = client.post(path, params={"lang": lang}, **kwargs)
                assert reply.status_code < 500, (path, reply.text[-800:])
                if "text/html" in reply.headers.get("content-type", ""):
                    fields = sorted(kwargs.get("data", kwargs.get("files", {})))
                    rendered[(f"POST {path} {fields}", lang)] = reply.text
    return rendered


def test_the_seeded_world_reaches_every_page_with_a_row_to_show(pages: dict[tuple[str, str], str]) -> None:
    paths = {path for path, _ in pages}
    for expected in (
        "/",
        "/orders",
        "/exceptions",
        "/rules",
        "/suppliers",
        "/sourcing",
        "/lifecycle",
        "/reports",
    ):
        assert expected in paths
    for prefix in ("/orders/", "/suppliers/", "/compliance/listings/", "/sourcing/group/"):
        assert any(p.startswith(prefix) and "987654321" not in p for p in paths), prefix
    assert len(pages) >= 60, len(pages)


def test_english_pages_show_no_chinese_ui_text(pages: dict[tuple[str, str], str]) -> None:
    found = {path: untranslated(page, "en") for (path, lang), page in pages.items() if lang == "en"}
    found = {path: problems for path, problems in found.items() if problems}
    assert found == {}, "\n".join(f"{path}: {problems}" for path, problems in found.items())


def test_chinese_pages_show_no_english_ui_words(pages: dict[tuple[str, str], str]) -> None:
    found = {path: untranslated(page, "zh-CN") for (path, lang), page in pages.items() if lang == "zh-CN"}
    found = {path: problems for path, problems in found.items() if problems}
    assert found == {}, "\n".join(f"{path}: {problems}" for path, problems in found.items())


def test_the_checker_catches_untranslated_text_and_spares_marked_data() -> None:
    english = (
        '<html lang="en"><p>Orders <b>订单</b></p>'
        '<td data-i18n-skip>义乌工厂</td><a lang="zh">中文</a></html>'
    )
    assert untranslated(english, "en") == ["<b> '订单'"]
    chinese = (
        '<html lang="zh-CN"><p>订单 Status</p><td>SKU-RED-01 FINISH AliExpress 3.5kg</td>'
        '<input placeholder="Search"><td data-i18n-skip>Silicone phone case</td><script>var x</script></html>'
    )
    assert untranslated(chinese, "zh-CN") == [
        "<p> '订单 Status' (Status)",
        "<input placeholder> 'Search' (Search)",
    ]


def test_every_key_python_code_translates_exists() -> None:
    """``translate("key")`` / ``t("key")`` with a literal key anywhere in src/ names a known message."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[3] / "src" / "kuajing"
    pattern = re.compile(r"""\b(?:translate|t)\(\s*["']([a-z0-9_]+(?:\.[a-zA-Z0-9_]+)+)["']""")
    used = {
        (key, str(file.relative_to(source)))
        for file in source.rglob("*.py")
        for key in pattern.findall(file.read_text(encoding="utf-8"))
    }
    assert len(used) >= 5, used  # the routes do translate in Python
    assert sorted(entry for entry in used if entry[0] not in MESSAGES) == []
