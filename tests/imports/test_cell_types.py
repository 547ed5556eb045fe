"""The streaming reader types the common cells on a fast path; it must give exactly what the general
`coerce()` gives (the same value, or the same Chinese message) for any cell a workbook can hold."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kexie.core.text import clean_text, validate_plain_text
from kexie.imports.excel import Column, Sheet, _typed_rows, coerce

COLUMNS = (
    Column("title", "名称", required=True, max_length=8),
    Column("venue", "地点", max_length=8),
    Column("mode", "形式", choices=("线下", "线上", "线上线下")),
    Column("key", "重点", required=True, choices=("是", "否")),
    Column("code", "代码", kind="code", max_length=6),
    Column("count", "人次", kind="int"),
    Column("needed", "场次", required=True, kind="int"),
    Column("day", "日期", kind="date"),
    Column("start", "开始", required=True, kind="date"),
)

cells = st.one_of(
    st.none(),
    st.sampled_from(
        ["", " ", "\t", "线下", " 线下", "是", "否", "2024-05-30", "2024年5月3日", "12", "1,200"]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
)


def _coerced(value, col):
    try:
        return ("value", coerce(value, col))
    except ValueError as exc:
        return ("error", str(exc))


@given(st.lists(cells, min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_the_fast_path_types_every_cell_as_coerce_does(raw):
    sheet = Sheet(
        name="活动",
        header_row=1,
        columns={c.key: c for c in COLUMNS},
        column_letters={},
        rows=[],
    )
    positions = {c.key: n for n, c in enumerate(COLUMNS)}
    rows = list(_typed_rows(sheet, iter([raw]), positions, 10, {}))
    if not rows:  # every cell empty: an empty row is skipped, not typed
        assert sheet.empty_rows == 1
        assert all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in raw)
        return
    (row,) = rows
    errors = {e.column: e.message for e in row.errors}
    for n, col in enumerate(COLUMNS):
        kind, want = _coerced(raw[n], col)
        if kind == "error":
            assert errors.get(col.label) == want, (col.key, raw[n])
            assert col.key not in row.values
        else:
            assert col.label not in errors, (col.key, raw[n])
            assert row.values[col.key] == want, (col.key, raw[n])
            assert type(row.values[col.key]) is type(want), (col.key, raw[n])


@given(st.text(max_size=30))
def test_plain_text_check_and_cleaning_match_their_definitions(text):
    """validate_plain_text looks at each character only when str.isprintable() says it must."""
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        with pytest.raises(ValidationError):
            validate_plain_text(text)
    else:
        validate_plain_text(text)
    assert clean_text(text) == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
