from __future__ import annotations

import random
import string
from dataclasses import replace
from decimal import Decimal

import pytest

from kuajing.kit.errors import ValidationFailed
from kuajing.kit.money import Money
from kuajing.orders.mapping import (
    MappingRuleInvalid,
    MappingTarget,
    MatchKind,
    RuleBook,
    SkuMappingRule,
    TrialOutcome,
    ensure_valid,
    explain,
    preview,
    resolve,
    sort_rules,
    validate_rule,
)

# Store 1 sells 1688 offer 612345678901 (a phone case) as AE-612345678901-<n>, its bundles as
# AE-612345678901-<n>-2P, and a second case line with pattern codes such as PC-IP15PM-PNK-PU.
CASE_OFFER = 612345678901
CASE_BLACK = "3f9a2b1c4d5e6f708192a3b4c5d6e7f8"
CASE_PINK = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
CASE_CLEAR = "0c1d2e3f405162738495a6b7c8d9eaf0"
PU_OFFER = 734509871234
PU_IP15PM_PINK = "5e4d3c2b1a0998877665544332211000"
PU_IP15_BLACK = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
# Store 2 sells a cable offer as CC-<first 6 of spec id>.
CABLE_OFFER = 655512340987
CABLE_1M = "b7c8d9e0f1a2b3c4d5e6f708192a3b4c"
CABLE_2M = "e0f1a2b3c4d5e6f708192a3b4c5d6e7f"


class FakeCatalog:
    def __init__(self) -> None:
        self.offers = {
            CASE_OFFER: frozenset({CASE_BLACK, CASE_PINK, CASE_CLEAR}),
            PU_OFFER: frozenset({PU_IP15PM_PINK, PU_IP15_BLACK}),
            CABLE_OFFER: frozenset({CABLE_1M, CABLE_2M}),
        }

    def spec_ids(self, offer_id: int) -> frozenset[str] | None:
        return self.offers.get(offer_id)


def case_prefix_rule(**changes: object) -> SkuMappingRule:
    rule = SkuMappingRule(
        MatchKind.PREFIX,
        f"AE-{CASE_OFFER}-",
        CASE_OFFER,
        variant_map={"1": CASE_BLACK, "2": CASE_PINK, "3": CASE_CLEAR},
        id=10,
    )
    return replace(rule, **changes)  # type: ignore[arg-type]


# --- matching ---------------------------------------------------------------------------------


def test_exact_rule_maps_its_code_to_the_fixed_spec() -> None:
    rule = SkuMappingRule(MatchKind.EXACT, "X7K2P9QA", CASE_OFFER, spec_id=CASE_PINK, id=1)

    target = resolve("X7K2P9QA", [rule], store_id=1)

    assert target == MappingTarget(CASE_OFFER, CASE_PINK, 1, 1, None, None)


def test_exact_rule_does_not_match_a_longer_or_differently_cased_code() -> None:
    rule = SkuMappingRule(MatchKind.EXACT, f"AE-{CASE_OFFER}-1", CASE_OFFER, spec_id=CASE_BLACK)

    assert resolve(f"AE-{CASE_OFFER}-10", [rule], store_id=1) is None
    assert resolve(f"ae-{CASE_OFFER}-1", [rule], store_id=1) is None


def test_prefix_rule_looks_up_the_rest_of_the_code_in_the_variant_map() -> None:
    target = resolve(f"AE-{CASE_OFFER}-2", [case_prefix_rule()], store_id=1)

    assert target is not None
    assert (target.offer_id, target.spec_id, target.variant_key) == (CASE_OFFER, CASE_PINK, "2")


def test_prefix_rule_with_a_fixed_spec_ignores_the_variant_key() -> None:
    rule = case_prefix_rule(spec_id=CASE_CLEAR, variant_map={})

    target = resolve(f"AE-{CASE_OFFER}-anything", [rule], store_id=1)

    assert target is not None
    assert (target.spec_id, target.variant_key) == (CASE_CLEAR, "anything")


