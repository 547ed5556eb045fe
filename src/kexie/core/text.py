"""Validation and sanitising of user-entered text shared by forms and imports."""

import re
import unicodedata

from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """Normalise to NFC, trim, collapse inner runs of whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


def validate_plain_text(value: str) -> None:
    """Refuse invisible control and bidi-override characters (a common way to disguise names)."""
    if _CONTROL.search(value):
        raise ValidationError("含有不可见的控制字符，请删除后重新输入。", code="control_chars")


def excel_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported cells (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
