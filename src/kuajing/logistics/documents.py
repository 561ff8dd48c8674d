"""Rate cards, tax rules, costs and FX rates from documents (dicts read from TOML, xlsx or the database).

One parser per kind, shared by the shipped files, a user's xlsx import and the rows a user saved,
so every source is validated the same way. Numbers must be strings or integers (a TOML float has
already lost exactness); each problem names the document and the field path.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kuajing.kit.errors import ValidationFailed
from kuajing.logistics.landed import CostPolicy, FxTable
from kuajing.logistics.model import SPECIAL_GOODS, RateCard, Surcharge, WeightBand, Zone
from kuajing.logistics.taxes import (
    DUTY_AD_VALOREM,
    DUTY_FLAT_PER_HS6,
    DUTY_NONE,
    VAT_AT_IMPORT,
    VAT_AT_SALE,
    VAT_NONE,
    TaxRule,
)

LINE_KINDS = ("official", "forwarder")


class DocumentInvalid(ValidationFailed):
    code = "logistics_document_invalid"


class _Reader:
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, path: str, en: str, zh: str) -> DocumentInvalid:
        return DocumentInvalid(
            f"{self.origin}: {path}: {en}",
            f"{self.origin}: {path}: {zh}",
            details={"file": self.origin, "field": path, "reason": en},
        )

    def get(self, doc: Mapping[str, Any], key: str, path: str = "", default: Any = ...) -> Any:
        if key in doc:
            return doc[key]
        if default is ...:
            raise self.fail(f"{path}{key}", "missing", "缺少该字段")
        return default

    def decimal(
        self, value: Any, path: str, *, minimum: Decimal | None = Decimal(0), maximum: Decimal | None = None
    ) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise self.fail(
                path,
                f'write the number as a string, e.g. "1.25" (got {value!r})',
                f'数字请写成字符串,如 "1.25"(当前 {value!r})',
            )
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(path, f"not a number: {value!r}", f"不是数字: {value!r}") from None
        if not number.is_finite() or (minimum is not None and number < minimum):
            raise self.fail(path, f"must be ≥ {minimum}: {value!r}", f"必须 ≥ {minimum}: {value!r}")
        if maximum is not None and number > maximum:
            raise self.fail(path, f"must be ≤ {maximum}: {value!r}", f"必须 ≤ {maximum}: {value!r}")
        return number

    def rate(self, value: Any, path: str) -> Decimal:
        return self.decimal(value, path, maximum=Decimal(1))

    def integer(self, value: Any, path: str, minimum: int = 1) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(path, f"must be a whole number: {value!r}", f"必须为整数: {value!r}")
        try:
            number = int(value)
        except ValueError:
            raise self.fail(path, f"must be a whole number: {value!r}", f"必须为整数: {value!r}") from None
        if number < minimum:
            raise self.fail(path, f"must be ≥ {minimum}: {value!r}", f"必须 ≥ {minimum}: {value!r}")
        return number

    def day(self, value: Any, path: str) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(
                path, f"not a date (YYYY-MM-DD): {value!r}", f"日期格式应为 YYYY-MM-DD: {value!r}"
            ) from None

    def optional_day(self, value: Any, path: str) -> date | None:
        return None if value in (None, "") else self.day(value, path)

    def countries(self, value: Any, path: str, allow_star: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "a non-empty list of ISO country codes", "应为非空的国家代码列表")
        codes = tuple(str(code).strip().upper() for code in value)
        for index, code in enumerate(codes):
            if not (len(code) == 2 and code.isalpha()) and not (allow_star and code == "*"):
                raise self.fail(
                    f"{path}[{index}]", f"not an ISO country code: {code!r}", f"不是国家代码: {code!r}"
                )
        return codes

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(
                path, f"must be a table of key = value (got {value!r})", f"应为键值表(当前 {value!r})"
            )
        return value

    def boolean(self, value: Any, path: str) -> bool:
        """true/false (TOML) or the words a spreadsheet holds; a non-empty string is not "true"."""
        if isinstance(value, bool):
            return value
        words = {"true": True, "yes": True, "是": True, "false": False, "no": False, "否": False}
        if isinstance(value, str) and value.strip().lower() in words:
            return words[value.strip().lower()]
        raise self.fail(path, f"must be true or false: {value!r}", f"应为 true 或 false: {value!r}")

    def choice(self, value: Any, path: str, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.fail(
                path,
                f"must be one of {', '.join(options)}: {value!r}",
                f"必须是 {', '.join(options)} 之一: {value!r}",
            )
        return str(value)


def parse_rate_card(doc: Mapping[str, Any], origin: str, *, user_defined: bool = False) -> RateCard:
    r = _Reader(origin)
    valid_from = r.day(r.get(doc, "valid_from", ""), "valid_from")
    valid_to = r.optional_day(doc.get("valid_to"), "valid_to")
    if valid_to is not None and valid_to <= valid_from:
        raise r.fail("valid_to", "must be after valid_from", "必须晚于 valid_from")
    default_failure = r.rate(r.get(doc, "clearance_failure_rate", ""), "clearance_failure_rate")
    zones_doc = r.get(doc, "zones", "")
    if not isinstance(zones_doc, list) or not zones_doc:
        raise r.fail("zones", "at least one zone", "至少需要一个分区")
    zones = tuple(_zone(r, zone, f"zones[{i}].", default_failure) for i, zone in enumerate(zones_doc))
    seen: dict[str, str] = {}
    for index, zone in enumerate(zones):
        for country in zone.countries:
            if country in seen:
                raise r.fail(
                    f"zones[{index}].countries",
                    f"{country} is also in zone {seen[country]}",
                    f"{country} 同时出现在分区 {seen[country]}",
                )
            seen[country] = zone.code
    surcharges = {}
    for kind, spec in r.table(doc.get("surcharges", {}), "surcharges").items():
        kind_path = f"surcharges.{kind}"
        r.choice(kind, kind_path, SPECIAL_GOODS)
        spec = r.table(spec, kind_path)
        surcharges[kind] = Surcharge(
            allowed=r.boolean(spec.get("allowed", True), f"{kind_path}.allowed"),
            per_parcel=r.decimal(spec.get("per_parcel", "0"), f"{kind_path}.per_parcel"),
            per_kg=r.decimal(spec.get("per_kg", "0"), f"{kind_path}.per_kg"),
        )
    divisor = doc.get("volumetric_divisor")
    return RateCard(
        line_id=_identifier(r, r.get(doc, "line_id"), "line_id"),
        name_zh=str(r.get(doc, "name_zh")),
        name_en=str(r.get(doc, "name_en")),
        kind=r.choice(r.get(doc, "kind"), "kind", LINE_KINDS),
        currency=_currency(r, r.get(doc, "currency"), "currency"),
        valid_from=valid_from,
        valid_to=valid_to,
        source=str(r.get(doc, "source")),
        sample=r.boolean(doc.get("sample", False), "sample"),
        version=str(r.get(doc, "version")),
        zones=zones,
        volumetric_divisor=None
        if divisor in (None, "", 0)
        else r.integer(divisor, "volumetric_divisor", 1000),
        min_chargeable_g=r.integer(doc.get("min_chargeable_g", 1), "min_chargeable_g"),
        max_weight_g=r.integer(r.get(doc, "max_weight_g"), "max_weight_g"),
        max_side_cm=None
        if doc.get("max_side_cm") in (None, "")
        else r.decimal(doc["max_side_cm"], "max_side_cm"),
        max_sum_cm=None
        if doc.get("max_sum_cm") in (None, "")
        else r.decimal(doc["max_sum_cm"], "max_sum_cm"),
        surcharges=surcharges,
        service_code=str(doc.get("service_code", "")),
        user_defined=user_defined,
    )


def _zone(r: _Reader, doc: Mapping[str, Any], path: str, default_failure: Decimal) -> Zone:
    bands_doc = r.get(doc, "bands", path)
    if not isinstance(bands_doc, list) or not bands_doc:
        raise r.fail(f"{path}bands", "at least one weight band", "至少需要一个重量段")
    bands = []
    previous = 0
    for i, band in enumerate(bands_doc):
        bpath = f"{path}bands[{i}]."
        max_g = r.integer(r.get(band, "max_g", bpath), f"{bpath}max_g")
        if max_g <= previous:
            raise r.fail(
                f"{bpath}max_g",
                f"bands must rise: {max_g} after {previous}",
                f"重量段须递增: {previous} 之后是 {max_g}",
            )
        previous = max_g
        bands.append(
            WeightBand(
                max_g=max_g,
                first_weight_g=r.integer(r.get(band, "first_weight_g", bpath), f"{bpath}first_weight_g", 0),
                first_fee=r.decimal(r.get(band, "first_fee", bpath), f"{bpath}first_fee"),
                step_g=r.integer(r.get(band, "step_g", bpath), f"{bpath}step_g"),
                step_fee=r.decimal(r.get(band, "step_fee", bpath), f"{bpath}step_fee"),
                parcel_fee=r.decimal(band.get("parcel_fee", "0"), f"{bpath}parcel_fee"),
            )
        )
    transit = r.get(doc, "transit_days", path)
    if not (isinstance(transit, list) and len(transit) == 2):
        raise r.fail(f"{path}transit_days", "two numbers: [fastest, slowest]", "应为 [最快, 最慢] 两个数")
    low, high = (r.integer(day, f"{path}transit_days", 0) for day in transit)
    if high < low:
        raise r.fail(
            f"{path}transit_days", f"fastest after slowest: {transit}", f"最快天数大于最慢天数: {transit}"
        )
    failures = r.table(doc.get("failure_rate_by_country", {}), f"{path}failure_rate_by_country")
    by_country = {
        r.countries([code], f"{path}failure_rate_by_country")[0]: r.rate(
            rate, f"{path}failure_rate_by_country.{code}"
        )
        for code, rate in failures.items()
    }
    return Zone(
        code=str(r.get(doc, "code", path)),
        countries=r.countries(r.get(doc, "countries", path), f"{path}countries"),
        bands=tuple(bands),
        transit_days=(low, high),
        clearance_failure_rate=r.rate(
            doc.get("clearance_failure_rate", str(default_failure)), f"{path}clearance_failure_rate"
        ),
        failure_rate_by_country=by_country,
    )


def parse_tax_rule(doc: Mapping[str, Any], origin: str, *, user_defined: bool = False) -> TaxRule:
    r = _Reader(origin)
    rule_id = _identifier(r, r.get(doc, "rule_id"), "rule_id")
    valid_from = r.day(r.get(doc, "valid_from"), "valid_from")
    valid_to = r.optional_day(doc.get("valid_to"), "valid_to")
    if valid_to is not None and valid_to <= valid_from:
        raise r.fail("valid_to", "must be after valid_from", "必须晚于 valid_from")
    vat_rates = {
        str(code).upper(): r.rate(rate, f"vat_rates.{code}")
        for code, rate in r.table(r.get(doc, "vat_rates"), "vat_rates").items()
    }
    duty_rates = {}
    for prefix, rate in r.table(doc.get("duty_rates", {}), "duty_rates").items():
        digits = str(prefix)
        if not (digits.isdigit() and 2 <= len(digits) <= 10):
            raise r.fail(f"duty_rates.{prefix}", "an HS prefix of 2 to 10 digits", "HS 前缀须为 2–10 位数字")
        duty_rates[digits] = r.rate(rate, f"duty_rates.{prefix}")
    threshold = doc.get("low_value_threshold")
    de_minimis = doc.get("de_minimis")
    return TaxRule(
        rule_id=rule_id,
        countries=r.countries(r.get(doc, "countries"), "countries", allow_star=True),
        valid_from=valid_from,
        valid_to=valid_to,
        currency=_currency(r, r.get(doc, "currency"), "currency"),
        vat_rates=vat_rates,
        source=str(r.get(doc, "source")),
        low_value_threshold=None if threshold in (None, "") else r.decimal(threshold, "low_value_threshold"),
        low_value_duty=r.choice(
            doc.get("low_value_duty", DUTY_AD_VALOREM),
            "low_value_duty",
            (DUTY_NONE, DUTY_FLAT_PER_HS6, DUTY_AD_VALOREM),
        ),
        low_value_vat=r.choice(
            doc.get("low_value_vat", VAT_AT_IMPORT), "low_value_vat", (VAT_AT_SALE, VAT_AT_IMPORT, VAT_NONE)
        ),
        flat_duty_per_hs6=r.decimal(doc.get("flat_duty_per_hs6", "0"), "flat_duty_per_hs6"),
        high_value_vat=r.choice(
            doc.get("high_value_vat", VAT_AT_IMPORT), "high_value_vat", (VAT_AT_SALE, VAT_AT_IMPORT, VAT_NONE)
        ),
        de_minimis=None if de_minimis in (None, "") else r.decimal(de_minimis, "de_minimis"),
        duty_includes_freight=r.boolean(doc.get("duty_includes_freight", True), "duty_includes_freight"),
        default_duty_rate=r.rate(doc.get("default_duty_rate", "0"), "default_duty_rate"),
        duty_rates=duty_rates,
        surcharge_rate=r.rate(doc.get("surcharge_rate", "0"), "surcharge_rate"),
        surcharge_label=str(doc.get("surcharge_label", "")),
        to_confirm=r.boolean(doc.get("to_confirm", False), "to_confirm"),
        sample_rates=r.boolean(doc.get("sample_rates", False), "sample_rates"),
        note=str(doc.get("note", "")),
        user_defined=user_defined,
    )


def parse_cost_policy(doc: Mapping[str, Any], origin: str) -> CostPolicy:
    r = _Reader(origin)
    commission = {
        str(k): r.rate(v, f"commission_by_category.{k}")
        for k, v in r.table(r.get(doc, "commission_by_category"), "commission_by_category").items()
    }
    if "*" not in commission:
        raise r.fail("commission_by_category", 'needs a default ("*")', '需要默认类目 "*"')
    return CostPolicy(
        commission_by_category=commission,
        payment_fee_rate=r.rate(r.get(doc, "payment_fee_rate"), "payment_fee_rate"),
        ads_rate=r.rate(r.get(doc, "ads_rate"), "ads_rate"),
        returns_rate=r.rate(r.get(doc, "returns_rate"), "returns_rate"),
        packaging_cny=r.decimal(r.get(doc, "packaging_cny"), "packaging_cny"),
        domestic_freight_cny=r.decimal(r.get(doc, "domestic_freight_cny"), "domestic_freight_cny"),
        target_margin=r.rate(r.get(doc, "target_margin"), "target_margin"),
        margin_floor=r.rate(r.get(doc, "margin_floor"), "margin_floor"),
        source=str(r.get(doc, "source")),
        sample=r.boolean(doc.get("sample", True), "sample"),
    )


def parse_fx(doc: Mapping[str, Any], origin: str) -> FxTable:
    r = _Reader(origin)
    rates = {
        _currency(r, code, f"cny_per.{code}"): r.decimal(rate, f"cny_per.{code}")
        for code, rate in r.table(r.get(doc, "cny_per"), "cny_per").items()
    }
    for code, rate in rates.items():
        if rate == 0:
            raise r.fail(f"cny_per.{code}", "must be above 0", "必须大于 0")
    return FxTable(as_of=r.day(r.get(doc, "as_of"), "as_of"), cny_per=rates, source=str(r.get(doc, "source")))


def _identifier(r: _Reader, value: Any, path: str) -> str:
    text = str(value).strip()
    if not text or not all(ch.isalnum() or ch in "_-." for ch in text) or len(text) > 64:
        raise r.fail(
            path, f"letters, digits, _ - . only (≤ 64): {value!r}", f"只能包含字母、数字、_ - .: {value!r}"
        )
    return text


def _currency(r: _Reader, value: Any, path: str) -> str:
    text = str(value).strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise r.fail(path, f"not a currency code: {value!r}", f"不是币种代码: {value!r}")
    return text