def test_regex_rule_joins_positional_groups_with_a_bar_into_the_variant_key() -> None:
    rule = SkuMappingRule(
        MatchKind.REGEX,
        r"^PC-(IP15(?:PM)?)-([A-Z]+)-PU$",
        PU_OFFER,
        variant_map={"IP15PM|PNK": PU_IP15PM_PINK, "IP15|BLK": PU_IP15_BLACK},
    )

    pink = resolve("PC-IP15PM-PNK-PU", [rule], store_id=1)
    black = resolve("PC-IP15-BLK-PU", [rule], store_id=1)

    assert pink is not None and (pink.spec_id, pink.variant_key) == (PU_IP15PM_PINK, "IP15PM|PNK")
    assert black is not None and (black.spec_id, black.variant_key) == (PU_IP15_BLACK, "IP15|BLK")


def test_regex_rule_uses_named_groups_in_pattern_order() -> None:
    rule = SkuMappingRule(
        MatchKind.REGEX,
        r"PC-(?P<model>IP15PM)-(?P<colour>[A-Z]{3})-PU",
        PU_OFFER,
        variant_map={"IP15PM|PNK": PU_IP15PM_PINK},
    )

    target = resolve("PC-IP15PM-PNK-PU", [rule], store_id=1)

    assert target is not None and target.variant_key == "IP15PM|PNK"


def test_regex_rule_must_match_the_whole_code() -> None:
    rule = SkuMappingRule(MatchKind.REGEX, r"PC-IP15-([A-Z]+)", PU_OFFER, variant_map={"BLK": PU_IP15_BLACK})

    assert resolve("PC-IP15-BLK", [rule], store_id=1) is not None
    assert resolve("PC-IP15-BLK-TPU", [rule], store_id=1) is None
    assert resolve("XPC-IP15-BLK", [rule], store_id=1) is None


def test_regex_without_groups_maps_every_match_to_its_fixed_spec() -> None:
    rule = SkuMappingRule(MatchKind.REGEX, r"CC-[0-9A-F]{6}", CABLE_OFFER, spec_id=CABLE_1M)

    target = resolve("CC-B7C8D9", [rule], store_id=2)

    assert target is not None and (target.spec_id, target.variant_key) == (CABLE_1M, None)


def test_unmapped_variant_key_falls_through_to_the_next_rule() -> None:
    fallback = SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=500, id=99)

    target = resolve(f"AE-{CASE_OFFER}-7", [case_prefix_rule(), fallback], store_id=1)

    assert target is not None and (target.rule_id, target.spec_id) == (99, CASE_CLEAR)


def test_bundle_code_buys_the_multiplier_of_the_single_spec() -> None:
    bundles = SkuMappingRule(
        MatchKind.REGEX,
        rf"AE-{CASE_OFFER}-(\d+)-2P",
        CASE_OFFER,
        variant_map={"1": CASE_BLACK, "2": CASE_PINK},
        quantity_multiplier=2,
        id=11,
    )
    rules = [case_prefix_rule(), bundles]

    single = resolve(f"AE-{CASE_OFFER}-1", rules, store_id=1)
    bundle = resolve(f"AE-{CASE_OFFER}-1-2P", rules, store_id=1)

    assert single is not None and (single.spec_id, single.quantity_multiplier) == (CASE_BLACK, 1)
    # The prefix rule sees key "1-2P", which it does not map, so the bundle rule takes the code.
    assert bundle is not None and (bundle.spec_id, bundle.quantity_multiplier, bundle.rule_id) == (
        CASE_BLACK,
        2,
        11,
    )


def test_code_that_no_rule_maps_resolves_to_none() -> None:
    assert resolve("QZ81LM0C", [case_prefix_rule()], store_id=1) is None
    assert resolve("QZ81LM0C", [], store_id=1) is None


def test_target_carries_the_rule_id_and_unit_cost_for_the_price_moved_check() -> None:
    cost = Money.of("4.35", "CNY")

    target = resolve(f"AE-{CASE_OFFER}-3", [case_prefix_rule(unit_cost=cost, id=42)], store_id=1)

    assert target is not None and (target.rule_id, target.unit_cost) == (42, cost)


