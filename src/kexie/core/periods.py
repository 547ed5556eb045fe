"""Reporting periods (统计期间): the one value type for years, halves, quarters, months, ISO weeks,
custom date ranges and multi-year spans, with DHIS2-style strings and Chinese labels.

Pure Python on purpose (no Django): records, the indicator engine, statistics forms and reports all
share it, and it is stored in the database as its canonical string.

String grammar (case-insensitive; surrounding and inner whitespace ignored; full-width characters
are NFKC-normalised first, so "２０２３Ｑ２" works):

    year     2023
    half     2023S1  2023S2          (also accepted: 2023H1, 2023H2)
    quarter  2023Q1 … 2023Q4
    month    2023-05                 (also accepted: 2023-5, 202305)
    week     2023W07                 ISO 8601 week of ISO year 2023 (also accepted: 2023W7)
    custom   2023-03-01..2023-06-30  both dates inclusive
    span     2021..2025              whole calendar years, both inclusive ("十四五" = 2021..2025)

The first form listed for each kind is the canonical one printed by ``str()``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kexie.core.errors import DomainError

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "FiveYearPlan",
    "Period",
    "PeriodError",
    "PeriodKind",
    "five_year_plan",
    "five_years_ending",
    "iso_weeks_in_year",
    "plan_for_year",
]

MIN_YEAR = 1
MAX_YEAR = 9999


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    CUSTOM = "custom"
    SPAN = "span"

    @property
    def label(self) -> str:
        """Chinese name of the kind, for period pickers and messages."""
        return _KIND_LABELS[self]

    @property
    def is_regular(self) -> bool:
        """True for kinds that tile the calendar (year, half, quarter, month, week)."""
        return self not in (PeriodKind.CUSTOM, PeriodKind.SPAN)


_KIND_LABELS = {
    PeriodKind.YEAR: "年度",
    PeriodKind.HALF: "半年",
    PeriodKind.QUARTER: "季度",
    PeriodKind.MONTH: "月度",
    PeriodKind.WEEK: "周",
    PeriodKind.CUSTOM: "自定义期间",
    PeriodKind.SPAN: "多年期间",
}

# Months per period for the kinds that are blocks of whole months.
_MONTH_BLOCKS = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}

_CN_DIGITS = "〇一二三四五六七八九"
_HALF_NAMES = {1: "上半年", 2: "下半年"}

_MAX_INPUT = 64  # longer input is refused before any parsing
_SHOWN_INPUT = 30  # how much of a bad input an error message repeats

_RE_YEAR = re.compile(r"([0-9]{4})")
_RE_HALF = re.compile(r"([0-9]{4})[SH]([0-9]{1,2})")
_RE_QUARTER = re.compile(r"([0-9]{4})Q([0-9]{1,2})")
_RE_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})|([0-9]{4})([0-9]{2})")
_RE_WEEK = re.compile(r"([0-9]{4})W([0-9]{1,2})")
_RE_CUSTOM = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})")
_RE_SPAN = re.compile(r"([0-9]{4})\.\.([0-9]{4})")
_WHITESPACE = re.compile(r"\s+")

_FORMATS_HINT = "格式应为2023、2023S1、2023Q2、2023-05、2023W07、2023-03-01..2023-06-30或2021..2025"


class PeriodError(DomainError, ValueError):
    """A period could not be parsed or built; `message` is Chinese and shown to the user as is.

    It is a ValueError (so form fields and plain Python code catch it) and a DomainError (so views
    map it to a message once, like every other domain error).
    """

    def __init__(self, message: str, *, reason: str | None = None, value: str | None = None):
        super().__init__(message, code="invalid_period")
        self.reason = reason or message
        self.value = value


def _bad_input(text: str, reason: str) -> PeriodError:
    shown = text if len(text) <= _SHOWN_INPUT else text[:_SHOWN_INPUT] + "…"
    return PeriodError(f"无法识别的期间“{shown}”：{reason}", reason=reason, value=text)


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"年份应为{MIN_YEAR:04d}–{MAX_YEAR}")
    return year


def _check_number(number: int, high: int, what: str) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"{what} number must be an int, not {type(number).__name__}")
    if not 1 <= number <= high:
        raise PeriodError(f"{what}应为1–{high}")
    return number


def _check_date(value: date, what: str) -> date:
    # A datetime is a date subclass; silently truncating it would hide time-zone mistakes.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (convert datetimes to a local date first)")
    return value


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise PeriodError(f"超出支持的日期范围（{MIN_YEAR:04d}–{MAX_YEAR}年）") from None


def _one_year_earlier(day: date) -> date:
    # 29 February maps to 28 February of a common year.
    year = _check_year(day.year - 1)
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def day_label(day: date) -> str:
    """A day as Chinese text reads it: 2024年5月1日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_number(n: int) -> str:
    """1–99 as Chinese numerals the way plan names write them: 十四, 二十, 二十一."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")


def _regular_kind(kind: PeriodKind | str) -> PeriodKind:
    kind = PeriodKind(kind)
    if not kind.is_regular:
        raise PeriodError(f"{kind.label}不能用于按日期定位或拆分，请使用年、半年、季度、月或周")
    return kind


def iso_weeks_in_year(year: int) -> int:
    """Number of ISO 8601 weeks (52 or 53) in ISO year `year`."""
    # 28 December always falls in the last ISO week of its year.
    return date(_check_year(year), 12, 28).isocalendar().week


@dataclass(frozen=True, order=True, slots=True, repr=False)
class Period:
    """A reporting period: `kind` plus inclusive `start` and `end` dates.

    Build it with the constructors (`Period.year(2023)`, `Period.parse("2023Q2")`, …) rather than
    `Period(start, end, kind)`; the latter works but refuses dates that do not fit the kind.
    Equality and hashing use (start, end, kind); ordering is by (start, end), then kind, so a year
    and a custom range with the same dates are different periods.
    Note: `Period.year`, `Period.month` … are constructors, so an instance's numbers are
    `year_number` and `number`, not `.year`/`.month`.
    """

    start: date
    end: date
    kind: PeriodKind

    def __post_init__(self) -> None:
        try:
            kind = PeriodKind(self.kind)
        except ValueError:
            raise PeriodError(f"未知的期间类型“{self.kind}”") from None
        object.__setattr__(self, "kind", kind)
        start = _check_date(self.start, "start")
        end = _check_date(self.end, "end")
        if start > end:
            raise PeriodError(f"起始日期（{start.isoformat()}）晚于结束日期（{end.isoformat()}）")
        if not self._dates_fit_kind():
            raise PeriodError(f"起止日期{start.isoformat()}..{end.isoformat()}不是一个{kind.label}期间")

    def _dates_fit_kind(self) -> bool:
        start, end, kind = self.start, self.end, self.kind
        if kind is PeriodKind.CUSTOM:
            return True
        if kind is PeriodKind.WEEK:
            return start.weekday() == 0 and (end - start).days == 6
        if start.day != 1 or end != _month_end(end.year, end.month):
            return False
        if kind is PeriodKind.SPAN:
            return start.month == 1 and end.month == 12 and end.year > start.year
        months = _MONTH_BLOCKS[kind]
        return (
            start.year == end.year
            and (start.month - 1) % months == 0
            and end.month == start.month + months - 1
        )

    # ----------------------------------------------------------------- constructors

    @classmethod
    def year(cls, year: int) -> Period:
        """A calendar year: `Period.year(2023)` → 2023."""
        year = _check_year(year)
        return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        """A half year, 1 = 上半年 (Jan–Jun), 2 = 下半年 (Jul–Dec): `Period.half(2023, 1)` → 2023S1."""
        return cls._month_block(PeriodKind.HALF, year, _check_number(half, 2, "半年序号"))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """A quarter 1–4: `Period.quarter(2023, 2)` → 2023Q2."""
        return cls._month_block(PeriodKind.QUARTER, year, _check_number(quarter, 4, "季度"))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month 1–12: `Period.month(2023, 5)` → 2023-05."""
        return cls._month_block(PeriodKind.MONTH, year, _check_number(month, 12, "月份"))

    @classmethod
    def week(cls, iso_year: int, week: int) -> Period:
        """An ISO 8601 week (Monday–Sunday) of an ISO year: `Period.week(2023, 7)` → 2023W07.

        Week 1 is the week with the year's first Thursday, so it may start in late December
        (2020W01 is 2019-12-30..2020-01-05), and some years have a week 53.
        """
        iso_year = _check_year(iso_year)
        week = _check_number(week, 53, "周次")
        weeks = iso_weeks_in_year(iso_year)
        if week > weeks:
            raise PeriodError(f"{iso_year}年只有{weeks}周（按ISO 8601周计）")
        try:
            start = date.fromisocalendar(iso_year, week, 1)
        except ValueError:  # only the first days of year 1 can get here
            raise PeriodError(f"超出支持的日期范围（{MIN_YEAR:04d}–{MAX_YEAR}年）") from None
        return cls(start, _add_days(start, 6), PeriodKind.WEEK)

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        """Any date range, both ends inclusive; a single day is allowed."""
        return cls(_check_date(start, "start"), _check_date(end, "end"), PeriodKind.CUSTOM)

    @classmethod
    def span(cls, first_year: int, last_year: int) -> Period:
        """Whole calendar years `first_year`..`last_year` inclusive, e.g. 2021..2025 for “十四五”.

        A span of a single year is that year: `Period.span(2023, 2023) == Period.year(2023)`.
        """
        first_year, last_year = _check_year(first_year), _check_year(last_year)
        if first_year > last_year:
            raise PeriodError(f"起始年份（{first_year}）晚于结束年份（{last_year}）")
        if first_year == last_year:
            return cls.year(first_year)
        return cls(date(first_year, 1, 1), date(last_year, 12, 31), PeriodKind.SPAN)

    @classmethod
    def containing(cls, day: date, kind: PeriodKind | str) -> Period:
        """The period of a regular `kind` (year, half, quarter, month, week) that contains `day`."""
        day = _check_date(day, "day")
        kind = _regular_kind(kind)
        if kind is PeriodKind.WEEK:
            iso = day.isocalendar()
            return cls.week(iso.year, iso.week)
        if kind is PeriodKind.YEAR:
            return cls.year(day.year)
        return cls._month_block(kind, day.year, (day.month - 1) // _MONTH_BLOCKS[kind] + 1)

    @classmethod
    def _month_block(cls, kind: PeriodKind, year: int, number: int) -> Period:
        year = _check_year(year)
        months = _MONTH_BLOCKS[kind]
        first_month = (number - 1) * months + 1
        last_month = first_month + months - 1
        return cls(date(year, first_month, 1), _month_end(year, last_month), kind)

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """Parse a period string (see the module docstring); a Period is returned unchanged.

        Raises PeriodError (a ValueError) with a Chinese message that repeats the bad input.
        """
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise TypeError(f"Period.parse() expects a str, not {type(text).__name__}")
        if len(text) > _MAX_INPUT:
            raise _bad_input(text, "内容过长")
        s = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()
        if not s:
            raise _bad_input(text, "内容为空")
        try:
            return cls._parse_normalised(s)
        except PeriodError as error:
            raise _bad_input(text, error.reason) from None

    @classmethod
    def from_input(cls, text: str | Period) -> Period:
        """What a person types into a period box: everything `parse` reads, and the Chinese ways of
        writing a period — 2024年, 2024年第三季度 (三季度, 第3季度), 2024下半年 (2024年上半年),
        2024年5月, 2024/05, 2024.5, 2021-2025 (2021—2025年, 2021至2025年, 2021年~2025年),
        十四五 (“十四五”时期, 十四五期间). URL parameters keep the strict `parse`; forms use this.
        Raises PeriodError with a Chinese message that repeats the bad input.
        """
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise TypeError(f"Period.from_input() expects a str, not {type(text).__name__}")
        if len(text) > _MAX_INPUT:
            raise _bad_input(text, "内容过长")
        s = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()
        if not s:
            raise _bad_input(text, "内容为空")
        try:
            return cls._parse_normalised(_spoken_to_canonical(s))
        except PeriodError as error:
            reason = error.reason if error.reason != _FORMATS_HINT else _INPUT_HINT
            raise _bad_input(text, reason) from None

    @classmethod
    def _parse_normalised(cls, s: str) -> Period:
        if m := _RE_YEAR.fullmatch(s):
            return cls.year(int(m[1]))
        if m := _RE_HALF.fullmatch(s):
            return cls.half(int(m[1]), int(m[2]))
        if m := _RE_QUARTER.fullmatch(s):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := _RE_MONTH.fullmatch(s):
            year, month = (m[1], m[2]) if m[1] else (m[3], m[4])
            return cls.month(int(year), int(month))
        if m := _RE_WEEK.fullmatch(s):
            return cls.week(int(m[1]), int(m[2]))
        if m := _RE_CUSTOM.fullmatch(s):
            return cls.custom(_parse_date(m[1]), _parse_date(m[2]))
        if m := _RE_SPAN.fullmatch(s):
            return cls.span(int(m[1]), int(m[2]))
        raise PeriodError(_FORMATS_HINT)

    @classmethod
    def series(
        cls,
        start: Period | date | str,
        end: Period | date | str,
        kind: PeriodKind | str | None = None,
    ) -> list[Period]:
        """Consecutive periods of `kind` from the one containing `start` to the one containing `end`.

        Periods (or strings) contribute their first day for `start` and their last day for `end`, so
        `series(Period.year(2022), Period.year(2023), "quarter")` gives the eight quarters 2022Q1–2023Q4.
        `kind` defaults to the kind of `start`; it must be a regular kind.
        """
        first = cls.parse(start) if isinstance(start, str) else start
        last = cls.parse(end) if isinstance(end, str) else end
        if kind is None:
            if not isinstance(first, Period):
                raise TypeError("series() needs a kind when start is a date")
            kind = first.kind
        kind = _regular_kind(kind)
        first_day = first.start if isinstance(first, Period) else _check_date(first, "start")
        last_day = last.end if isinstance(last, Period) else _check_date(last, "end")
        if first_day > last_day:
            raise PeriodError(f"起始期间（{first}）晚于结束期间（{last}）")
        period = cls.containing(first_day, kind)
        final = cls.containing(last_day, kind)
        out = [period]
        while period != final:
            period = period.next()
            out.append(period)
        return out

    # ----------------------------------------------------------------- numbers and strings

    @property
    def year_number(self) -> int | None:
        """The year the period is filed under: the calendar year, the ISO year for a week
        (2020W01 starts on 2019-12-30 but is filed under 2020); None for custom ranges and spans."""
        if self.kind is PeriodKind.WEEK:
            return self.start.isocalendar().year
        if self.kind.is_regular:
            return self.start.year
        return None

    @property
    def number(self) -> int | None:
        """Position within the year: half 1–2, quarter 1–4, month 1–12, ISO week 1–53;
        None for a year, a custom range or a span."""
        if self.kind is PeriodKind.WEEK:
            return self.start.isocalendar().week
        if self.kind in (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH):
            return (self.start.month - 1) // _MONTH_BLOCKS[self.kind] + 1
        return None

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def end_exclusive(self) -> date:
        """The day after `end`, for half-open filters `start <= d < end_exclusive`."""
        return _add_days(self.end, 1)

    def half_open(self) -> tuple[date, date]:
        """(start, end_exclusive): the half-open date range [start, end_exclusive)."""
        return self.start, self.end_exclusive

    def __str__(self) -> str:
        kind, start = self.kind, self.start
        if kind is PeriodKind.YEAR:
            return f"{start.year:04d}"
        if kind is PeriodKind.HALF:
            return f"{start.year:04d}S{self.number}"
        if kind is PeriodKind.QUARTER:
            return f"{start.year:04d}Q{self.number}"
        if kind is PeriodKind.MONTH:
            return f"{start.year:04d}-{start.month:02d}"
        if kind is PeriodKind.WEEK:
            iso = start.isocalendar()
            return f"{iso.year:04d}W{iso.week:02d}"
        if kind is PeriodKind.SPAN:
            return f"{start.year:04d}..{self.end.year:04d}"
        return f"{start.isoformat()}..{self.end.isoformat()}"

    def __repr__(self) -> str:
        return f"Period('{self}')"

    @property
    def label(self) -> str:
        """Full Chinese label: 2023年, 2023年上半年, 2023年第二季度, 2023年5月, 2023年第7周,
        2023年3月1日至6月30日, 2021—2025年."""
        kind, start, end = self.kind, self.start, self.end
        if kind is PeriodKind.YEAR:
            return f"{start.year}年"
        if kind is PeriodKind.SPAN:
            return f"{start.year}—{end.year}年"
        if kind is PeriodKind.CUSTOM:
            first = day_label(start)
            if start == end:
                return first
            if start.year == end.year:
                return f"{first}至{end.month}月{end.day}日"
            return f"{first}至{end.year}年{end.month}月{end.day}日"
        if kind is PeriodKind.QUARTER:
            return f"{start.year}年第{self.short_label}"  # 2023年第二季度 (short label: 二季度)
        return f"{self.year_number}年{self.short_label}"

    @property
    def short_label(self) -> str:
        """Label without the year, for column headers and chart axes inside one year: 上半年, 二季度,
        5月, 第7周, 3月1日至6月30日. Years, spans and custom ranges across years keep the full label."""
        kind, start, end = self.kind, self.start, self.end
        if kind is PeriodKind.HALF:
            return _HALF_NAMES[self.number or 0]
        if kind is PeriodKind.QUARTER:
            return f"{_CN_DIGITS[self.number or 0]}季度"
        if kind is PeriodKind.MONTH:
            return f"{start.month}月"
        if kind is PeriodKind.WEEK:
            return f"第{self.number}周"
        if kind is PeriodKind.CUSTOM and start.year == end.year:
            first = f"{start.month}月{start.day}日"
            return first if start == end else f"{first}至{end.month}月{end.day}日"
        return self.label

    # ----------------------------------------------------------------- dates and containment

    def contains(self, day: date) -> bool:
        """Whether `day` lies in the period (both ends inclusive). Datetimes are refused."""
        day = _check_date(day, "day")
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        if not isinstance(other, Period):
            raise TypeError(f"overlaps() expects a Period, not {type(other).__name__}")
        return self.start <= other.end and other.start <= self.end

    def __contains__(self, item: object) -> bool:
        """`date in period` (a day in it) and `period in period` (a sub-period lying wholly in it)."""
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, date):
            return self.contains(item)
        raise TypeError(f"a Period contains dates and Periods, not {type(item).__name__}")

    # ----------------------------------------------------------------- navigation

    def shift(self, n: int) -> Period:
        """The period `n` steps later (earlier if negative), same kind.

        Regular kinds step by their own length (2023-12 + 1 → 2024-01; 2020W53 + 1 → 2021W01);
        a span steps by its number of years (2021..2025 + 1 → 2026..2030); a custom range steps by
        its number of days (the adjacent window of the same length).
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"shift() expects an int, not {type(n).__name__}")
        kind = self.kind
        if kind is PeriodKind.WEEK:
            start = _add_days(self.start, 7 * n)
            return Period(start, _add_days(start, 6), kind)
        if kind is PeriodKind.CUSTOM:
            return Period.custom(_add_days(self.start, n * self.days), _add_days(self.end, n * self.days))
        if kind is PeriodKind.SPAN:
            years = self.end.year - self.start.year + 1
            return Period.span(
                _check_year(self.start.year + n * years), _check_year(self.end.year + n * years)
            )
        months = _MONTH_BLOCKS[kind]
        year, month0 = divmod(self.start.year * 12 + self.start.month - 1 + n * months, 12)
        return Period._month_block(kind, year, month0 // months + 1)

    def next(self) -> Period:
        """The following period of the same kind (环比's 'next')."""
        return self.shift(1)

    def previous(self) -> Period:
        """The preceding period of the same kind (环比: compare with this)."""
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        """The period to compare with for 同比 (year on year).

        Regular kinds: same number one year earlier (2023Q2 → 2022Q2). Week 53 maps to week 52 when
        the previous ISO year has no week 53. Custom ranges move each date back one calendar year
        (29 February → 28 February). Spans move back one year (2021..2025 → 2020..2024).
        """
        kind = self.kind
        if kind is PeriodKind.WEEK:
            iso_year = _check_year((self.year_number or 0) - 1)
            return Period.week(iso_year, min(self.number or 0, iso_weeks_in_year(iso_year)))
        if kind is PeriodKind.CUSTOM:
            return Period.custom(_one_year_earlier(self.start), _one_year_earlier(self.end))
        if kind is PeriodKind.SPAN:
            return Period.span(_check_year(self.start.year - 1), self.end.year - 1)
        return self.shift(-12 // _MONTH_BLOCKS[kind])

    def children(self, kind: PeriodKind | str) -> list[Period]:
        """The periods of a regular `kind` that make up this one, in order.

        Years, halves, quarters and months: those lying wholly inside this period (so a custom
        range 2023-03-15..2023-06-10 has the months 2023-04 and 2023-05). Weeks: those whose
        Thursday lies inside this period — the ISO rule, so a year's weeks are exactly its ISO weeks
        and every week belongs to exactly one month. The result may be empty (a week has no months).
        """
        kind = _regular_kind(kind)
        out: list[Period] = []
        period = Period.containing(self.start, kind)
        while True:
            if kind is PeriodKind.WEEK:
                if self.start <= period.start + timedelta(days=3) <= self.end:
                    out.append(period)
            elif period in self:
                out.append(period)
            if period.end >= self.end:
                return out
            period = period.next()

    def months(self, *, whole_only: bool = True) -> list[Period]:
        """The months in this period: only whole months by default, or every month it touches."""
        if whole_only:
            return self.children(PeriodKind.MONTH)
        return Period.series(self.start, self.end, PeriodKind.MONTH)


_INPUT_HINT = "可以填2024、2024年、2024年第三季度、2024下半年、2024年5月、2024/05、2021-2025或十四五"
_CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PLAN_NAME = re.compile(r"[“”\"']?([一二三四五六七八九十]{1,3})五[“”\"']?(?:时期|期间|规划|计划)?")
_SPOKEN_SPAN = re.compile(r"([0-9]{4})年?(?:-|—|–|~|～|至|到)([0-9]{4})年?")
_SPOKEN_QUARTER = re.compile(r"([0-9]{4})年?第?([1-4一二三四])季度")
_SPOKEN_HALF = re.compile(r"([0-9]{4})年?([上下])半年")
_SPOKEN_MONTH = re.compile(r"([0-9]{4})(?:年([0-9]{1,2})月|[/.]([0-9]{1,2}))")
_SPOKEN_YEAR = re.compile(r"([0-9]{4})年(?:度|全年)?")


def _cn_small_number(text: str) -> int | None:
    """一 … 九十九 (the numbers of five-year plans); None when it is not one."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_NUMERALS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or (tens and tens not in _CN_NUMERALS) or (units and units not in _CN_NUMERALS):
        return None
    return (_CN_NUMERALS[tens] if tens else 1) * 10 + (_CN_NUMERALS[units] if units else 0)


def _spoken_to_canonical(s: str) -> str:
    """A normalised Chinese period as typed (see `Period.from_input`) → the canonical string; the
    input unchanged when it is no such form (then `parse`'s grammar decides)."""
    if m := _PLAN_NAME.fullmatch(s):
        number = _cn_small_number(m[1])
        if number is None:
            return s
        plan = FiveYearPlan(number)
        return f"{plan.first_year}..{plan.last_year}"
    if m := _SPOKEN_SPAN.fullmatch(s):
        return f"{m[1]}..{m[2]}"
    if m := _SPOKEN_QUARTER.fullmatch(s):
        return f"{m[1]}Q{_CN_NUMERALS.get(m[2], m[2])}"
    if m := _SPOKEN_HALF.fullmatch(s):
        return f"{m[1]}S{1 if m[2] == '上' else 2}"
    if m := _SPOKEN_MONTH.fullmatch(s):
        return f"{m[1]}-{m[2] or m[3]}"
    if m := _SPOKEN_YEAR.fullmatch(s):
        return m[1]
    return s


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"日期“{text}”不存在") from None


# --------------------------------------------------------------------- five-year plans

_FIRST_PLAN_YEAR = 1953  # “一五” 1953–1957, “二五” 1958–1962
_THIRD_PLAN_YEAR = 1966  # 1963–1965 was the 调整时期 between plans, without a number
_MAX_PLAN = 99


@dataclass(frozen=True, slots=True)
class FiveYearPlan:
    """A national five-year plan (五年计划/规划), e.g. number 14 = “十四五”, 2021–2025."""

    number: int

    def __post_init__(self) -> None:
        _check_number(self.number, _MAX_PLAN, "五年规划序号")

    @property
    def first_year(self) -> int:
        if self.number <= 2:
            return _FIRST_PLAN_YEAR + 5 * (self.number - 1)
        return _THIRD_PLAN_YEAR + 5 * (self.number - 3)

    @property
    def last_year(self) -> int:
        return self.first_year + 4

    @property
    def period(self) -> Period:
        """The plan's years as a span Period (14 → 2021..2025)."""
        return Period.span(self.first_year, self.last_year)

    @property
    def name(self) -> str:
        """Short name without quotes: 十四五, 十五, 一五."""
        return f"{_cn_number(self.number)}五"

    @property
    def label(self) -> str:
        """“十四五”时期."""
        return f"“{self.name}”时期"

    @property
    def title(self) -> str:
        """“十四五”规划 (from the 11th plan on), “十五”计划 (up to the 10th)."""
        return f"“{self.name}”{'规划' if self.number >= 11 else '计划'}"

    def __str__(self) -> str:
        return self.label


def five_year_plan(number: int) -> FiveYearPlan:
    """The n-th five-year plan: `five_year_plan(14).period == Period.span(2021, 2025)`."""
    return FiveYearPlan(number)


def plan_for_year(year: int) -> FiveYearPlan | None:
    """The five-year plan that `year` belongs to; None before 1953 and for 1963–1965 (调整时期)."""
    year = _check_year(year)
    if year < _FIRST_PLAN_YEAR or _FIRST_PLAN_YEAR + 10 <= year < _THIRD_PLAN_YEAR:
        return None
    if year < _THIRD_PLAN_YEAR:
        number = (year - _FIRST_PLAN_YEAR) // 5 + 1
    else:
        number = (year - _THIRD_PLAN_YEAR) // 5 + 3
    return FiveYearPlan(number) if number <= _MAX_PLAN else None


def five_years_ending(year: int) -> Period:
    """“五年来”: the five calendar years ending with `year` (2023 → 2019..2023)."""
    return Period.span(_check_year(year) - 4, year)
