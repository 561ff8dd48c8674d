"""Secrets at rest: app secrets and tokens are stored encrypted, with a key from the environment.

``KUAJING_SECRET_KEY`` holds one or more Fernet keys, comma-separated: the first encrypts, every
one decrypts (rotation: put the new key first, run ``kuajing secrets rotate-key``, then drop the
old one). A stored value is ``enc:v1:`` + a Fernet token (AES-128-CBC + HMAC-SHA256, with its
time); anything without that prefix is plaintext from before encryption (migration 0014 and
``rotate-key`` upgrade it).

Where the key comes from (decided here, documented in the README):

- ``KUAJING_SECRET_KEY`` set: those keys. On SQLite the data folder's ``secret.key``, when there
  is one, is added after them as an old key, so moving from the file to a managed key is one
  ``rotate-key``.
- not set, SQLite (the demo's embedded default): a key is generated once into ``secret.key``
  beside the database file (mode 0600) and reused; the log says so, never what the key is. Keep
  the file with the database's backups: without it the stored secrets cannot be read.
- not set, any other database (PostgreSQL, production): refused with :class:`SecretKeyMissing`.

Each engine made by ``kuajing.db.engine.make_engine`` is given its key ring (:func:`attach`); the
column type :class:`EncryptedText` finds it through the engine's dialect, since a type sees
nothing else. Values in memory that must not show in a log or a ``repr`` are :class:`Secret`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import weakref
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, Text, TypeDecorator
from sqlalchemy.engine import URL, Dialect, make_url

from kuajing.kit.errors import ConfigurationError, KuajingError
from kuajing.kit.redaction import install, remember

log = logging.getLogger(__name__)

PREFIX = "enc:v1:"
KEY_ENV = "KUAJING_SECRET_KEY"
KEY_FILE_NAME = "secret.key"
MASK = "***"


class Secret:
    """A value that prints as ``***`` (str, repr, f-strings, dataclass and pydantic reprs, tracebacks
    with locals); ``reveal()`` gives it to the one place that needs it (signing, the database)."""

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else str(value)

    def reveal(self) -> str:
        return self._value

    def masked(self) -> str:
        """What a page may show: the last 4 characters, the rest masked (``****abcd``)."""
        if not self._value:
            return ""
        return "****" + self._value[-4:] if len(self._value) > 8 else "****"  # short: nothing shown

    def __bool__(self) -> bool:
        return bool(self._value)

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:  # never pickled in clear by accident (multiprocessing, caches)
        raise TypeError("a Secret is not pickled")

    def __copy__(self) -> Secret:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def reveal(value: str | Secret) -> str:
    return value.reveal() if isinstance(value, Secret) else value


class SecretKeyMissing(ConfigurationError):
    code = "secret_key_missing"

    def __init__(self, url: str) -> None:
        super().__init__(
            f"KUAJING_SECRET_KEY is not set: {url} keeps app secrets and tokens encrypted and needs "
            "a key. Generate one with `kuajing secrets new-key` and set KUAJING_SECRET_KEY "
            "(keep it outside the database's backups).",
            f"未设置 KUAJING_SECRET_KEY:{url} 中的应用密钥和令牌需要加密保存。"
            "请用 `kuajing secrets new-key` 生成密钥并设置 KUAJING_SECRET_KEY(不要与数据库备份放在一起)。",
        )


class SecretKeyInvalid(ConfigurationError):
    code = "secret_key_invalid"

    def __init__(self, position: int) -> None:
        super().__init__(
            f"KUAJING_SECRET_KEY: key {position} is not a Fernet key (32 url-safe base64 bytes; "
            "`kuajing secrets new-key` makes one)",
            f"KUAJING_SECRET_KEY 的第 {position} 个密钥格式不对(应为 Fernet 密钥;"
            "可用 `kuajing secrets new-key` 生成)",
        )


class SecretUndecryptable(KuajingError):
    code = "secret_undecryptable"
    http_status = 500

    def __init__(self) -> None:
        super().__init__(
            "A stored secret cannot be decrypted with any key of KUAJING_SECRET_KEY: the key that "
            "encrypted it is missing (list the old key after the new one, or restore secret.key).",
            "已保存的密钥无法用 KUAJING_SECRET_KEY 中的任何密钥解密:加密它的密钥不在其中"
            "(请把旧密钥列在新密钥之后,或恢复 secret.key 文件)。",
        )


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def fingerprint(key: str) -> str:
    """A name for a key that says nothing about it: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:8]