def test_rule_with_an_invalid_regex_never_matches() -> None:
    broken = SkuMappingRule(MatchKind.REGEX, r"PC-(IP15", PU_OFFER, spec_id=PU_IP15_BLACK, priority=1)

    target = resolve(f"AE-{CASE_OFFER}-1", [broken, case_prefix_rule()], store_id=1)

    assert target is not None and target.spec_id == CASE_BLACK


# --- order, stores, enabled ------------------------------------------------------------------


def test_lower_priority_number_wins() -> None:
    urgent = SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=5, id=2)

    target = resolve(f"AE-{CASE_OFFER}-1", [case_prefix_rule(), urgent], store_id=1)

    assert target is not None and target.rule_id == 2


def test_on_equal_priority_exact_beats_regex_beats_prefix() -> None:
    code = f"AE-{CASE_OFFER}-1"
    prefix = case_prefix_rule(id=1)
    regex = SkuMappingRule(MatchKind.REGEX, rf"AE-{CASE_OFFER}-\d", CASE_OFFER, spec_id=CASE_PINK, id=2)
    exact = SkuMappingRule(MatchKind.EXACT, code, CASE_OFFER, spec_id=CASE_CLEAR, id=3)

    assert [rule.id for rule in sort_rules([prefix, regex, exact])] == [3, 2, 1]
    assert resolve(code, [prefix, regex, exact], store_id=1) == MappingTarget(
        CASE_OFFER, CASE_CLEAR, 1, 3, None, None
    )
    assert resolve(code, [prefix, regex], store_id=1) == MappingTarget(
        CASE_OFFER, CASE_PINK, 1, 2, None, None
    )


def test_on_equal_priority_the_longer_prefix_wins() -> None:
    short = SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, id=1)
    long = case_prefix_rule(id=2)

    target = resolve(f"AE-{CASE_OFFER}-2", [short, long], store_id=1)

    assert target is not None and target.rule_id == 2


def test_on_a_full_tie_the_lower_id_wins_and_unsaved_rules_come_last() -> None:
    first = case_prefix_rule(id=7, spec_id=CASE_BLACK)
    second = case_prefix_rule(id=8, spec_id=CASE_PINK)
    unsaved = case_prefix_rule(id=None, spec_id=CASE_CLEAR)

    assert [rule.id for rule in sort_rules([unsaved, second, first])] == [7, 8, None]
    target = resolve(f"AE-{CASE_OFFER}-1", [unsaved, second, first], store_id=1)
    assert target is not None and target.spec_id == CASE_BLACK


def test_store_scoped_rule_applies_only_to_its_own_store() -> None:
    store_two = SkuMappingRule(
        MatchKind.REGEX, r"CC-([0-9A-F]{6})", CABLE_OFFER, spec_id=CABLE_2M, store_id=2
    )

    assert resolve("CC-E0F1A2", [store_two], store_id=2) is not None
    assert resolve("CC-E0F1A2", [store_two], store_id=1) is None
    # An order whose store is unknown only gets the rules meant for every store.
    assert resolve("CC-E0F1A2", [store_two], store_id=None) is None
    assert resolve("CC-E0F1A2", [replace(store_two, store_id=None)], store_id=None) is not None


def test_disabled_rule_is_skipped() -> None:
    disabled = case_prefix_rule(enabled=False, priority=1, spec_id=CASE_CLEAR, id=1)

    target = resolve(f"AE-{CASE_OFFER}-1", [disabled, case_prefix_rule(id=2)], store_id=1)

    assert target is not None and target.rule_id == 2


def test_rule_keeps_its_own_copy_of_the_variant_map_and_accepts_the_kind_as_text() -> None:
    variants = {"1": CASE_BLACK}
    rule = SkuMappingRule("prefix", f"AE-{CASE_OFFER}-", CASE_OFFER, variant_map=variants)  # type: ignore[arg-type]
    variants["2"] = CASE_PINK

    assert rule.kind is MatchKind.PREFIX
    assert dict(rule.variant_map) == {"1": CASE_BLACK}
    assert hash(rule) == hash(replace(rule))


# --- explain --------------------------------------------------------------------------------------


