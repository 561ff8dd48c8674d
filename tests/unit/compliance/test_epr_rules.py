"""EPR rules as data and the pure listing check: one test per rule (the issue's proof cases first)."""

from __future__ import annotations

from datetime import date

import pytest

from kuajing.compliance.epr import (
    CheckStatus,
    ListingFacts,
    QcFamily,
    Registration,
    Stream,
    check_listing,
    check_number,
    needed_streams,
    parse_stream,
)
from kuajing.compliance.epr_rules import RulesFileInvalid, load_rule_book

TODAY = date(2026, 12, 1)
BOOK = load_rule_book()
PHONE_CASE = ListingFacts("Silicone shockproof phone case for iPhone 15", category_id=None, category_name="")
EARBUDS = ListingFacts("蓝牙耳机 Bluetooth 5.3 earbuds", category_name="")
LUCID = Registration("DE", Stream.PACKAGING, "DE1234567890123")


def _reg(country: str, stream: Stream, number: str, **kw: date | None) -> Registration:
    return Registration(country, stream, number, **kw)  # type: ignore[arg-type]


# --- the proof cases -----------------------------------------------------------------------------------


def test_de_listing_in_packaging_only_category_without_lucid_is_blocking() -> None:
    check = check_listing(PHONE_CASE, "DE", [], BOOK, TODAY)
    assert check.streams == (Stream.PACKAGING,)
    assert check.status is CheckStatus.BLOCKING
    (reason,) = check.reasons
    assert (reason.country, reason.stream, reason.code) == ("DE", "packaging", "missing_registration")
    assert "will be delisted: register stream packaging in country DE" in reason.message_en
    assert "将被下架" in reason.message_zh


def test_de_listing_is_ok_once_the_lucid_number_is_added() -> None:
    check = check_listing(PHONE_CASE, "DE", [LUCID], BOOK, TODAY)
    assert check.status is CheckStatus.OK and check.reasons == ()


FUTURE_RULES = """
[meta]
default_markets = ["DE"]
always = ["packaging"]
[delisting_from]
DE = 2024-03-15
[[rule]]
country = "DE"
stream = "packaging"
required_from = 2027-06-01
registry = "LUCID (ZSVR)"
format = "DE[0-9]{13}"
strict = true
source = "test"
"""


def test_rule_with_future_required_from_warns_until_that_date_then_blocks() -> None:
    book = load_rule_book(text=FUTURE_RULES)
    before = check_listing(PHONE_CASE, "DE", [], book, date(2027, 5, 31))
    assert before.status is CheckStatus.WARNING
    assert before.reasons[0].code == "future_requirement" and before.reasons[0].required_from == "2027-06-01"
    assert "2027-06-01" in before.reasons[0].message_en
    assert check_listing(PHONE_CASE, "DE", [], book, date(2027, 6, 1)).status is CheckStatus.BLOCKING


# --- number formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "stream", "number", "ok"),
    [
        ("DE", Stream.PACKAGING, "DE1234567890123", True),
        ("DE", Stream.PACKAGING, "de 1234567890123", True),  # spaces and case normalised
        ("DE", Stream.PACKAGING, "DE123456789012", False),  # 12 digits
        ("DE", Stream.PACKAGING, "FR1234567890123", False),
        ("DE", Stream.EEE, "DE12345678", True),
        ("DE", Stream.EEE, "DE 1234 5678", True),
        ("DE", Stream.EEE, "DE1234567", False),
        ("DE", Stream.BATTERIES, "DE87654321", True),
        ("DE", Stream.BATTERIES, "DE1234567890123", False),  # a LUCID number is not a battery number
    ],
)
def test_german_numbers_are_hard_format_checks(country: str, stream: Stream, number: str, ok: bool) -> None:
    rule = BOOK.rule(country, stream)
    assert rule is not None
    result = check_number(rule, number)
    assert result.ok is ok
    assert result.warning_en == ("" if ok else result.warning_en)


def test_french_idu_format_is_a_soft_check_that_warns_but_accepts() -> None:
    rule = BOOK.rule("FR", Stream.PACKAGING)
    assert rule is not None and not rule.number_format.strict
    assert check_number(rule, "FR123456_01ABCD") == check_number(rule, "fr123456_01abcd")
    assert check_number(rule, "FR123456_01ABCD").warning_en == ""
    odd = check_number(rule, "IDU-42")
    assert odd.ok and "not officially confirmed" in odd.warning_en and "未经官方确认" in odd.warning_zh
    check = check_listing(PHONE_CASE, "FR", [_reg("FR", Stream.PACKAGING, "IDU-42")], BOOK, TODAY)
    assert check.status is CheckStatus.WARNING and check.reasons[0].code == "number_format"


