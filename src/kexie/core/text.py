"""Validation and sanitising of user-entered text shared by forms and imports."""

import re
import unicodedata

from django.core.exceptions import ValidationError


def clean_text(value: str) -> str:
    """Normalise to NFC, trim, collapse inner runs of whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


def validate_plain_text(value: str) -> None:
    """Refuse invisible characters: controls (Cc) and format characters (Cf: bidi overrides and marks,
    zero-width spaces and joiners, BOM) — a common way to disguise or duplicate names."""
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValidationError("含有不可见的控制字符，请删除后重新输入。", code="control_chars")


def excel_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