def test_explain_reports_every_rule_in_priority_order_with_its_verdict() -> None:
    code = f"AE-{CASE_OFFER}-1-2P"
    rules = [
        SkuMappingRule(MatchKind.EXACT, "X7K2P9QA", CASE_OFFER, spec_id=CASE_BLACK, priority=300, id=5),
        case_prefix_rule(id=1),
        SkuMappingRule(
            MatchKind.REGEX,
            r"AE-\d+-(\d)-2P",
            CASE_OFFER,
            variant_map={"1": CASE_BLACK},
            quantity_multiplier=2,
            priority=200,
            id=2,
        ),
        SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=250, id=3),
        SkuMappingRule(
            MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=0, enabled=False, id=4
        ),
        SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=0, store_id=2, id=6),
    ]

    trials = explain(code, rules, store_id=1)

    assert [(t.rule.id, t.outcome) for t in trials] == [
        (4, TrialOutcome.DISABLED),
        (6, TrialOutcome.OTHER_STORE),
        (1, TrialOutcome.KEY_NOT_MAPPED),
        (2, TrialOutcome.MATCHED),
        (3, TrialOutcome.MATCHED),
        (5, TrialOutcome.NO_MATCH),
    ]
    assert [t.rule.id for t in trials if t.wins] == [2]
    not_mapped = trials[2]
    assert not_mapped.variant_key == "1-2P" and not not_mapped.matched
    assert "'1-2P'" in not_mapped.reason_en and "'1-2P'" in not_mapped.reason_zh
    assert trials[3].spec_id == CASE_BLACK and trials[3].matched
    assert "higher-priority" in trials[4].reason_en
    assert all(t.reason_zh and t.reason_en for t in trials)


def test_explain_gives_the_regex_error_for_a_broken_pattern() -> None:
    broken = SkuMappingRule(MatchKind.REGEX, r"PC-(IP15", PU_OFFER, spec_id=PU_IP15_BLACK)

    [trial] = explain("PC-IP15-BLK-PU", [broken], store_id=1)

    assert trial.outcome is TrialOutcome.BAD_PATTERN
    assert "missing )" in trial.reason_en and "missing )" in trial.reason_zh


# --- preview --------------------------------------------------------------------------------------

STORE_ONE_CODES = [
    f"AE-{CASE_OFFER}-1",
    f"AE-{CASE_OFFER}-2",
    f"AE-{CASE_OFFER}-3",
    f"AE-{CASE_OFFER}-4",
    f"AE-{CASE_OFFER}-1-2P",
    "PC-IP15PM-PNK-PU",
    "X7K2P9QA",
]


def test_preview_splits_a_stores_codes_into_mapped_unresolved_and_shadowed() -> None:
    pinned = SkuMappingRule(MatchKind.EXACT, f"AE-{CASE_OFFER}-3", CASE_OFFER, spec_id=CASE_BLACK, id=20)

    result = preview(case_prefix_rule(id=None), STORE_ONE_CODES, other_rules=[pinned], store_id=1)

    assert [(m.sku_code, m.spec_id, m.quantity_multiplier) for m in result.mapped] == [
        (f"AE-{CASE_OFFER}-1", CASE_BLACK, 1),
        (f"AE-{CASE_OFFER}-2", CASE_PINK, 1),
    ]
    assert [(u.sku_code, u.variant_key) for u in result.unresolved] == [
        (f"AE-{CASE_OFFER}-4", "4"),
        (f"AE-{CASE_OFFER}-1-2P", "1-2P"),
    ]
    [shadowed] = result.shadowed
    assert (shadowed.sku_code, shadowed.spec_id, shadowed.by_rule, shadowed.by_spec_id) == (
        f"AE-{CASE_OFFER}-3",
        CASE_CLEAR,
        pinned,
        CASE_BLACK,
    )
    assert result.unmatched_count == 2