def test_spanish_numbers_have_no_format_check_and_missing_ones_only_warn() -> None:
    rule = BOOK.rule("ES", Stream.PACKAGING)
    assert rule is not None and rule.number_format.pattern is None
    assert check_number(rule, "ENV/2023/000123").ok
    missing = check_listing(PHONE_CASE, "ES", [], BOOK, TODAY)
    assert missing.status is CheckStatus.WARNING  # AliExpress is not known to delist in ES
    assert missing.reasons[0].stream == "packaging"
    assert check_listing(PHONE_CASE, "ES", [_reg("ES", Stream.PACKAGING, "ENV/1")], BOOK, TODAY).status is (
        CheckStatus.OK
    )


def test_empty_number_is_refused() -> None:
    rule = BOOK.rule("ES", Stream.BATTERIES)
    assert rule is not None and not check_number(rule, "  ").ok


# --- streams ------------------------------------------------------------------------------------------


def test_electrical_words_need_eee_and_battery_streams() -> None:
    assert set(needed_streams(EARBUDS, BOOK)) == {Stream.PACKAGING, Stream.EEE, Stream.BATTERIES}
    check = check_listing(EARBUDS, "DE", [LUCID], BOOK, TODAY)
    assert check.status is CheckStatus.BLOCKING
    assert {r.stream for r in check.reasons} == {"eee", "batteries"}


def test_battery_in_attributes_needs_battery_stream() -> None:
    facts = ListingFacts("Portable fan", attributes={"电源方式": "锂电池 rechargeable 1200mAh"})
    assert Stream.BATTERIES in needed_streams(facts, BOOK)


def test_word_boundaries_keep_led_out_of_needled() -> None:
    assert needed_streams(ListingFacts("Needled felt coaster"), BOOK) == (Stream.PACKAGING,)


def test_de_batteries_blocked_after_battdg_but_warned_before() -> None:
    regs = [LUCID, _reg("DE", Stream.EEE, "DE12345678")]
    before = check_listing(EARBUDS, "DE", regs, BOOK, date(2025, 10, 6))
    assert before.status is CheckStatus.WARNING and before.reasons[0].code == "future_requirement"
    after = check_listing(EARBUDS, "DE", regs, BOOK, date(2025, 10, 7))
    assert after.status is CheckStatus.BLOCKING and after.reasons[0].stream == "batteries"
    full = [*regs, _reg("DE", Stream.BATTERIES, "DE87654321")]
    assert check_listing(EARBUDS, "DE", full, BOOK, TODAY).status is CheckStatus.OK


def test_french_streams_follow_the_category_textiles_toys_sports_furniture() -> None:
    cases = {
        "Women summer floral dress": Stream.TEXTILES,
        "Running sneakers": Stream.TEXTILES,
        "Plush toy bear": Stream.TOYS,
        "Yoga mat for fitness": Stream.SPORTS,
        "Wooden bookcase shelf": Stream.FURNITURE,
    }
    for title, stream in cases.items():
        check = check_listing(
            ListingFacts(title), "FR", [_reg("FR", Stream.PACKAGING, "FR123456_01ABCD")], BOOK, TODAY
        )
        assert check.status is CheckStatus.BLOCKING, title
        assert [r.stream for r in check.reasons] == [stream.value], title
        # the same listing in DE needs only packaging (no German textile/toy stream)
        assert check_listing(ListingFacts(title), "DE", [LUCID], BOOK, TODAY).status is CheckStatus.OK, title


def test_category_id_alone_puts_a_listing_in_a_stream() -> None:
    facts = ListingFacts("Model X-200", category_id=26, category_name="")
    assert Stream.TOYS in needed_streams(facts, BOOK)


def test_functions_from_the_materials_detector_map_to_streams() -> None:
    facts = ListingFacts("Model X-200", functions=frozenset({"battery"}))
    assert Stream.BATTERIES in needed_streams(facts, BOOK)


def test_expired_or_not_yet_started_registration_does_not_count() -> None:
    expired = _reg("DE", Stream.PACKAGING, "DE1234567890123", valid_until=date(2026, 11, 30))
    check = check_listing(PHONE_CASE, "DE", [expired], BOOK, TODAY)
    assert check.status is CheckStatus.BLOCKING and check.reasons[0].code == "expired_registration"
    later = _reg("DE", Stream.PACKAGING, "DE1234567890123", registered_on=date(2026, 12, 2))
    assert check_listing(PHONE_CASE, "DE", [later], BOOK, TODAY).status is CheckStatus.BLOCKING
    assert check_listing(PHONE_CASE, "DE", [later], BOOK, date(2026, 12, 2)).status is CheckStatus.OK


