"""Sensitive import columns (PIPL, issue #11): a column whose whole value (an ID number, a phone) must
never be shown, stored or logged by the pipeline.

A spec names its sensitive column keys (`ImportSpec.sensitive`; a declared record type derives them
from `Field(..., sensitive=True)`). For such a spec the pipeline
- shows the cells masked (`mask`) in the preview, the error list and the correction form (whose
  sensitive inputs are never pre-filled: the user retypes the cell);
- keeps the archived upload, the saved corrections and the rollback log's previous values sealed
  (`seal_bytes`/`seal_text`): encrypted with a key derived from SECRET_KEY, so the stored bytes hold
  no whole value, while re-checking, committing and rolling back still read them back.

The seal is `cryptography`'s Fernet (AES-128-CBC with an HMAC-SHA256 tag) under a key derived from
SECRET_KEY by `salted_hmac` with its own salt; changing SECRET_KEY makes sealed archives unreadable (the
page says so and asks for a new upload).
"""

from __future__ import annotations

import base64
import re

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

from kexie.core.errors import DomainError

_MAGIC = b"KXSEAL2\n"
MAGIC_LENGTH = len(_MAGIC)
_TEXT_PREFIX = "sealed:"
_TOKEN = re.compile(r"[0-9A-Za-z]{5,}")


def _fernet() -> Fernet:
    key = salted_hmac("kexie.imports.sensitive", "seal", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_bytes(data: bytes) -> bytes:
    return _MAGIC + _fernet().encrypt(data)


def is_sealed(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def unseal_bytes(data: bytes) -> bytes:
    if not is_sealed(data):
        raise DomainError("存档文件无法读取（不是本系统加密保存的文件），请重新上传。")
    try:
        return _fernet().decrypt(data[len(_MAGIC) :])
    except InvalidToken:
        raise DomainError("存档文件已损坏或密钥已更换，无法读取，请重新上传。") from None


def seal_text(text: str) -> str:
    return _TEXT_PREFIX + seal_bytes(text.encode()).decode("ascii")


def unseal_text(value: object) -> object:
    """The text a `seal_text` sealed; anything else unchanged (values stored before sealing)."""
    if isinstance(value, str) and value.startswith(_TEXT_PREFIX):
        return unseal_bytes(value[len(_TEXT_PREFIX) :].encode("ascii")).decode()
    return value


def mask(value: object) -> str:
    """A whole value as it may be shown: 3408**********123X, 138****1234; a mask stays as it is."""
    text = "" if value is None else str(value).strip()
    if not text or "*" in text:
        return text
    if len(text) >= 11:
        keep = 4 if len(text) >= 15 else 3
        return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]
    if len(text) >= 5:
        return text[:1] + "*" * (len(text) - 2) + text[-1:]
    return "*" * len(text)


class Scrubber:
    """Remembers the sensitive values of the rows read, and masks them in any message (an error
    whose text quotes a cell)."""

    LIMIT = 50000

    def __init__(self, keys: frozenset[str]):
        self.keys = keys
        self.values: set[str] = set()

    def remember(self, values: dict) -> None:
        if len(self.values) >= self.LIMIT:
            return
        for key in self.keys:
            self.add(values.get(key))

    def add(self, value: object) -> None:
        if value not in (None, "") and len(self.values) < self.LIMIT:
            text = str(value).strip()
            self.values.add(text)
            self.values.add(text.upper())

    def __call__(self, message: str) -> str:
        if not self.values:
            return message
        return _TOKEN.sub(
            lambda m: mask(m[0]) if m[0] in self.values or m[0].upper() in self.values else m[0], message
        )