def test_preview_reports_the_bundle_multiplier_of_the_rule() -> None:
    bundles = SkuMappingRule(
        MatchKind.REGEX,
        rf"AE-{CASE_OFFER}-(\d)-2P",
        CASE_OFFER,
        variant_map={"1": CASE_BLACK},
        quantity_multiplier=2,
    )

    result = preview(bundles, STORE_ONE_CODES, store_id=1)

    assert [(m.sku_code, m.quantity_multiplier) for m in result.mapped] == [(f"AE-{CASE_OFFER}-1-2P", 2)]


def test_preview_ignores_the_saved_version_of_the_edited_rule_lower_rules_and_other_stores() -> None:
    saved = case_prefix_rule(id=10, variant_map={"1": CASE_CLEAR})
    edited = case_prefix_rule(id=10)
    later = SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, priority=900, id=30)
    other_store = case_prefix_rule(id=31, priority=1, store_id=2)

    result = preview(edited, STORE_ONE_CODES, other_rules=[saved, later, other_store])

    assert result.shadowed == ()
    assert {m.sku_code for m in result.mapped} == {f"AE-{CASE_OFFER}-{n}" for n in (1, 2, 3)}


# --- validation -----------------------------------------------------------------------------------


def test_a_sound_rule_has_no_problems() -> None:
    assert validate_rule(case_prefix_rule(unit_cost=Money.of("3.20", "CNY")), FakeCatalog()) == []
    ensure_valid(case_prefix_rule(), FakeCatalog())


@pytest.mark.parametrize(
    ("rule", "field", "code"),
    [
        (case_prefix_rule(pattern="  "), "pattern", "empty_pattern"),
        (
            SkuMappingRule(
                MatchKind.REGEX, r"^PC-IP15-(?P<c>[A-Z]+-TPU$", PU_OFFER, variant_map={"BLK": PU_IP15_BLACK}
            ),
            "pattern",
            "regex_invalid",
        ),
        (
            SkuMappingRule(
                MatchKind.REGEX, r"PC-IP15-[A-Z]+-TPU", PU_OFFER, variant_map={"BLK": PU_IP15_BLACK}
            ),
            "pattern",
            "regex_no_group",
        ),
        (case_prefix_rule(variant_map={}), "variant_map", "no_spec_source"),
        (case_prefix_rule(quantity_multiplier=0), "quantity_multiplier", "multiplier_out_of_range"),
        (case_prefix_rule(quantity_multiplier=1001), "quantity_multiplier", "multiplier_out_of_range"),
        (case_prefix_rule(offer_id=600000000001), "offer_id", "unknown_offer"),
        (case_prefix_rule(spec_id=CABLE_1M), "spec_id", "spec_not_in_offer"),
        (
            case_prefix_rule(variant_map={"1": CASE_BLACK, "2": CABLE_2M}),
            "variant_map",
            "variant_spec_not_in_offer",
        ),
        (case_prefix_rule(priority=-1), "priority", "priority_out_of_range"),
        (case_prefix_rule(priority=1_000_001), "priority", "priority_out_of_range"),
        (
            SkuMappingRule(MatchKind.EXACT, "X7K2 P9QA", CASE_OFFER, spec_id=CASE_BLACK),
            "pattern",
            "whitespace_in_code",
        ),
        (SkuMappingRule(MatchKind.EXACT, "X7K2P9QA", CASE_OFFER), "spec_id", "exact_needs_spec"),
        (case_prefix_rule(unit_cost=Money.of("0.55", "USD")), "unit_cost", "unit_cost_invalid"),
    ],
)
def test_each_rule_problem_names_its_field_in_both_languages(
    rule: SkuMappingRule, field: str, code: str
) -> None:
    problems = validate_rule(rule, FakeCatalog())

    assert [(p.field, p.code) for p in problems] == [(field, code)]
    assert problems[0].message_zh and problems[0].message_en
    assert problems[0].message_zh != problems[0].message_en


def test_broken_regex_problem_quotes_the_regex_error_and_its_position() -> None:
    rule = SkuMappingRule(
        MatchKind.REGEX, r"^PC-IP15-([A-Z]+-TPU$", PU_OFFER, variant_map={"BLK": PU_IP15_BLACK}
    )

    [problem] = validate_rule(rule, FakeCatalog())

    assert "missing ), unterminated subpattern" in problem.message_en
    assert "position 9" in problem.message_en and "位置 9" in problem.message_zh


