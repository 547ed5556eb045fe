"""Tests for kexie.core.periods: parsing, printing, labels, navigation and five-year plans."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kexie.core.errors import DomainError
from kexie.core.periods import (
    FiveYearPlan,
    Period,
    PeriodError,
    PeriodKind,
    five_year_plan,
    five_years_ending,
    iso_weeks_in_year,
    plan_for_year,
)

Y, H, Q, M, W = Period.year, Period.half, Period.quarter, Period.month, Period.week
C, S = Period.custom, Period.span
REGULAR_KINDS = [PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK]


# --------------------------------------------------------------------------- parse and print


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", Y(2023)),
        ("2023S1", H(2023, 1)),
        ("2023S2", H(2023, 2)),
        ("2023H1", H(2023, 1)),
        ("2023h2", H(2023, 2)),
        ("2023Q1", Q(2023, 1)),
        ("2023Q4", Q(2023, 4)),
        ("2023q2", Q(2023, 2)),
        ("2023-05", M(2023, 5)),
        ("2023-5", M(2023, 5)),
        ("202305", M(2023, 5)),
        ("2023-12", M(2023, 12)),
        ("2023W07", W(2023, 7)),
        ("2023W7", W(2023, 7)),
        ("2023w52", W(2023, 52)),
        ("2020W53", W(2020, 53)),
        ("2023-03-01..2023-06-30", C(date(2023, 3, 1), date(2023, 6, 30))),
        ("2023-03-01..2023-03-01", C(date(2023, 3, 1), date(2023, 3, 1))),
        ("2023-12-01..2024-01-31", C(date(2023, 12, 1), date(2024, 1, 31))),
        ("2021..2025", S(2021, 2025)),
        ("2023..2023", Y(2023)),
        ("  2023Q2 ", Q(2023, 2)),
        ("2023 Q2", Q(2023, 2)),
        ("2023-03-01 .. 2023-06-30", C(date(2023, 3, 1), date(2023, 6, 30))),
        ("２０２３Ｑ２", Q(2023, 2)),
        ("0001", Y(1)),
        ("9999", Y(9999)),
    ],
)
def test_parse_accepts_every_kind_and_variant(text, expected):
    period = Period.parse(text)
    assert period == expected
    assert period.kind is expected.kind


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Y(2023), "2023"),
        (Y(5), "0005"),
        (H(2023, 1), "2023S1"),
        (H(2023, 2), "2023S2"),
        (Q(2023, 2), "2023Q2"),
        (M(2023, 5), "2023-05"),
        (M(2023, 11), "2023-11"),
        (W(2023, 7), "2023W07"),
        (W(2023, 52), "2023W52"),
        (W(2020, 1), "2020W01"),
        (C(date(2023, 3, 1), date(2023, 6, 30)), "2023-03-01..2023-06-30"),
        (S(2021, 2025), "2021..2025"),
    ],
)
def test_str_is_canonical_and_round_trips(period, text):
    assert str(period) == text
    assert Period.parse(text) == period


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("2023H1", "2023S1"), ("202305", "2023-05"), ("2023-5", "2023-05"), ("2023w7", "2023W07")],
)
def test_accepted_variants_print_canonically(text, canonical):
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023Q0", "季度应为1–4"),
        ("2023Q5", "季度应为1–4"),
        ("2023S0", "半年序号应为1–2"),
        ("2023S3", "半年序号应为1–2"),
        ("2023H3", "半年序号应为1–2"),
        ("2023-13", "月份应为1–12"),
        ("2023-00", "月份应为1–12"),
        ("202313", "月份应为1–12"),
        ("2023W00", "周次应为1–53"),
        ("2023W54", "周次应为1–53"),
        ("2021W53", "2021年只有52周"),
        ("2023W53", "2023年只有52周"),
        ("2023-06-30..2023-03-01", "起始日期（2023-06-30）晚于结束日期（2023-03-01）"),
        ("2023-02-29..2023-03-31", "日期“2023-02-29”不存在"),
        ("2023-01-01..2023-13-01", "日期“2023-13-01”不存在"),
        ("2025..2021", "起始年份（2025）晚于结束年份（2021）"),
        ("0000", "年份应为0001–9999"),
        ("", "内容为空"),
        ("   ", "内容为空"),
        ("garbage", "格式应为"),
        ("2023Q", "格式应为"),
        ("23Q2", "格式应为"),
        ("2023-05-01", "格式应为"),
        ("2023年", "格式应为"),
        ("2023Q2x", "格式应为"),
        ("٢٠٢٣", "格式应为"),  # Arabic-Indic digits are not years
    ],
)
def test_parse_refuses_bad_input_with_a_chinese_message_naming_it(text, reason):
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    assert str(info.value).startswith(f"无法识别的期间“{text}”：{reason}")
    assert info.value.reason.startswith(reason)
    assert info.value.value == text


def test_parse_error_message_matches_the_documented_form():
    with pytest.raises(PeriodError, match=r"^无法识别的期间“2023Q5”：季度应为1–4$"):
        Period.parse("2023Q5")


def test_parse_error_is_a_value_error_and_a_domain_error():
    with pytest.raises(ValueError, match="2023-13") as info:
        Period.parse("2023-13")
    assert isinstance(info.value, DomainError)
    assert info.value.message == "无法识别的期间“2023-13”：月份应为1–12"
    assert info.value.code == "invalid_period"


def test_parse_refuses_a_very_long_string_and_truncates_it_in_the_message():
    text = "2023Q1" * 1000
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    assert info.value.reason == "内容过长"
    assert len(info.value.message) < 60
    assert info.value.message.startswith("无法识别的期间“2023Q12023Q1")


@pytest.mark.parametrize("value", [2023, None, b"2023", date(2023, 1, 1)])
def test_parse_refuses_non_strings(value):
    with pytest.raises(TypeError):
        Period.parse(value)


def test_parse_returns_a_period_unchanged():
    period = Q(2023, 2)
    assert Period.parse(period) is period


# --------------------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("period", "start", "end", "kind"),
    [
        (Y(2023), date(2023, 1, 1), date(2023, 12, 31), PeriodKind.YEAR),
        (H(2023, 1), date(2023, 1, 1), date(2023, 6, 30), PeriodKind.HALF),
        (H(2023, 2), date(2023, 7, 1), date(2023, 12, 31), PeriodKind.HALF),
        (Q(2023, 1), date(2023, 1, 1), date(2023, 3, 31), PeriodKind.QUARTER),
        (Q(2023, 2), date(2023, 4, 1), date(2023, 6, 30), PeriodKind.QUARTER),
        (Q(2023, 3), date(2023, 7, 1), date(2023, 9, 30), PeriodKind.QUARTER),
        (Q(2023, 4), date(2023, 10, 1), date(2023, 12, 31), PeriodKind.QUARTER),
        (M(2023, 4), date(2023, 4, 1), date(2023, 4, 30), PeriodKind.MONTH),
        (M(2023, 12), date(2023, 12, 1), date(2023, 12, 31), PeriodKind.MONTH),
        (W(2023, 7), date(2023, 2, 13), date(2023, 2, 19), PeriodKind.WEEK),
        (S(2021, 2025), date(2021, 1, 1), date(2025, 12, 31), PeriodKind.SPAN),
    ],
)
def test_constructors_give_the_right_dates(period, start, end, kind):
    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (date(2023, 1, 2), date(2023, 12, 31), "year"),
        (date(2023, 2, 1), date(2023, 7, 31), "half"),
        (date(2023, 2, 1), date(2023, 4, 30), "quarter"),
        (date(2023, 5, 1), date(2023, 5, 30), "month"),
        (date(2023, 5, 1), date(2023, 6, 30), "month"),
        (date(2023, 2, 14), date(2023, 2, 20), "week"),
        (date(2023, 2, 13), date(2023, 2, 20), "week"),
        (date(2023, 1, 1), date(2023, 12, 31), "span"),
        (date(2021, 1, 1), date(2025, 12, 30), "span"),
        (date(2023, 6, 30), date(2023, 3, 1), "custom"),
        (date(2023, 1, 1), date(2023, 12, 31), "decade"),
    ],
)
def test_direct_construction_refuses_dates_that_do_not_fit_the_kind(start, end, kind):
    with pytest.raises(PeriodError):
        Period(start, end, kind)


def test_direct_construction_accepts_fitting_dates_and_a_kind_string():
    period = Period(date(2023, 4, 1), date(2023, 6, 30), "quarter")
    assert period == Q(2023, 2)
    assert period.kind is PeriodKind.QUARTER


@pytest.mark.parametrize(
    "build",
    [
        lambda: Period.custom(datetime(2023, 1, 1, 8), date(2023, 1, 2)),
        lambda: Period.containing(datetime(2023, 1, 1, 8), "month"),
        lambda: Y(2023).contains(datetime(2023, 5, 1, 12)),
        lambda: datetime(2023, 5, 1, 12) in Y(2023),
        lambda: Q(2023, 1).shift(1.0),
        lambda: Y("2023"),
        lambda: M(2023, True),
    ],
)
def test_datetimes_and_wrong_types_are_refused(build):
    with pytest.raises(TypeError):
        build()


def test_span_of_one_year_is_that_year():
    assert S(2023, 2023) == Y(2023)
    assert S(2023, 2023).kind is PeriodKind.YEAR


def test_periods_are_hashable_values():
    periods = {Period.parse("2023Q2"), Q(2023, 2), Period(date(2023, 4, 1), date(2023, 6, 30), "quarter")}
    assert periods == {Q(2023, 2)}
    assert {Y(2023): "x"}[Period.parse("2023")] == "x"


def test_periods_are_immutable():
    period = Y(2023)
    with pytest.raises(AttributeError):
        period.start = date(2024, 1, 1)


def test_a_custom_range_with_a_years_dates_is_not_that_year():
    custom = C(date(2023, 1, 1), date(2023, 12, 31))
    assert custom != Y(2023)
    assert str(custom) == "2023-01-01..2023-12-31"


# --------------------------------------------------------------------------- ISO weeks


@pytest.mark.parametrize(
    ("year", "weeks"),
    [(2015, 53), (2019, 52), (2020, 53), (2021, 52), (2023, 52), (2026, 53), (2032, 53)],
)
def test_iso_weeks_in_year(year, weeks):
    assert iso_weeks_in_year(year) == weeks


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2020W53", date(2020, 12, 28), date(2021, 1, 3)),
        ("2021W01", date(2021, 1, 4), date(2021, 1, 10)),
        ("2020W01", date(2019, 12, 30), date(2020, 1, 5)),
        ("2025W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("2026W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2023W01", date(2023, 1, 2), date(2023, 1, 8)),
        ("2022W52", date(2022, 12, 26), date(2023, 1, 1)),
    ],
)
def test_iso_weeks_may_span_the_new_year(text, start, end):
    week = Period.parse(text)
    assert (week.start, week.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2021, 1, 1), "2020W53"),
        (date(2021, 1, 3), "2020W53"),
        (date(2021, 1, 4), "2021W01"),
        (date(2019, 12, 30), "2020W01"),
        (date(2019, 12, 29), "2019W52"),
        (date(2023, 1, 1), "2022W52"),
        (date(2024, 12, 31), "2025W01"),
    ],
)
def test_week_containing_a_day_uses_the_iso_year(day, week):
    assert str(Period.containing(day, "week")) == week


def test_week_number_and_year_come_from_the_iso_calendar():
    week = Period.parse("2020W01")
    assert (week.year_number, week.number) == (2020, 1)
    assert week.start.year == 2019
    assert week.label == "2020年第1周"


# --------------------------------------------------------------------------- leap years


@pytest.mark.parametrize(
    ("period", "days"),
    [
        (M(2024, 2), 29),
        (M(2023, 2), 28),
        (M(2000, 2), 29),
        (M(1900, 2), 28),
        (Y(2024), 366),
        (Y(2023), 365),
        (H(2024, 1), 182),
        (H(2023, 1), 181),
        (H(2023, 2), 184),
        (Q(2024, 1), 91),
        (Q(2023, 1), 90),
        (W(2023, 7), 7),
        (S(2021, 2025), 1826),
        (C(date(2024, 2, 28), date(2024, 3, 1)), 3),
    ],
)
def test_days_counts_leap_days(period, days):
    assert period.days == days


def test_leap_day_is_in_february_and_not_in_march():
    assert date(2024, 2, 29) in M(2024, 2)
    assert date(2024, 2, 29) not in M(2024, 3)
    assert str(Period.containing(date(2024, 2, 29), "month")) == "2024-02"
    assert Period.parse("2024-02-29..2024-02-29").days == 1


# --------------------------------------------------------------------------- navigation


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2023", "2022", "2024"),
        ("2023S1", "2022S2", "2023S2"),
        ("2023S2", "2023S1", "2024S1"),
        ("2023Q1", "2022Q4", "2023Q2"),
        ("2023Q4", "2023Q3", "2024Q1"),
        ("2023-01", "2022-12", "2023-02"),
        ("2023-12", "2023-11", "2024-01"),
        ("2020W53", "2020W52", "2021W01"),
        ("2021W01", "2020W53", "2021W02"),
        ("2023W52", "2023W51", "2024W01"),
        ("2024W01", "2023W52", "2024W02"),
        ("2021..2025", "2016..2020", "2026..2030"),
        ("2023-03-01..2023-03-10", "2023-02-19..2023-02-28", "2023-03-11..2023-03-20"),
        ("2023-12-30..2024-01-02", "2023-12-26..2023-12-29", "2024-01-03..2024-01-06"),
    ],
)
def test_previous_and_next_cross_year_boundaries(text, previous, following):
    period = Period.parse(text)
    assert str(period.previous()) == previous
    assert str(period.next()) == following


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("2023-05", 0, "2023-05"),
        ("2023-05", 8, "2024-01"),
        ("2023-05", -17, "2021-12"),
        ("2023-05", 24, "2025-05"),
        ("2023Q2", 7, "2025Q1"),
        ("2023Q2", -6, "2021Q4"),
        ("2023S2", -3, "2022S1"),
        ("2023", -10, "2013"),
        ("2023W07", 52, "2024W07"),
        ("2020W50", 5, "2021W02"),
        ("2011..2015", 2, "2021..2025"),
    ],
)
def test_shift_moves_by_whole_periods(text, n, expected):
    assert str(Period.parse(text).shift(n)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", "2022"),
        ("2023S2", "2022S2"),
        ("2023Q1", "2022Q1"),
        ("2023-01", "2022-01"),
        ("2023W07", "2022W07"),
        ("2021W52", "2020W52"),
        ("2021W01", "2020W01"),
        ("2026W53", "2025W52"),  # 2025 has no week 53
        ("2021..2025", "2020..2024"),
        ("2024-02-01..2024-02-29", "2023-02-01..2023-02-28"),
        ("2024-02-29..2024-03-31", "2023-02-28..2023-03-31"),
        ("2024-01-01..2024-06-30", "2023-01-01..2023-06-30"),
    ],
)
def test_same_period_last_year(text, expected):
    assert str(Period.parse(text).same_period_last_year()) == expected


@pytest.mark.parametrize(
    "move",
    [
        lambda: Y(9999).next(),
        lambda: Y(1).previous(),
        lambda: M(9999, 12).next(),
        lambda: Q(1, 1).previous(),
        lambda: Y(1).same_period_last_year(),
        lambda: Period.containing(date(9999, 12, 31), "week"),
        lambda: Y(9999).end_exclusive,
        lambda: S(9990, 9999).next(),
        lambda: C(date(9999, 12, 1), date(9999, 12, 31)).next(),
    ],
)
def test_navigation_past_the_supported_range_raises_period_error(move):
    with pytest.raises(PeriodError):
        move()


# --------------------------------------------------------------------------- children and series


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2023", "half", ["2023S1", "2023S2"]),
        ("2023", "quarter", ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]),
        ("2023S2", "quarter", ["2023Q3", "2023Q4"]),
        ("2023Q2", "month", ["2023-04", "2023-05", "2023-06"]),
        ("2023-05", "week", ["2023W18", "2023W19", "2023W20", "2023W21"]),
        ("2023-06", "week", ["2023W22", "2023W23", "2023W24", "2023W25", "2023W26"]),
        ("2023-05", "month", ["2023-05"]),
        ("2023W07", "month", []),
        ("2021..2023", "year", ["2021", "2022", "2023"]),
        ("2023-03-15..2023-06-10", "month", ["2023-04", "2023-05"]),
        ("2023-03-15..2023-04-14", "month", []),
    ],
)
def test_children(text, kind, expected):
    assert [str(p) for p in Period.parse(text).children(kind)] == expected


@pytest.mark.parametrize(("year", "weeks"), [(2020, 53), (2021, 52), (2015, 53)])
def test_a_years_weeks_are_its_iso_weeks(year, weeks):
    children = Y(year).children(PeriodKind.WEEK)
    assert len(children) == weeks
    assert children[0] == W(year, 1)
    assert children[-1] == W(year, weeks)


def test_a_year_has_twelve_months_in_order():
    assert Y(2023).months() == [M(2023, m) for m in range(1, 13)]


def test_months_can_include_partly_covered_months():
    period = Period.parse("2023-03-15..2023-06-10")
    assert [str(p) for p in period.months(whole_only=False)] == ["2023-03", "2023-04", "2023-05", "2023-06"]


@pytest.mark.parametrize("kind", ["custom", "span", PeriodKind.CUSTOM])
def test_children_and_containing_refuse_irregular_kinds(kind):
    with pytest.raises(PeriodError):
        Y(2023).children(kind)
    with pytest.raises(PeriodError):
        Period.containing(date(2023, 1, 1), kind)


@pytest.mark.parametrize(
    ("start", "end", "kind", "expected"),
    [
        ("2023-11", "2024-02", None, ["2023-11", "2023-12", "2024-01", "2024-02"]),
        ("2022", "2023", "half", ["2022S1", "2022S2", "2023S1", "2023S2"]),
        ("2023Q3", "2023Q3", None, ["2023Q3"]),
        ("2020W52", "2021W02", None, ["2020W52", "2020W53", "2021W01", "2021W02"]),
        (date(2023, 2, 15), date(2023, 4, 1), "month", ["2023-02", "2023-03", "2023-04"]),
        (Y(2021), Y(2023), None, ["2021", "2022", "2023"]),
    ],
)
def test_series(start, end, kind, expected):
    assert [str(p) for p in Period.series(start, end, kind)] == expected


def test_series_of_a_year_by_quarter_has_eight_quarters_for_two_years():
    assert len(Period.series(Y(2022), Y(2023), "quarter")) == 8


def test_series_refuses_reversed_bounds():
    with pytest.raises(PeriodError, match="晚于"):
        Period.series("2024-01", "2023-12")


def test_series_needs_a_kind_when_given_dates():
    with pytest.raises(TypeError):
        Period.series(date(2023, 1, 1), date(2023, 2, 1))


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (date(2023, 6, 30), "year", "2023"),
        (date(2023, 6, 30), "half", "2023S1"),
        (date(2023, 7, 1), "half", "2023S2"),
        (date(2023, 6, 30), "quarter", "2023Q2"),
        (date(2023, 10, 1), PeriodKind.QUARTER, "2023Q4"),
        (date(2023, 6, 30), "month", "2023-06"),
        (date(2023, 2, 19), "week", "2023W07"),
    ],
)
def test_containing(day, kind, expected):
    assert str(Period.containing(day, kind)) == expected


# --------------------------------------------------------------------------- containment and order


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [
        ("2023", "2023Q2", True),
        ("2023", "2023-12", True),
        ("2023", "2023W07", True),
        ("2023", "2023W52", True),
        ("2023", "2020W53", False),
        ("2021", "2020W53", False),  # 2020W53 ends on 2021-01-03 but starts in 2020
        ("2023Q2", "2023", False),
        ("2023Q2", "2023-07", False),
        ("2021..2025", "2023S2", True),
        ("2021..2025", "2026", False),
        ("2023-03-01..2023-06-30", "2023Q2", True),
        ("2023-03-02..2023-06-30", "2023-03", False),
        ("2023", "2023", True),
    ],
)
def test_a_period_contains_sub_periods(outer, inner, inside):
    assert (Period.parse(inner) in Period.parse(outer)) is inside


@pytest.mark.parametrize(
    ("text", "day", "inside"),
    [
        ("2023Q2", date(2023, 4, 1), True),
        ("2023Q2", date(2023, 6, 30), True),
        ("2023Q2", date(2023, 3, 31), False),
        ("2023Q2", date(2023, 7, 1), False),
        ("2020W53", date(2021, 1, 3), True),
        ("2020W53", date(2021, 1, 4), False),
    ],
)
def test_a_period_contains_its_days_inclusively(text, day, inside):
    period = Period.parse(text)
    assert period.contains(day) is inside
    assert (day in period) is inside


def test_contains_refuses_other_types():
    with pytest.raises(TypeError):
        _ = "2023-05" in Y(2023)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("2023Q2", "2023-06", True),
        ("2023Q2", "2023-07", False),
        ("2023", "2020W53", False),
        ("2021", "2020W53", True),
        ("2023-03-01..2023-04-01", "2023Q2", True),
        ("2023-03-01..2023-03-31", "2023Q2", False),
        ("2021..2025", "2025-12-31..2026-01-05", True),
    ],
)
def test_overlaps_is_symmetric(a, b, overlap):
    pa, pb = Period.parse(a), Period.parse(b)
    assert pa.overlaps(pb) is overlap
    assert pb.overlaps(pa) is overlap


def test_half_open_bounds_end_the_day_after():
    assert M(2023, 12).half_open() == (date(2023, 12, 1), date(2024, 1, 1))
    assert M(2024, 2).end_exclusive == date(2024, 3, 1)


def test_sorting_is_by_start_then_end():
    texts = ["2023-05", "2023", "2021..2025", "2023Q2", "2022W52", "2023-04-01..2023-04-01", "2023S1"]
    ordered = [str(p) for p in sorted(Period.parse(t) for t in texts)]
    assert ordered == [
        "2021..2025",
        "2022W52",
        "2023S1",
        "2023",
        "2023-04-01..2023-04-01",
        "2023Q2",
        "2023-05",
    ]


def test_comparisons_with_other_types_are_refused():
    with pytest.raises(TypeError):
        _ = Y(2023) < date(2023, 1, 1)


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("text", "label", "short"),
    [
        ("2023", "2023年", "2023年"),
        ("2023S1", "2023年上半年", "上半年"),
        ("2023S2", "2023年下半年", "下半年"),
        ("2023Q1", "2023年第一季度", "一季度"),
        ("2023Q2", "2023年第二季度", "二季度"),
        ("2023Q4", "2023年第四季度", "四季度"),
        ("2023-05", "2023年5月", "5月"),
        ("2023-12", "2023年12月", "12月"),
        ("2023W07", "2023年第7周", "第7周"),
        ("2020W53", "2020年第53周", "第53周"),
        ("2023-03-01..2023-06-30", "2023年3月1日至6月30日", "3月1日至6月30日"),
        ("2023-03-01..2023-03-01", "2023年3月1日", "3月1日"),
        ("2023-12-01..2024-01-31", "2023年12月1日至2024年1月31日", "2023年12月1日至2024年1月31日"),
        ("2021..2025", "2021—2025年", "2021—2025年"),
    ],
)
def test_chinese_labels(text, label, short):
    period = Period.parse(text)
    assert period.label == label
    assert period.short_label == short


@pytest.mark.parametrize(
    ("text", "year_number", "number"),
    [
        ("2023", 2023, None),
        ("2023S2", 2023, 2),
        ("2023Q3", 2023, 3),
        ("2023-11", 2023, 11),
        ("2023W07", 2023, 7),
        ("2023-01-01..2023-01-31", None, None),
        ("2021..2025", None, None),
    ],
)
def test_year_number_and_number(text, year_number, number):
    period = Period.parse(text)
    assert (period.year_number, period.number) == (year_number, number)


def test_kind_labels_are_chinese():
    assert [k.label for k in PeriodKind] == ["年度", "半年", "季度", "月度", "周", "自定义期间", "多年期间"]


def test_repr_shows_the_canonical_string():
    assert repr(Q(2023, 2)) == "Period('2023Q2')"


# --------------------------------------------------------------------------- five-year plans


@pytest.mark.parametrize(
    ("number", "first", "last", "name", "title"),
    [
        (1, 1953, 1957, "一五", "“一五”计划"),
        (2, 1958, 1962, "二五", "“二五”计划"),
        (3, 1966, 1970, "三五", "“三五”计划"),
        (10, 2001, 2005, "十五", "“十五”计划"),
        (11, 2006, 2010, "十一五", "“十一五”规划"),
        (13, 2016, 2020, "十三五", "“十三五”规划"),
        (14, 2021, 2025, "十四五", "“十四五”规划"),
        (15, 2026, 2030, "十五五", "“十五五”规划"),
        (20, 2051, 2055, "二十五", "“二十五”规划"),
    ],
)
def test_five_year_plans(number, first, last, name, title):
    plan = five_year_plan(number)
    assert plan.period == S(first, last)
    assert (plan.name, plan.title) == (name, title)
    assert plan.label == f"“{name}”时期"


def test_the_fourteenth_plan_is_2021_to_2025():
    plan = five_year_plan(14)
    assert str(plan.period) == "2021..2025"
    assert plan.label == "“十四五”时期"
    assert plan.period.label == "2021—2025年"


@pytest.mark.parametrize(
    ("year", "number"),
    [
        (1952, None),
        (1953, 1),
        (1962, 2),
        (1963, None),
        (1965, None),
        (1966, 3),
        (2005, 10),
        (2020, 13),
        (2021, 14),
        (2025, 14),
        (2026, 15),
    ],
)
def test_plan_for_year(year, number):
    plan = plan_for_year(year)
    assert (plan.number if plan else None) == number
    if plan:
        assert year in range(plan.first_year, plan.last_year + 1)


@pytest.mark.parametrize("number", [0, -1, 100])
def test_five_year_plan_refuses_bad_numbers(number):
    with pytest.raises(PeriodError):
        five_year_plan(number)


def test_five_years_ending_is_the_five_years_up_to_that_year():
    period = five_years_ending(2023)
    assert period == S(2019, 2023)
    assert period.label == "2019—2023年"
    assert len(period.children("year")) == 5


def test_five_year_plan_is_a_value():
    assert five_year_plan(14) == FiveYearPlan(14)
    assert str(five_year_plan(14)) == "“十四五”时期"


# --------------------------------------------------------------------------- properties

# Navigation properties stay away from year 1 and 9999, where stepping out of range raises.
nav_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
all_days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 24))
regular_kinds = st.sampled_from(REGULAR_KINDS)


@st.composite
def custom_periods(draw, days=all_days, max_days=None):
    start = draw(days)
    if max_days is None:
        end = draw(days)
        return C(min(start, end), max(start, end))
    return C(start, start + timedelta(days=draw(st.integers(0, max_days - 1))))


@st.composite
def span_periods(draw, low=1, high=9999, max_years=None):
    first = draw(st.integers(low, high))
    if max_years is None:
        last = draw(st.integers(low, high))
        return S(min(first, last), max(first, last))
    return S(first, first + draw(st.integers(1, max_years - 1)))


any_periods = st.one_of(
    st.builds(Period.containing, all_days, regular_kinds), custom_periods(), span_periods()
)
# Short custom ranges and spans, so that 60 steps either way stay inside years 1–9999.
nav_periods = st.one_of(
    st.builds(Period.containing, nav_days, regular_kinds),
    custom_periods(nav_days, max_days=800),
    span_periods(1900, 2200, max_years=10),
)


@given(any_periods)
def test_property_parse_of_str_round_trips(period):
    parsed = Period.parse(str(period))
    assert parsed == period
    assert parsed.kind is period.kind


@given(nav_periods)
def test_property_next_then_previous_is_identity(period):
    assert period.next().previous() == period
    assert period.previous().next() == period


@given(nav_periods)
def test_property_next_starts_the_day_after_and_keeps_the_kind(period):
    following = period.next()
    assert following.start == period.end + timedelta(days=1)
    assert following.kind is period.kind


@given(nav_periods, st.integers(-30, 30), st.integers(-30, 30))
def test_property_shifts_add_up(period, a, b):
    assert period.shift(a).shift(b) == period.shift(a + b)


@given(st.integers(1, 9999))
def test_property_months_of_a_year_tile_it_exactly(year):
    months = Y(year).months()
    assert len(months) == 12
    assert months[0].start == date(year, 1, 1)
    assert months[-1].end == date(year, 12, 31)
    for earlier, later in pairwise(months):
        assert later.start == earlier.end + timedelta(days=1)
    assert sum(m.days for m in months) == Y(year).days


@given(st.integers(1900, 2200), st.sampled_from(["half", "quarter", "month", "week"]))
def test_property_a_years_children_tile_its_iso_or_calendar_year(year, kind):
    children = Y(year).children(kind)
    for earlier, later in pairwise(children):
        assert later == earlier.next()
    assert all(child.year_number == year for child in children)
    assert children[0].number == 1
    assert children[-1].next().year_number == year + 1


@given(nav_days, regular_kinds)
def test_property_containing_contains_the_day(day, kind):
    period = Period.containing(day, kind)
    assert day in period
    assert period.kind is PeriodKind(kind)


@given(any_periods, any_periods)
def test_property_order_follows_start_then_end(a, b):
    if (a.start, a.end) < (b.start, b.end):
        assert a < b
    elif (a.start, a.end) > (b.start, b.end):
        assert a > b


@given(nav_periods, nav_periods)
def test_property_containment_implies_overlap(a, b):
    if a in b:
        assert a.overlaps(b)
        assert all(child in b for child in a.children("month"))


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_property_every_day_has_one_plan_or_none(day):
    plan = plan_for_year(day.year)
    if plan is not None:
        assert day in plan.period
