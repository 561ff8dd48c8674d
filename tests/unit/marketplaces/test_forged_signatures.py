"""A signature with any text in it (non-ASCII included) is simply wrong, never an exception: the
1688 push hook and the sandbox's signed calls answer a forged one with 401, not 500."""

from __future__ import annotations

from kuajing.marketplaces.alibaba1688 import signing as b2b_signing
from kuajing.marketplaces.aliexpress import push as ae_push
from kuajing.marketplaces.aliexpress import signing as ae_signing


def test_1688_call_and_push_signatures_with_non_ascii_text_do_not_verify() -> None:
    assert not b2b_signing.verify("secret", "param2/1/x", {"a": "1", "_aop_signature": "签名"})
    assert not b2b_signing.verify_push("secret", '{"type": "X"}', "é" * 40)
    good = b2b_signing.push_signature("secret", "{}")
    assert b2b_signing.verify_push("secret", "{}", good.lower())


def test_aliexpress_call_and_push_signatures_with_non_ascii_text_do_not_verify() -> None:
    assert not ae_signing.verify("secret", "aliexpress.x", {"a": "1", "sign": "签名"})
    assert not ae_push.verify_push(b"{}", "ünïcode", app_key="k", app_secret="s")
    good = ae_signing.push_signature("k", "s", b"{}")
    assert ae_push.verify_push(b"{}", good.upper(), app_key="k", app_secret="s")