def test_foreign_variant_spec_problem_names_the_variant_key() -> None:
    [problem] = validate_rule(case_prefix_rule(variant_map={"2": CABLE_2M}), FakeCatalog())

    assert "'2'" in problem.message_en and "'2'" in problem.message_zh
    assert CABLE_2M in problem.message_en


def test_ensure_valid_raises_with_every_problem_listed() -> None:
    rule = case_prefix_rule(quantity_multiplier=0, priority=-5, variant_map={"1": CABLE_1M})

    with pytest.raises(MappingRuleInvalid) as caught:
        ensure_valid(rule, FakeCatalog())

    error = caught.value
    assert isinstance(error, ValidationFailed) and error.http_status == 422
    fields = [problem["field"] for problem in error.details["problems"]]
    assert fields == ["quantity_multiplier", "priority", "variant_map"]
    for field in fields:
        assert field in error.message_en and field in error.message_zh
    assert error.rule == rule


# --- RuleBook -------------------------------------------------------------------------------------


def _spec(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _generated_world(seed: int) -> tuple[list[SkuMappingRule], list[str]]:
    """Rules and codes in the sandbox's conventions, overlapping on purpose."""
    rng = random.Random(seed)
    offers = [rng.randrange(520_000_000_000, 800_000_000_000) for _ in range(40)]
    rules: list[SkuMappingRule] = []
    codes: list[str] = []
    next_id = iter(range(1, 10_000))

    def rule_id() -> int | None:
        return None if rng.random() < 0.15 else next(next_id)

    def store() -> int | None:
        return rng.choice((None, None, 1, 2))

    priorities = (50, 100, 100, 100, 200)
    for offer in offers:
        specs = {str(n): _spec(rng) for n in range(1, rng.randint(2, 7))}
        mapped = {key: spec for key, spec in specs.items() if rng.random() < 0.7}
        rules.append(
            SkuMappingRule(
                MatchKind.PREFIX,
                f"AE-{offer}-",
                offer,
                variant_map=mapped,
                priority=rng.choice(priorities),
                store_id=store(),
                id=rule_id(),
                enabled=rng.random() > 0.1,
            )
        )
        rules.append(
            SkuMappingRule(
                MatchKind.REGEX,
                rf"AE-{offer}-(\d+)-([23])P",
                offer,
                variant_map={f"{k}|2": s for k, s in mapped.items()},
                quantity_multiplier=2,
                priority=rng.choice(priorities),
                store_id=store(),
                id=rule_id(),
            )
        )
        if rng.random() < 0.4:
            rules.append(
                SkuMappingRule(
                    MatchKind.EXACT,
                    f"AE-{offer}-1",
                    offer,
                    spec_id=specs["1"],
                    priority=rng.choice(priorities),
                    store_id=store(),
                    id=rule_id(),
                )
            )
        for key in specs:
            codes += [
                f"AE-{offer}-{key}",
                f"AE-{offer}-{key}-2P",
                f"AE-{offer}-{key}-3P",
                f"AE-{offer}-{key}0",
            ]
    rules.append(
        SkuMappingRule(MatchKind.PREFIX, "AE-", offers[0], spec_id=_spec(rng), priority=100, id=rule_id())
    )
    rules.append(
        SkuMappingRule(MatchKind.PREFIX, "AE-5", offers[1], spec_id=_spec(rng), priority=100, id=rule_id())
    )
    colours = ["BLK", "PNK", "WHT", "CLR", "RSG"]
    for material in ("PU", "TPU", "TPU2", "SIL"):
        variant_map = {
            f"IP15{m}|{c}": _spec(rng) for m in ("", "P", "PM") for c in colours if rng.random() < 0.6
        }
        rules.append(
            SkuMappingRule(
                MatchKind.REGEX,
                rf"PC-(?P<model>IP15[PM]*)-(?P<colour>[A-Z]+)-{material}",
                offers[2],
                variant_map=variant_map,
                priority=rng.choice(priorities),
                store_id=store(),
                id=rule_id(),
            )
        )
        codes += [f"PC-IP15{m}-{c}-{material}" for m in ("", "P", "PM", "PMX") for c in colours]
    for category in ("PC", "CC", "EB", "XD"):
        category_specs = [_spec(rng) for _ in range(30)]
        rules.append(
            SkuMappingRule(
                MatchKind.REGEX,
                rf"{category}-([0-9A-F]{{6}})",
                offers[3],
                variant_map={s[:6].upper(): s for s in category_specs[:20]},
                store_id=2,
                id=rule_id(),
            )
        )
        rules.append(
            SkuMappingRule(
                MatchKind.PREFIX,
                f"{category}-",
                offers[4],
                spec_id=category_specs[0],
                priority=900,
                store_id=rng.choice((None, 2)),
                id=rule_id(),
            )
        )
        codes += [f"{category}-{s[:6].upper()}" for s in category_specs]
    for _ in range(900):
        code = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8))
        codes.append(code)
        if rng.random() < 0.3:
            rules.append(
                SkuMappingRule(
                    MatchKind.EXACT,
                    code,
                    offers[5],
                    spec_id=_spec(rng),
                    priority=rng.choice(priorities),
                    store_id=store(),
                    id=rule_id(),
                    enabled=rng.random() > 0.1,
                )
            )
    rules.append(SkuMappingRule(MatchKind.REGEX, r"PC-(IP15", offers[6], spec_id=_spec(rng), priority=0))
    rules.append(SkuMappingRule(MatchKind.PREFIX, "", offers[6], spec_id=_spec(rng), priority=0))
    # Regex shapes whose leading text is optional, alternative or escaped (the book indexes by it).
    tricky = [
        r"PC-IP15P?M?-(BLK)-TPU",
        rf"AE-{offers[7]}-1|(CC)-[0-9A-F]{{6}}",
        r"(?i)pc-ip15-(pnk)-pu",
        rf"AE\-{offers[8]}\-(\d)0",
        r"X{0,1}[A-Z0-9]{7}(Q)",
        r"^PC-IP15(PMX)?-(WHT)-SIL$",
    ]
    for pattern in tricky:
        rules.append(SkuMappingRule(MatchKind.REGEX, pattern, offers[9], spec_id=_spec(rng), priority=80))
    rng.shuffle(rules)
    return rules, codes


