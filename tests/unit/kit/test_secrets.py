"""Secrets at rest: encryption round trip, rotation, plaintext detection, the masks, key sources."""

from __future__ import annotations

import dataclasses
import logging
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from kuajing.config import Settings
from kuajing.kit import redaction
from kuajing.kit.secrets import (
    KEY_ENV,
    PREFIX,
    KeyRing,
    Secret,
    SecretKeyInvalid,
    SecretKeyMissing,
    SecretUndecryptable,
    is_encrypted,
    keyring_for_url,
    new_key,
)
from kuajing.stores.service import StoreCredentials

OLD, NEW = new_key(), new_key()


def test_encrypted_value_round_trips_and_does_not_contain_the_plaintext() -> None:
    ring = KeyRing.from_text(OLD)
    stored = ring.encrypt("token-50000001-abcdef")
    assert stored.startswith(PREFIX) and "token-50000001" not in stored
    assert ring.decrypt(stored) == "token-50000001-abcdef"
    assert ring.encrypt("token-50000001-abcdef") != stored  # a fresh IV each time


def test_empty_value_stays_empty_so_no_refresh_token_reads_as_none() -> None:
    ring = KeyRing.from_text(OLD)
    assert ring.encrypt("") == "" and ring.decrypt("") == ""


def test_plaintext_from_before_encryption_is_detected_and_read_as_it_is() -> None:
    ring = KeyRing.from_text(OLD)
    assert not is_encrypted("legacy-plain-token")
    assert ring.decrypt("legacy-plain-token") == "legacy-plain-token"
    upgraded = ring.reencrypt("legacy-plain-token")
    assert is_encrypted(upgraded) and ring.decrypt(upgraded) == "legacy-plain-token"


def test_rotation_new_key_first_decrypts_old_values_and_reencrypts_under_the_new_one() -> None:
    stored_under_old = KeyRing.from_text(OLD).encrypt("app-secret-1688")
    rotating = KeyRing.from_text(f"{NEW}, {OLD}")
    assert rotating.decrypt(stored_under_old) == "app-secret-1688"
    assert rotating.key_index(stored_under_old) == 1
    rotated = rotating.reencrypt(stored_under_old)
    assert rotating.key_index(rotated) == 0
    assert KeyRing.from_text(NEW).decrypt(rotated) == "app-secret-1688"  # the old key can go


def test_a_value_no_key_decrypts_is_a_clear_error_in_both_languages() -> None:
    stored = KeyRing.from_text(OLD).encrypt("app-secret-1688")
    with pytest.raises(SecretUndecryptable) as raised:
        KeyRing.from_text(NEW).decrypt(stored)
    assert "KUAJING_SECRET_KEY" in raised.value.message_en and "解密" in raised.value.message_zh
    assert KeyRing.from_text(NEW).key_index(stored) is None


def test_a_malformed_key_is_refused_naming_its_position() -> None:
    with pytest.raises(SecretKeyInvalid, match="key 2"):
        KeyRing.from_text(f"{OLD},not-a-key")


def test_secret_never_prints_its_value() -> None:
    secret = Secret("abcdefgh12345678")
    assert str(secret) == "***" and repr(secret) == "Secret('***')" and f"{secret}" == "***"
    assert "abcdefgh" not in repr([secret]) and secret.reveal() == "abcdefgh12345678"
    assert secret.masked() == "****5678" and Secret("short").masked() == "****"
    assert Secret(secret) == secret and Secret("x") != secret


def test_store_credentials_repr_hides_secret_and_tokens() -> None:
    creds = StoreCredentials(
        "店铺", "2000001", "https://x", "app-key-1", "app-secret-xyz", "access-token-xyz", "refresh-xyz"
    )
    text = repr(creds) + str(dataclasses.asdict(creds))
    assert "app-secret-xyz" not in text and "access-token-xyz" not in text and "refresh-xyz" not in text
    assert "app-key-1" in text  # an app key is not a secret


def test_settings_repr_hides_secrets() -> None:
    settings = Settings(
        secret_key=OLD,
        aliexpress_app_secret="ae-app-secret-value",
        alert_dingtalk_secret="SECdingtalk-secret-value",
        alert_dingtalk_webhook="https://oapi.dingtalk.com/robot/send?access_token=robot-token-value",
    )
    text = repr(settings)
    for value in (OLD, "ae-app-secret-value", "SECdingtalk-secret-value", "robot-token-value"):
        assert value not in text


def test_sqlite_without_a_key_generates_one_key_file_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    url = f"sqlite:///{tmp_path}/data/kuajing.sqlite3"
    with caplog.at_level(logging.WARNING):
        first = keyring_for_url(url, keys="")
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    Fernet(key.encode())  # a real key
    assert str(key_file) in caplog.text and key not in caplog.text  # said so, without the key
    second = keyring_for_url(url, keys="")
    assert second.decrypt(first.encrypt("same-key-next-start")) == "same-key-next-start"


def test_a_key_set_in_the_environment_keeps_the_old_key_file_as_a_decrypting_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kuajing.sqlite3"
    from_file = keyring_for_url(url, keys="")
    stored = from_file.encrypt("written-with-the-file-key")
    managed = keyring_for_url(url, keys=NEW)
    assert managed.fingerprints()[0] == KeyRing.from_text(NEW).fingerprints()[0]
    assert managed.decrypt(stored) == "written-with-the-file-key"


def test_postgresql_without_a_key_refuses_to_start_in_both_languages() -> None:
    with pytest.raises(SecretKeyMissing) as raised:
        keyring_for_url("postgresql+psycopg://kuajing:pw@db.example/kuajing", keys="")
    assert "KUAJING_SECRET_KEY" in raised.value.message_en and "未设置" in raised.value.message_zh
    assert "pw" not in raised.value.message_en  # the URL's password is hidden


def test_make_engine_refuses_postgresql_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from kuajing.config import get_settings
    from kuajing.db.engine import make_engine

    monkeypatch.delenv(KEY_ENV, raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(SecretKeyMissing):
            make_engine("postgresql+psycopg://kuajing@127.0.0.1:1/kuajing")  # refused before connecting
    finally:
        get_settings.cache_clear()


def test_log_redaction_masks_known_secrets_and_token_parameters(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    redaction.remember("known-secret-value-123")
    log = logging.getLogger("kuajing.test_secrets")
    with caplog.at_level(logging.DEBUG):
        log.info("using %s for %s", "known-secret-value-123", "store 1")
        log.info(
            "HTTP Request: GET %s",
            "http://gw/sync?app_key=k1&access_token=never-seen-token&sign=ABCDEF0123&x=1",
        )
        log.info("reply %s", {"access_token": "reply-token-zzz", "expires_in": 5})
        log.info("hook https://open.feishu.cn/open-apis/bot/v2/hook/feishu-hook-id-1 and smtp://u:pw1234@h")
        try:
            raise RuntimeError("failed for url 'http://gw/x?access_token=in-exception-tok'")
        except RuntimeError:
            log.exception("call failed")
    text = caplog.text
    for value in (
        "known-secret-value-123",
        "never-seen-token",
        "ABCDEF0123",
        "reply-token-zzz",
        "feishu-hook-id-1",
        "pw1234",
        "in-exception-tok",
    ):
        assert value not in text, value
    assert "app_key=k1" in text and "store 1" in text and "x=1" in text  # the rest stays readable


def test_short_values_are_not_learnt_so_ordinary_words_survive() -> None:
    redaction.remember("s")
    assert redaction.redact("status ok") == "status ok"
