"""How Chinese work reports write numbers — the project's one number-phrasing module.

Generated reports phrase computed values with it, and the fact-checker reads the figures of a report
back with it, so both directions live here and share one set of rules. Pure Python (no Django).

    phrase(2134, "场次", "多")              -> "2000多场次"
    phrase(2_480_000, "人次", "近", precision=100_000)   -> "近250万人次"
    parse_quantity("2000多场次")            -> Quantity(low=2000, high=3000, low_inclusive=False, …)
    fits(parse_quantity("2000多"), 2134)    -> True
    find_numbers(report_text)               -> [Found(start, end, text, kind, quantity, date), …]

Values are always in base units: money in 元 (a unit written "万元" means "元, shown in 万"),
percentages and percentage points in percent (12.5 for 12.5%; ``fits(..., as_ratio=True)`` takes
0.125). Exact arithmetic uses Decimal; phrasing rounds half up (四舍五入).

Terms used below
----------------
N          the stated number with 万/亿 applied: "近250万" -> 2 500 000.
precision  place value of the last non-zero digit written: "2000多" -> 1000, "2100多" -> 100,
           "160多万" -> 100 000, "1.3万余" -> 1000, "二十多" -> 10.
resolution place value of the last digit written, zeros included: "250万" -> 10 000, "12.5%" -> 0.1.
band       NEAR_BAND = 5 % (of N).

What a phrase claims (the interval ``parse_quantity`` returns; "[" includes, ")" excludes)
---------------------------------------------------------------------------------------
exact, plain integer ("1646场次", "七届")   [N, N+1)        an integer count of exactly N.
exact, rounded: written with decimals or    [N-R/2, N+R/2)  half-up rounding to the last written
  with 万/亿 ("141.8万次", "2万"), and every                  digit R (resolution).
  percentage / percentage point ("12.5%")
达 / 达到 / 多达 ("达120万")                 as the bare figure: 达 only says "reached".
多 / 余 ("2000多", "4000余", "1.3万余")      (N, N+P)        strictly more than N and less than the
                                                            next step at the precision P written.
                                                            For counts "2000多" is 2001..2999.
近 / 将近 / 接近 ("近250万", "近2000")       [0.95N, N)      slightly less than N: below it, by at
                                                            most 5 % ("近2000" = 1900..1999).
约 / 大约 / 左右 ("约2000", "2000左右")      [0.95N, 1.05N)  within 5 % either side.
超过 / 超 / 逾 ("超120万")                   (N, +inf)
以上 ("90%以上", "200人以上")                [N, +inf)
数 ("数百次", "数十万")                      [2P, 10P)       several of that order.
range ("3-5年", "3至5个", "2021-2025年")     [low(a), high(b)) each end read as an exact figure.
fraction in words ("三分之二")               2/3 within 5 % (qualifier 约); "百分之九十" is 90%.

Chinese numerals read as the same number in Arabic: "一百二十" = 120 (exact), "二十多" = (20, 30).
One with 万/亿 and nothing spelled below 千 reads like a scaled mantissa ("三万五千" as "3.5万":
rounded); spelled further down it is exact ("十万零一"). Colloquial "一百五" = 150, "三万五" = 35 000.

Where several qualifiers are written, 多/余 or a trailing 以上/左右 wins over a leading 近/约/达/超过
("已达40余家" claims 余). Where 多/余 stands relative to 万/亿 does not change the claim: precision
is always read from the digits, so "160多万" = "160万多" = 1.6M..1.7M and "2万多" = 20 000..30 000.
A leading 增长/提高/提升/上升/增加 or 下降/降低/减少 makes a percentage a growth figure (kind
"growth") and signs a percentage-point change (kind "pp"); "下降2.4个百分点" claims about -2.4.

How ``phrase`` writes a value (the inverse of the claims above; every phrase fits its value)
--------------------------------------------------------------------------------------------
exact   integers in full ("1646场次"). A non-integral value gets ``decimals`` fractional digits,
        trailing zeros trimmed but at least one kept, so it never reads as an exact integer
        ("1646.0"). With a scale (``scale="万"``/``"亿"``/``"auto"``, or a unit such as "万元") the
        mantissa gets at most ``decimals`` digits: 1 418 000 -> "141.8万".
多/余   N = floor(v / P) * P at precision P (default: the place of v's leading digit; a P coarser
        than that is lowered to it). If N == v the value is written exactly: 2000 -> "2000",
        never "2000多"; 1960 at P=1000 -> "1000多", never "2000多".
近      N = ceil(v / P) * P, written "近N" when v >= 0.95N; otherwise P is divided by 10 until it
        holds (1501 at P=1000 -> "近1510"). An exact multiple is written exactly.
约      N = round(v / P) * P, written "约N" when 0.95N <= v < 1.05N, else P is refined likewise.
达      "达" + the exact form.
Scaling: qualified figures use 万 from N >= 10 000 and 亿 from N >= 100 000 000 unless ``scale`` says
otherwise; exact figures are written in full unless asked. 多/余 go before 万/亿 when the mantissa
is an integer >= 10 ("160多万"), after it otherwise ("2万多", "1.3万余").

Finding figures in text (``find_numbers``)
------------------------------------------
Whitespace (spaces, line breaks) is allowed between number, qualifier, scale and unit ("1300 多支",
"2000多\\n场次"). Kinds: "count" (a counter word or a qualifier/scale), "number" (a bare Arabic number),
"percent", "growth", "pp", "year" ("2021年", "2021-2025年", a bare 1900..2099), "date" ("2019年9月",
"9月", "5月26日", "5·30"), "rank" ("第九届", "全国第9名"), "period" (five-year plans: "十三五"),
"fraction". Chinese numerals count only with a counter word or with 多/余 after 十/百/千/万/亿 ("两千多"),
so words such as 一体化 or 十九大 are not figures; fixed political terms (八项规定, 两个维护,
"十九届…全会") are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from kexie.core.periods import five_year_plan

__all__ = [
    "NEAR_BAND",
    "Found",
    "Quantity",
    "Style",
    "counter_for",
    "find_numbers",
    "fits",
    "parse_quantity",
    "phrase",
    "phrase_growth",
    "phrase_percent",
    "phrase_pp_change",
]

NEAR_BAND = Decimal("0.05")
"""How close 近 and 约 are: within 5 % of the stated number."""

Style = Literal["exact", "多", "余", "近", "约", "达"]
Number = int | float | Decimal

_SCALES = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12}
_ONE = Decimal(1)
_HUNDRED = Decimal(100)

# --------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Quantity:
    """A figure as a claim: the values it allows, and how it was written.

    ``low``/``high`` bound the allowed values (``None`` = unbounded); by default ``low`` is included
    and ``high`` excluded ([low, high)); ``low_inclusive=False`` marks 多/余 ("strictly more than").
    """

    kind: str
    """"count", "number", "percent", "growth", "pp", "year", "rank", "period" or "fraction"."""
    stated: Decimal
    """The number as written, scaled and signed: "近250万" -> 2500000, "下降2.4个百分点" -> -2.4."""
    low: Decimal | None
    high: Decimal | None
    unit: str = ""
    """Counter or unit in base form: "场次", "人次", "元" (for 万元), "%", "个百分点", "年"."""
    qualifier: str = ""
    """"" (exact), 多, 余, 近, 约, 达, 超过, 逾, 以上, 左右, 数 or 至 (a range)."""
    precision: Decimal | None = None
    """Place value of the last non-zero digit written ("2100多" -> 100)."""
    low_inclusive: bool = True
    high_inclusive: bool = False

    def __post_init__(self) -> None:
        for name in ("stated", "low", "high", "precision"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _tidy(value))

    def contains(self, value: Number) -> bool:
        """Whether ``value`` (base units, percent for %) lies in the claimed interval."""
        v = _to_decimal(value)
        if self.low is not None and (v < self.low or (v == self.low and not self.low_inclusive)):
            return False
        return self.high is None or v < self.high or (v == self.high and self.high_inclusive)


@dataclass(frozen=True)
class Found:
    """A figure found in a text: its span, what it says, and (for dates) the parts of the date."""

    start: int
    end: int
    text: str
    """The text exactly as in the source (text[start:end]), whitespace included."""
    kind: str
    """As Quantity.kind, or "date" (then ``quantity`` is None and ``date`` is set)."""
    quantity: Quantity | None = None
    date: tuple[int | None, int | None, int | None] | None = None
    """(year, month, day) for kinds "date" and "year"; missing parts are None."""

    @property
    def unit(self) -> str:
        return self.quantity.unit if self.quantity else ""

    @property
    def qualifier(self) -> str:
        return self.quantity.qualifier if self.quantity else ""

    @property
    def low(self) -> Decimal | None:
        return self.quantity.low if self.quantity else None

    @property
    def high(self) -> Decimal | None:
        return self.quantity.high if self.quantity else None


# --------------------------------------------------------------------------- counters

_COUNTERS = {
    "activity": "场次",  # activities, events, lectures held
    "participation": "人次",  # person-times: attendance, visits, trainees per session, views by people
    "person": "人",  # distinct people
    "named_person": "名",  # people counted by name: nominees, informants, students, volunteers
    "expert": "位",  # respected persons: academicians, experts (honorific)
    "enterprise": "家",  # enterprises
    "organisation": "家",  # units, institutions, stations, bases, societies
    "generic": "个",
    "team": "支",  # teams, volunteer service teams
    "school": "所",  # schools, universities
    "project": "项",  # projects, agreements, proposals, achievements
    "award": "项",  # prizes and awards
    "time": "次",  # occurrences: tours, shares, adoptions
    "money": "万元",  # money; values stay in 元, phrase() shows them in 万
    "item": "件",  # items, cases, documents
    "article": "篇",  # papers, reports, articles
    "variety": "种",  # kinds, varieties
    "edition": "届",  # editions of a recurring contest or forum
}


def counter_for(kind: str) -> str:
    """The counter word reports use for a kind of thing: "activity" -> "场次", "person" -> "人".

    Kinds: activity 场次, participation 人次, person 人, named_person 名, expert 位, enterprise 家,
    organisation 家, generic 个, team 支, school 所, project 项, award 项, time 次, money 万元,
    item 件, article 篇, variety 种, edition 届. 人次 (person-times) and 人 (people) are never mixed.
    """
    try:
        return _COUNTERS[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; known: {', '.join(sorted(_COUNTERS))}") from None


# --------------------------------------------------------------------------- decimal helpers


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"expected int, float or Decimal, got {type(value).__name__}")
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return d


def _tidy(d: Decimal) -> Decimal:
    """Same value, readable form: 1E+3 -> 1000, 2375000.00 -> 2375000, 12.50 -> 12.5."""
    return d.quantize(_ONE) if d == d.to_integral_value() and abs(d) < 10**20 else d.normalize()


def _place(exponent: int) -> Decimal:
    return _ONE.scaleb(exponent)


def _plain(d: Decimal) -> str:
    """Digits without exponent or trailing fractional zeros: 2E+3 -> "2000", 141.80 -> "141.8"."""
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def _round(d: Decimal, places: int) -> Decimal:
    return d.quantize(_place(-places), rounding=ROUND_HALF_UP)


def _power_of_ten(p: Number) -> Decimal:
    d = _to_decimal(p)
    n = d.normalize()
    if d <= 0 or n.as_tuple().digits != (1,):
        raise ValueError(f"precision must be a power of ten (1, 10, 100, 0.1 …), got {p!r}")
    return _place(n.as_tuple().exponent)


def _leading_place(v: Decimal) -> Decimal:
    return _place(v.adjusted())


def _last_nonzero_place(d: Decimal) -> Decimal:
    return _place(d.normalize().as_tuple().exponent) if d != 0 else _ONE


def _multiple(v: Decimal, p: Decimal, rounding: str) -> Decimal:
    return (v / p).to_integral_value(rounding=rounding) * p


# --------------------------------------------------------------------------- phrasing


def _split_unit(unit: str) -> tuple[str, str]:
    """ "万元" -> ("元", "万"): a unit written with 万/亿 means the base unit shown at that scale."""
    for name in ("万亿", "亿", "万"):
        if unit.startswith(name) and len(unit) > len(name):
            return unit[len(name) :], name
    return unit, ""


def _auto_scale(n: Decimal) -> str:
    if abs(n) >= _SCALES["亿"]:
        return "亿"
    return "万" if abs(n) >= _SCALES["万"] else ""


def _exact_text(v: Decimal, scale: str, decimals: int) -> str:
    if scale:
        return _plain(_round(v / _SCALES[scale], decimals)) + scale
    if v == v.to_integral_value():
        return _plain(v)
    text = _plain(_round(v, max(decimals, 1)))
    return text if "." in text else text + ".0"


def _round_text(n: Decimal, qualifier: str, scale: str) -> str:
    if not scale:
        return _plain(n) + qualifier
    mantissa = n / _SCALES[scale]
    if qualifier and mantissa == mantissa.to_integral_value() and mantissa >= 10:
        return f"{_plain(mantissa)}{qualifier}{scale}"
    return f"{_plain(mantissa)}{scale}{qualifier}"


def phrase(
    value: Number,
    unit: str = "",
    style: Style = "exact",
    *,
    precision: Number | None = None,
    scale: Literal["auto", "万", "亿", ""] | None = None,
    decimals: int = 1,
) -> str:
    """Write a non-negative value the way reports do: phrase(2134, "场次", "多") -> "2000多场次".

    ``style``: "exact", "多", "余", "近", "约" or "达" (rules in the module docstring). ``precision`` (a
    power of ten) is the step of the round number for the qualified styles; default: the place of the
    value's leading digit. ``scale``: None = the style's default (qualified: "auto"; exact: none),
    "auto" = 万/亿 by size, "万"/"亿" = always, "" = never. A unit starting with 万/亿 ("万元",
    "万人次") fixes the scale and the value stays in the base unit. ``decimals`` applies to exact
    figures only.
    """
    v = _to_decimal(value)
    if v < 0:
        raise ValueError(
            "phrase() writes non-negative amounts; use phrase_growth/phrase_pp_change for changes"
        )
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    unit, unit_scale = _split_unit(unit)
    if unit_scale:
        scale = unit_scale
    if style in ("exact", "达"):
        chosen = _auto_scale(v) if scale == "auto" else (scale or "")
        return ("达" if style == "达" else "") + _exact_text(v, chosen, decimals) + unit
    if style not in ("多", "余", "近", "约"):
        raise ValueError(f"unknown style {style!r}")
    exact = _exact_text(v, unit_scale, decimals) + unit
    if v == 0:
        return exact
    p = _leading_place(v) if precision is None else _power_of_ten(precision)
    if style in ("多", "余"):
        p = min(p, _leading_place(v))
        n = _multiple(v, p, ROUND_FLOOR)
        if n == v:
            return exact
        written = _round_text(n, style, _auto_scale(n) if scale in (None, "auto") else scale)
        return written + unit
    for _ in range(80):
        n = _multiple(v, p, ROUND_CEILING if style == "近" else ROUND_HALF_UP)
        if style == "近" and n == v:
            return exact
        low = n * (1 - NEAR_BAND)
        if low <= v and (v < n if style == "近" else v < n * (1 + NEAR_BAND)):
            chosen = _auto_scale(n) if scale in (None, "auto") else scale
            return style + _round_text(n, "", chosen) + unit
        p /= 10
    return exact  # pragma: no cover - the loop always ends once p <= 5 % of v


def _percent_value(value: Number, is_percent: bool) -> Decimal:
    v = _to_decimal(value)
    return v if is_percent else v * _HUNDRED


def phrase_percent(value: Number, decimals: int = 1, *, is_percent: bool = False) -> str:
    """A share or rate: 0.125 -> "12.5%" (with ``is_percent=True``: 12.5 -> "12.5%"); zeros trimmed."""
    return _plain(_round(_percent_value(value, is_percent), decimals)) + "%"


def _change(value: Decimal, decimals: int, up: str, down: str, suffix: str) -> str:
    magnitude = _round(abs(value), decimals)
    if magnitude == 0:
        return "持平"
    return (up if value > 0 else down) + _plain(magnitude) + suffix


def phrase_pp_change(
    delta: Number, decimals: int = 1, *, is_percent: bool = False, up: str = "提高", down: str = "下降"
) -> str:
    """A change of a rate: +0.024 -> "提高2.4个百分点", -0.024 -> "下降2.4个百分点", 0 -> "持平"."""
    return _change(_percent_value(delta, is_percent), decimals, up, down, "个百分点")


def phrase_growth(
    rate: Number, decimals: int = 1, *, is_percent: bool = False, up: str = "增长", down: str = "下降"
) -> str:
    """A relative change: 0.186 -> "增长18.6%", -0.05 -> "下降5%", 0 -> "持平"."""
    return _change(_percent_value(rate, is_percent), decimals, up, down, "%")


# --------------------------------------------------------------------------- Chinese numerals

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}


def _cn_small(text: str) -> int | None:
    """A section below 10 000: 一百二十 -> 120, 十一 -> 11, 百 -> 100, 一百零五 -> 105.

    A lone last digit right after 百/千 is the next place down, as people say it: 一百五 -> 150.
    """
    total, digit, last_unit, gap = 0, None, 10**4, False
    for ch in text:
        if ch in "零〇":
            gap = True
        elif ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row: 三五
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit or (digit is None and total):
                return None  # 十百, 一百十
            total += (1 if digit is None else digit) * unit
            digit, last_unit, gap = None, unit, False
    if digit is not None and not gap and last_unit in (100, 1000):
        return total + digit * last_unit // 10
    return total + (digit or 0)


def _cn_int(text: str) -> int | None:
    """Chinese numeral to int ("一百二十" -> 120, "两千" -> 2000, "三万五千" -> 35000); None if malformed."""
    if all(ch in _CN_DIGITS for ch in text):
        if len(text) == 1:
            return _CN_DIGITS[text]
        if len(text) >= 3 or "〇" in text:  # digit by digit, as years are written: 二〇二三
            return int("".join(str(_CN_DIGITS[ch]) for ch in text))
        return None  # 三五: two digits in a row
    for big, factor in (("亿", 10**8), ("万", 10**4)):
        if big in text:
            head, _, tail = text.partition(big)
            high = _cn_int(head) if head else None
            rest = tail.lstrip("零〇")
            if len(rest) == 1 and rest == tail and rest in _CN_DIGITS:
                low: int | None = _CN_DIGITS[rest] * factor // 10  # 三万五 -> 35000
            else:
                low = _cn_int(rest) if rest else 0
            if not high or low is None or low >= factor:
                return None
            return high * factor + low
    return _cn_small(text)


# --------------------------------------------------------------------------- the grammar

_AR = r"(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?(?![\dA-Za-z])"
_AR_START = r"(?<![\dA-Za-z.])"
_CN = "[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*"
_UNITS = [
    "个百分点", "百分点", "场次", "人次", "车次", "批次", "架次", "个月", "周年", "年度",
    "平方公里", "平方米", "公里", "公顷", "小时", "分钟", "%",
    "元", "人", "家", "个", "支", "所", "名", "项", "次", "件", "篇", "种", "位", "届", "场", "年",
    "月", "天", "户", "条", "座", "批", "期", "套", "台", "本", "册", "份", "处", "块", "亩", "吨",
    "米", "倍", "幅", "张", "辆", "株", "门", "集", "首", "轮", "封",
]  # fmt: skip
_UNIT = "(?:" + "|".join(re.escape(u) for u in _UNITS) + ")"
_UP_VERBS = ("增长", "提高", "提升", "上升", "增加")
_DOWN_VERBS = ("下降", "降低", "减少")
_PRE = {"将近": "近", "接近": "近", "近": "近", "大约": "约", "约": "约", "多达": "达", "达到": "达"}
_PRE |= {"达": "达", "超过": "超过", "超": "超过", "逾": "逾"}
_FIXED_TERMS = [
    "八项规定", "两个确立", "两个维护", "四个意识", "四个自信", "四个全面", "四个服务", "三个代表",
    "三个以案", "五位一体", "两个一百年",
]  # fmt: skip
_MONTH = r"(?:1[0-2]|0?[1-9])(?!\d)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"

_PATTERN = re.compile(
    rf"""
    (?P<skip>{"|".join(_FIXED_TERMS)}
        |[一二三四五六七八九十]+届(?=\s*(?:[一二三四五六七八九十]+中|历次|全会|中央|委员会)))
    |(?P<plan>十[一二三四五六七八九]五)(?![一二三四五六七八九十百千万亿个项])
    |(?P<fden>{_CN}|{_AR_START}{_AR})\s*分之\s*(?P<fnum>{_CN}|{_AR_START}{_AR})
    |{_AR_START}(?P<dy>(?:19|20)\d\d)\s*年\s*(?P<dym>{_MONTH})\s*月(?:\s*(?P<dyd>{_DAY})\s*[日号])?
    |{_AR_START}(?P<dotm>{_MONTH})\s*[·・•]\s*(?P<dotd>{_DAY})
    |{_AR_START}(?P<mm>{_MONTH})\s*月(?:\s*(?P<md>{_DAY})\s*[日号])?
    |第\s*(?P<rank>{_CN}|{_AR_START}{_AR})(?:\s*(?P<runit>{_UNIT}))?
    |(?:(?P<verb>{"|".join(_UP_VERBS + _DOWN_VERBS)})\s*)?
     (?:(?P<pre>{"|".join(sorted(_PRE, key=len, reverse=True))})\s*)?
     (?P<num>
        {_AR_START}(?P<a1>{_AR})(?:\s*[-–—~至到]\s*(?P<a2>{_AR}))?
       |数(?P<shu>十万|百万|千万|十|百|千|万|亿)
       |(?P<c1>{_CN})(?:\s*[至到]\s*(?P<c2>{_CN}))?
     )
     (?:\s*(?P<q1>[多余]))?
     (?:\s*(?P<scale>万亿|万|亿))?
     (?:\s*(?P<q2>[多余]))?
     (?:\s*(?P<unit>{_UNIT}))?
     (?:\s*(?P<post>以上|左右))?
    """,
    re.VERBOSE,
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．～－", "0123456789%.~-")


@dataclass(frozen=True)
class _Num:
    value: Decimal  # scaled
    precision: Decimal  # last non-zero digit
    resolution: Decimal  # last written digit
    rounded: bool  # written with decimals or 万/亿: a rounded rendering


def _arabic(text: str, scale: Decimal) -> _Num:
    digits = text.replace(",", "")
    mantissa = Decimal(digits)
    fraction = len(digits.partition(".")[2])
    resolution = _place(-fraction)
    precision = _last_nonzero_place(mantissa) if mantissa else resolution
    return _Num(mantissa * scale, precision * scale, resolution * scale, bool(fraction) or scale != 1)


def _chinese(text: str, scale: Decimal) -> _Num | None:
    n = _cn_int(text)
    if n is None:
        return None
    value = Decimal(n) * scale
    precision = _last_nonzero_place(Decimal(n)) * scale
    # With 万/亿 and nothing spelled below 千 it reads like "3.5万": a rounded rendering.
    rounded = scale != 1 or (any(ch in _CN_BIG for ch in text) and precision >= 1000)
    return _Num(value, precision, precision if rounded else _ONE, rounded)


def _exact_bounds(num: _Num, rounded: bool) -> tuple[Decimal, Decimal]:
    if rounded or num.rounded:
        half = num.resolution / 2
        return num.value - half, num.value + half
    return num.value, num.value + num.resolution


def _claim(num: _Num, qualifier: str, kind: str, unit: str) -> Quantity:
    """The interval a single stated number claims under ``qualifier`` (module docstring)."""
    n, p = num.value, num.precision
    common = {"kind": kind, "stated": n, "unit": unit, "qualifier": qualifier, "precision": p}
    if qualifier in ("多", "余"):
        return Quantity(low=n, high=n + p, low_inclusive=False, **common)
    if qualifier == "近":
        return Quantity(low=n * (1 - NEAR_BAND), high=n, **common)
    if qualifier in ("约", "左右"):
        return Quantity(low=n * (1 - NEAR_BAND), high=n * (1 + NEAR_BAND), **common)
    if qualifier in ("超过", "逾"):
        return Quantity(low=n, high=None, low_inclusive=False, **common)
    if qualifier == "以上":
        return Quantity(low=n, high=None, **common)
    low, high = _exact_bounds(num, kind in ("percent", "growth", "pp"))
    return Quantity(low=low, high=high, **common)


def _negate(q: Quantity) -> Quantity:
    return replace(
        q,
        stated=-q.stated,
        low=None if q.high is None else -q.high,
        high=None if q.low is None else -q.low,
        low_inclusive=q.high_inclusive,
        high_inclusive=q.low_inclusive,
    )


def _is_year(num: _Num) -> bool:
    return not num.rounded and 1900 <= num.value <= 2099 and num.value == num.value.to_integral_value()


def _quantity(m: re.Match[str], whole: bool) -> tuple[int, str, Quantity] | None:
    """(start, kind, quantity) for a match of the quantity branch; None if it is not a figure."""
    g = m.groupdict()
    scale = _SCALES[g["scale"]] if g["scale"] else _ONE
    unit = g["unit"] or ""
    infix = g["q1"] or g["q2"] or ""
    if g["shu"]:
        base = Decimal(_cn_int(g["shu"]) or 0)
        p = base * scale
        kind = "count" if unit else "number"
        return m.start("num"), kind, Quantity(kind, p, 2 * p, 10 * p, unit, "数", p)
    if g["a1"]:
        first = _arabic(g["a1"], scale)
        second = _arabic(g["a2"], scale) if g["a2"] else None
    else:
        first = _chinese(g["c1"], scale)
        second = _chinese(g["c2"], scale) if g["c2"] else None
        if first is None or (g["c2"] and second is None):
            return None
        magnitude = any(ch in "十百千万亿" for ch in g["c1"])
        if not whole and not unit and not (infix and magnitude) and not g["scale"]:
            return None  # a Chinese numeral inside a word: 一体化, 十九大
    qualifier = infix or g["post"] or _PRE.get(g["pre"] or "", "")
    years = _is_year(first) and (second is None or _is_year(second))
    if unit in ("个百分点", "百分点"):
        kind, unit = "pp", "个百分点"
    elif unit == "%":
        kind = "growth" if g["verb"] else "percent"
    elif unit in ("年", "年度") and years and qualifier in ("", "达"):
        kind, unit = "year", "年"
    elif unit:
        kind, unit = "count", "年" if unit == "年度" else unit
    elif qualifier or g["scale"]:
        kind = "count"
    elif not whole and g["a1"] and len(g["a1"]) == 4 and years and (not g["a2"] or len(g["a2"]) == 4):
        kind, unit = "year", "年"
    else:
        kind = "number"
    if second is not None:
        first, second = sorted((first, second), key=lambda num: num.value)
        low, _ = _exact_bounds(first, kind == "percent")
        _, high = _exact_bounds(second, kind == "percent")
        q = Quantity(kind, first.value, low, high, unit, "至", second.precision)
    else:
        q = _claim(first, qualifier, kind, unit)
    start = m.start("num") if g["pre"] is None else m.start("pre")
    if kind in ("pp", "growth") and g["verb"]:
        start = m.start("verb")
        if g["verb"] in _DOWN_VERBS:
            q = _negate(q)
    return start, kind, q


def _other(m: re.Match[str], text: str) -> Found | None:
    """The Found for a match of any branch but the quantity one; None for skipped terms."""
    g = m.groupdict()
    span = (m.start(), m.end(), text[m.start() : m.end()])
    if g["skip"]:
        return None
    if g["plan"]:
        n = _cn_int(g["plan"][:-1]) or 0
        plan = five_year_plan(n)
        q = Quantity("period", Decimal(n), Decimal(plan.first_year), Decimal(plan.last_year + 1), "年")
        return Found(*span, "period", q)
    if g["fden"]:
        den, num = _number_value(g["fden"]), _number_value(g["fnum"])
        if den is None or num is None or den == 0:
            return None
        if den == _HUNDRED:  # 百分之九十
            return Found(
                *span, "percent", _claim(_Num(num, _last_nonzero_place(num), _ONE, True), "", "percent", "%")
            )
        share = num / den
        q = Quantity("fraction", share, share * (1 - NEAR_BAND), share * (1 + NEAR_BAND), "", "约")
        return Found(*span, "fraction", q)
    if g["dy"]:
        return Found(*span, "date", None, (int(g["dy"]), int(g["dym"]), int(g["dyd"]) if g["dyd"] else None))
    if g["dotm"]:
        return Found(*span, "date", None, (None, int(g["dotm"]), int(g["dotd"])))
    if g["mm"]:
        return Found(*span, "date", None, (None, int(g["mm"]), int(g["md"]) if g["md"] else None))
    n = _number_value(g["rank"])
    if n is None:
        return None
    return Found(*span, "rank", Quantity("rank", n, n, n + 1, g["runit"] or "", "", _last_nonzero_place(n)))


def _number_value(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text.replace(",", ""))
    n = _cn_int(text)
    return None if n is None else Decimal(n)


def _scan(text: str, *, whole: bool) -> list[Found]:
    normal = text.translate(_FULL_WIDTH)
    found: list[Found] = []
    for m in _PATTERN.finditer(normal):
        if m.group("num") is not None:
            result = _quantity(m, whole)
            if result is None:
                continue
            start, kind, q = result
            date = (int(q.stated), None, None) if kind == "year" and q.qualifier != "至" else None
            found.append(Found(start, m.end(), text[start : m.end()], kind, q, date))
            continue
        item = _other(m, text)
        if item is not None:
            found.append(item)
    return found


# --------------------------------------------------------------------------- reading figures


def find_numbers(text: str) -> list[Found]:
    """Every figure in a Chinese text, in order, with its span, kind, claim and (dates) parts.

    Bare four-digit numbers 1900..2099 are years ("2023长三角…"); see the module docstring for kinds.
    """
    return _scan(text, whole=False)


def parse_quantity(text: str) -> Quantity:
    """Read one figure ("2000多场次", "近250万人", "12.5%", "提高2.4个百分点", "七届") as a claim.

    The whole text must be that one figure (surrounding whitespace allowed); a leading "-" negates
    it. Raises ValueError otherwise, and for dates, which are not quantities.
    """
    s = text.strip()
    negative = len(s) > 1 and s[0] in "-−" and s[1].isdigit()
    body = s[1:] if negative else s
    found = _scan(body, whole=True)
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(body)) or found[0].quantity is None:
        raise ValueError(f"不是单个数量表达: {text!r}")
    q = found[0].quantity
    return _negate(q) if negative else q


def fits(quantity: Quantity, value: Number, *, as_ratio: bool = False) -> bool:
    """Whether a computed value is consistent with a claim: fits(parse_quantity("2000多"), 2134).

    Values are in base units (元 for 万元); for percentages and percentage points pass percent
    (12.5), or a ratio (0.125) with ``as_ratio=True``.
    """
    v = _to_decimal(value)
    if as_ratio and quantity.unit in ("%", "个百分点"):
        v *= _HUNDRED
    return quantity.contains(v)
