"""The period field accepts what people type, through the one parser (Period.from_input)."""

import pytest
from django.core.exceptions import ValidationError

from kexie.core.periods import Period, PeriodError
from kexie.records.forms import PeriodField


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("2024", "2024"),
        ("2024年", "2024"),
        ("2024年度", "2024"),
        ("2024年第三季度", "2024Q3"),
        ("2024年三季度", "2024Q3"),
        ("2024第3季度", "2024Q3"),
        ("2024下半年", "2024S2"),
        ("2024年上半年", "2024S1"),
        ("2021-2025", "2021..2025"),
        ("2021—2025年", "2021..2025"),
        ("2021年至2025年", "2021..2025"),
        ("十四五", "2021..2025"),
        ("“十四五”时期", "2021..2025"),
        ("十三五期间", "2016..2020"),
        ("2024/05", "2024-05"),
        ("2024年5月", "2024-05"),
        ("２０２４／０５", "2024-05"),
        ("2024Q3", "2024Q3"),
        ("2023-03-01..2023-06-30", "2023-03-01..2023-06-30"),
    ],
)
def test_the_period_field_reads_what_people_type(typed, canonical):
    assert str(PeriodField().clean(typed)) == canonical


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2024年第五季度", "可以填2024"),
        ("2024/13", "月份应为1–12"),
        ("2025-2021", "起始年份（2025）晚于结束年份（2021）"),
        ("去年", "可以填2024"),
    ],
)
def test_the_period_field_says_what_is_wrong_naming_the_input(typed, reason):
    with pytest.raises(ValidationError) as info:
        PeriodField().clean(typed)
    assert f"无法识别的期间“{typed}”：{reason}" in str(info.value)


def test_url_parameters_keep_the_strict_grammar():
    with pytest.raises(PeriodError):
        Period.parse("2024年")
    assert Period.from_input("2024年") == Period.parse("2024")


def test_an_empty_period_is_no_filter():
    assert PeriodField(required=False).clean("") is None