def test_rule_book_gives_the_same_answer_as_resolve_on_thousands_of_codes() -> None:
    rules, codes = _generated_world(1688)
    book = RuleBook(rules)
    assert len(codes) > 1000

    resolved = 0
    for code in codes:
        for store_id in (None, 1, 2):
            expected = resolve(code, rules, store_id=store_id)
            assert book.resolve(code, store_id) == expected, (code, store_id)
            assert book.resolve(code, store_id) == expected  # the cached answer too
            resolved += expected is not None
    assert resolved > len(codes)  # the world maps plenty, so the comparison means something


def test_rule_book_match_names_the_winning_rule() -> None:
    rule = case_prefix_rule(id=77)
    book = RuleBook(
        [rule, SkuMappingRule(MatchKind.PREFIX, "AE-", CASE_OFFER, spec_id=CASE_CLEAR, enabled=False)]
    )

    found = book.match(f"AE-{CASE_OFFER}-2", 1)

    assert found is not None and found[0] == rule and found[1].spec_id == CASE_PINK
    assert len(book) == 1
    assert book.match("QZ81LM0C", 1) is None


def test_rule_book_with_a_tiny_cache_still_answers_correctly() -> None:
    rules, codes = _generated_world(7)
    book = RuleBook(rules, cache_size=4)

    for code in codes[:500] * 2:
        assert book.resolve(code, 1) == resolve(code, rules, store_id=1)


def test_unit_cost_of_the_target_is_the_rules_cny_cost() -> None:
    rule = case_prefix_rule(unit_cost=Money(Decimal("0.035"), "CNY"))

    target = RuleBook([rule]).resolve(f"AE-{CASE_OFFER}-1", 1)

    assert target is not None and target.unit_cost == Money(Decimal("0.035"), "CNY")
