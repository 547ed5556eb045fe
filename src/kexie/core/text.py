"""Validation and sanitising of user-entered text shared by forms and imports."""

import re
import unicodedata

from django.core.exceptions import ValidationError

_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Normalise to NFC, trim, collapse inner runs of whitespace."""
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return _SPACES.sub(" ", value).strip()


def validate_plain_text(value: str) -> None:
    """Refuse invisible characters: controls (Cc) and format characters (Cf: bidi overrides and marks,
    zero-width spaces and joiners, BOM) — a common way to disguise or duplicate names."""
    # str.isprintable() is False for every Cc and Cf character (and for a few harmless ones, such as
    # the ideographic space): the character-by-character look only runs for those texts.
    if value.isprintable():
        return
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValidationError("含有不可见的控制字符，请删除后重新输入。", code="control_chars")


def excel_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