class KeyRing:
    """The keys in order: ``keys[0]`` encrypts, all decrypt. ``source`` says where they came from."""

    def __init__(self, keys: tuple[Secret, ...], source: str = KEY_ENV) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self.keys, self.source = keys, source
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.reveal().encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise SecretKeyInvalid(position) from None
        self._fernets = tuple(fernets)
        self._multi = MultiFernet(fernets)

    def __repr__(self) -> str:
        return f"KeyRing({len(self.keys)} keys from {self.source}: {', '.join(self.fingerprints())})"

    @classmethod
    def from_text(cls, text: str, source: str = KEY_ENV) -> KeyRing:
        return cls(tuple(Secret(part.strip()) for part in text.split(",") if part.strip()), source)

    def fingerprints(self) -> list[str]:
        return [fingerprint(key.reveal()) for key in self.keys]

    def encrypt(self, plain: str) -> str:
        if plain == "":
            return ""  # nothing to hide; keeps "no refresh token" readable as such
        token = self._multi.encrypt(plain.encode("utf-8"))
        return PREFIX + token.decode("ascii")

    def decrypt(self, stored: str) -> str:
        if not is_encrypted(stored):
            return stored  # plaintext from before encryption: upgraded by 0014 and rotate-key
        try:
            plain = self._multi.decrypt(stored[len(PREFIX) :].encode("ascii"))
        except InvalidToken:
            raise SecretUndecryptable() from None
        return plain.decode("utf-8")

    def key_index(self, stored: str) -> int | None:
        """Which key (0 = the first) encrypted a stored value; None when none of them did."""
        token = stored[len(PREFIX) :].encode("ascii")
        for index, single in enumerate(self._fernets):
            try:
                single.decrypt(token)
            except InvalidToken:
                continue
            return index
        return None

    def reencrypt(self, stored: str) -> str:
        """The value under the first key (plaintext is encrypted; already current stays as it is)."""
        if stored == "":
            return ""
        if not is_encrypted(stored):
            return self.encrypt(stored)
        try:
            token = self._multi.rotate(stored[len(PREFIX) :].encode("ascii"))
        except InvalidToken:
            raise SecretUndecryptable() from None
        return PREFIX + token.decode("ascii")


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


# --- where the key ring comes from ---------------------------------------------------------

_rings: weakref.WeakKeyDictionary[Dialect, KeyRing] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _env_keys() -> str:
    from kuajing.config import get_settings

    return os.environ.get(KEY_ENV) or get_settings().secret_key


def key_file_for(url: str | URL) -> Path | None:
    """``secret.key`` beside a SQLite database file; None for other databases and ``:memory:``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).parent / KEY_FILE_NAME


def _read_or_create(path: Path) -> str:
    with _lock:
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = new_key()
        # O_EXCL: two processes starting together keep one key; the loser reads the winner's.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        log.warning(
            "secrets: generated a new encryption key for app secrets and tokens in %s (mode 0600); "
            "keep it with the database's backups, or set KUAJING_SECRET_KEY / "
            "已生成新的加密密钥文件 %s,请与数据库备份一同保管,或设置 KUAJING_SECRET_KEY",
            path,
            path,
        )
        return key


_memory_key = new_key()  # an in-memory SQLite database lives as long as the process, and so does this


def keyring_for_url(url: str | URL, keys: str | None = None) -> KeyRing:
    """The key ring for a database: ``keys`` (default: KUAJING_SECRET_KEY), else the rules above."""
    parsed = make_url(url)
    text = _env_keys() if keys is None else keys
    key_file = key_file_for(parsed)
    if text.strip():
        ring = KeyRing.from_text(text)
        if key_file is not None and key_file.exists():
            file_key = Secret(key_file.read_text(encoding="ascii").strip())
            if file_key not in ring.keys:
                ring = KeyRing((*ring.keys, file_key), f"{KEY_ENV} + {key_file}")
        return ring
    if parsed.get_backend_name() != "sqlite":
        raise SecretKeyMissing(parsed.render_as_string(hide_password=True))
    if key_file is None:
        return KeyRing((Secret(_memory_key),), "memory")
    return KeyRing((Secret(_read_or_create(key_file)),), str(key_file))


def attach(engine: Engine, ring: KeyRing | None = None) -> KeyRing:
    """Gives an engine its key ring (made from its URL unless given); ``make_engine`` calls this."""
    ring = ring or keyring_for_url(engine.url)
    _rings[engine.dialect] = ring
    install()  # whoever opens the database also gets log redaction (web app, jobs, workers)
    return ring


def keyring_for(dialect: Dialect) -> KeyRing:
    ring = _rings.get(dialect)
    if ring is None:  # an engine not made by make_engine: the environment's key, or nothing
        text = _env_keys()
        if not text.strip():
            raise SecretKeyMissing("this database")
        ring = _rings.setdefault(dialect, KeyRing.from_text(text))
    return ring


class EncryptedText(TypeDecorator[str]):
    """A text column whose value is encrypted on the way in and decrypted on the way out.

    The ORM attribute stays a plain ``str`` (the marketplace clients sign with it); every value that
    passes is also taught to the log redaction, so it cannot be logged in clear afterwards.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | Secret | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        plain = reveal(value)
        remember(plain)
        return keyring_for(dialect).encrypt(plain)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        plain = keyring_for(dialect).decrypt(value)
        remember(plain)
        return plain