def test_registration_for_another_country_does_not_count() -> None:
    assert check_listing(PHONE_CASE, "FR", [LUCID], BOOK, TODAY).status is CheckStatus.BLOCKING


def test_market_without_rules_is_ok() -> None:
    assert check_listing(EARBUDS, "US", [], BOOK, TODAY).status is CheckStatus.OK


# --- QC reports ---------------------------------------------------------------------------------------


def test_apparel_without_qc_report_warns_category_review() -> None:
    dress = ListingFacts("Women summer floral dress")
    regs = [LUCID]
    check = check_listing(dress, "DE", regs, BOOK, TODAY, qc_covered=frozenset())
    assert check.status is CheckStatus.WARNING
    assert "category review needs a QC report (3–7 working days)" in check.reasons[0].message_en
    covered = check_listing(dress, "DE", regs, BOOK, TODAY, qc_covered=frozenset({QcFamily.APPAREL}))
    assert covered.status is CheckStatus.OK


def test_beauty_and_electronics_need_their_own_qc_family() -> None:
    lip = ListingFacts("Lip gloss long lasting")
    check = check_listing(lip, "DE", [LUCID], BOOK, TODAY, qc_covered=frozenset({QcFamily.APPAREL}))
    assert check.status is CheckStatus.WARNING and "beauty" in check.reasons[0].message_en
    tv = ListingFacts("Smart box", category_id=44)
    check = check_listing(tv, "ES", [], BOOK, TODAY, qc_covered=frozenset())
    assert any(r.code == "qc_report" and "electronics" in r.message_en for r in check.reasons)


# --- the rules file -----------------------------------------------------------------------------------


def test_shipped_rules_have_a_source_and_date_for_every_rule() -> None:
    assert {(r.country, r.stream) for r in BOOK.rules} >= {
        ("DE", Stream.PACKAGING),
        ("DE", Stream.EEE),
        ("DE", Stream.BATTERIES),
        ("FR", Stream.PACKAGING),
        ("FR", Stream.TEXTILES),
        ("ES", Stream.PACKAGING),
        ("ES", Stream.BATTERIES),
    }
    assert all(rule.source and rule.required_from for rule in BOOK.rules)
    assert BOOK.default_markets == ("DE", "FR", "ES")
    assert str(BOOK.delisting_from["DE"]) == "2024-03-15"


def test_rules_version_changes_with_the_rules_not_the_comments() -> None:
    assert load_rule_book(text=FUTURE_RULES).version == load_rule_book(text="# note\n" + FUTURE_RULES).version
    changed = FUTURE_RULES.replace("2027-06-01", "2027-07-01")
    assert load_rule_book(text=changed).version != load_rule_book(text=FUTURE_RULES).version


def test_bad_rules_file_names_every_problem() -> None:
    bad = FUTURE_RULES.replace('stream = "packaging"', 'stream = "glass"').replace(
        "required_from = 2027-06-01", 'required_from = "soon"'
    )
    with pytest.raises(RulesFileInvalid) as caught:
        load_rule_book(text=bad)
    places = {(p.sheet, p.column) for p in caught.value.problems}
    assert places == {("rule[1]", "stream"), ("rule[1]", "required_from")}


def test_stream_aliases() -> None:
    assert parse_stream("WEEE") is Stream.EEE and parse_stream(" packaging ") is Stream.PACKAGING
    with pytest.raises(ValueError):
        parse_stream("glass")


def test_electronics_by_product_words_need_the_electronics_qc_report_and_rc_toys_are_eee() -> None:
    check = check_listing(EARBUDS, "ES", [], BOOK, TODAY, qc_covered=frozenset())
    assert any(r.code == "qc_report" and "electronics" in r.message_en for r in check.reasons)
    assert set(needed_streams(ListingFacts("ABS RC stunt car toy"), BOOK)) == {
        Stream.PACKAGING,
        Stream.EEE,
        Stream.TOYS,
    }


def test_attribute_keys_alone_do_not_add_a_stream() -> None:
    facts = ListingFacts("Silicone phone case", attributes={"是否带电池 battery": "否"})
    assert needed_streams(facts, BOOK) == (Stream.PACKAGING,)


def test_a_function_the_text_denies_does_not_add_its_stream_by_keyword() -> None:
    lights = "LED fairy lights, batteries not included"
    assert Stream.BATTERIES in needed_streams(ListingFacts(lights), BOOK)  # keywords alone: cautious
    denied = ListingFacts(lights, functions=frozenset({"led"}), denied=frozenset({"battery"}))
    assert set(needed_streams(denied, BOOK)) == {Stream.PACKAGING, Stream.EEE}
