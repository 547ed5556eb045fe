"""Tests for kexie.core.numbers: phrasing, parsing, fitting and finding figures in Chinese reports."""

import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kexie.core.numbers import (
    NEAR_BAND,
    Quantity,
    counter_for,
    find_numbers,
    fits,
    parse_quantity,
    phrase,
    phrase_growth,
    phrase_percent,
    phrase_pp_change,
)

D = Decimal
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
INF = None  # an unbounded high end


# --------------------------------------------------------------------------- phrase: exact


@pytest.mark.parametrize(
    ("value", "unit", "kwargs", "expected"),
    [
        (1646, "场次", {}, "1646场次"),
        (8, "人次", {}, "8人次"),
        (0, "人", {}, "0人"),
        (2000, "", {}, "2000"),
        (1_418_000, "次", {"scale": "万"}, "141.8万次"),
        (1_418_000, "次", {"scale": "auto"}, "141.8万次"),
        (1_400_000, "次", {"scale": "万"}, "140万次"),  # trailing zeros trimmed
        (1_418_400, "次", {"scale": "万", "decimals": 2}, "141.84万次"),
        (1_418_450, "次", {"scale": "万", "decimals": 2}, "141.85万次"),  # half up
        (1_418_000, "次", {}, "1418000次"),  # exact figures are written in full unless asked
        (260_000_000, "元", {"scale": "auto"}, "2.6亿元"),
        (260_000_000, "元", {"scale": "万"}, "26000万元"),  # forced scale, even where 亿 would fit
        (5_000, "元", {"scale": "万"}, "0.5万元"),
        (9_999, "人", {"scale": "auto"}, "9999人"),  # below 万: not scaled
        (28_000, "人次", {"scale": "auto"}, "2.8万人次"),
        (123_456, "万元", {}, "12.3万元"),  # a 万 unit fixes the scale; the value is in 元
        (120_000, "万元", {}, "12万元"),
        (1_200_000, "万人次", {}, "120万人次"),
        (D("12.5"), "", {}, "12.5"),
        (D("3.0"), "个", {}, "3个"),  # integral Decimal
        (12.25, "", {"decimals": 1}, "12.3"),
        (1645.96, "", {}, "1646.0"),  # never reads as the exact integer 1646
        (1645.96, "", {"decimals": 0}, "1646.0"),
    ],
)
def test_phrase_exact(value, unit, kwargs, expected):
    assert phrase(value, unit, **kwargs) == expected


def test_phrase_reached_is_da_plus_exact():
    assert phrase(1_200_000, "人次", "达", scale="万") == "达120万人次"
    assert phrase(2219, "条", "达") == "达2219条"


# --------------------------------------------------------------------------- phrase: qualified


@pytest.mark.parametrize(
    ("value", "unit", "style", "precision", "expected"),
    [
        # 多 / 余: strictly more than the round number, below the next step
        (2134, "", "多", 100, "2100多"),
        (2134, "", "多", 1000, "2000多"),
        (2134, "场次", "多", None, "2000多场次"),  # default precision: the leading digit
        (4050, "", "余", None, "4000余"),
        (4050, "人次", "余", 1000, "4000余人次"),
        (2000, "", "多", 1000, "2000"),  # exactly 2000 is never "2000多"
        (2000, "场次", "余", 100, "2000场次"),
        (3000, "", "多", 1000, "3000"),
        (2001, "", "多", 1000, "2000多"),
        (2999, "", "多", 1000, "2000多"),
        (1960, "", "多", 1000, "1000多"),  # never "2000多"
        (1960, "", "多", 100, "1900多"),
        (57, "", "多", 1000, "50多"),  # precision never coarser than the leading digit
        (13_200, "", "余", 1000, "1.3万余"),
        (13_250, "", "余", 100, "1.32万余"),
        (13_200, "", "余", 100, "13200"),  # a round number at that precision: exact
        (23_000, "人", "多", None, "2万多人"),
        (1_634_000, "人次", "多", 100_000, "160多万人次"),
        (1_634_000, "人次", "多", 10_000, "163多万人次"),
        (5_300_000, "万元", "多", None, "500多万元"),
        (6_350_000, "次", "余", 100_000, "630余万次"),
        # 近: slightly less than (within NEAR_BAND below)
        (2_480_000, "人次", "近", 100_000, "近250万人次"),
        (2_480_000, "人次", "近", None, "近250万人次"),
        (1960, "", "近", 1000, "近2000"),
        (1900, "", "近", 1000, "近2000"),  # exactly 5 % below: still 近
        (1899, "", "近", 1000, "近1900"),  # too far below 2000: refined
        (2999, "", "近", 1000, "近3000"),
        (3000, "", "近", 1000, "3000"),  # an exact multiple is written exactly
        (1501, "", "近", 1000, "近1510"),
        (66_800, "名", "近", None, "近7万名"),
        (196, "人", "近", None, "近200人"),
        # 约: within NEAR_BAND either side
        (2480, "", "约", None, "约2500"),
        (2000, "", "约", 1000, "约2000"),
        (1949, "", "约", 1000, "约2000"),
        (2099, "", "约", 1000, "约2000"),
        (2100, "", "约", 1000, "约2100"),  # 5 % above 2000 is out: refined
        (1899, "", "约", 1000, "约1900"),
        (7_020_000_000, "元", "约", 1_000_000_000, "约70亿元"),
    ],
)
def test_phrase_qualified(value, unit, style, precision, expected):
    assert phrase(value, unit, style, precision=precision) == expected


@pytest.mark.parametrize(
    ("value", "style", "scale", "expected"),
    [
        (13_200, "余", "", "13000余"),  # never scale
        (13_200, "余", "auto", "1.3万余"),
        (13_200, "余", None, "1.3万余"),  # qualified default: auto
        (5_300, "多", "万", "0.5万多"),  # forced
        (230_000_000, "多", "auto", "2亿多"),
        (2_480_000, "近", "", "近2500000"),
    ],
)
def test_phrase_scale(value, style, scale, expected):
    assert phrase(value, "", style, precision=1000 if value < 10**5 else None, scale=scale) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((-1, "人"), {}, ValueError),
        ((True, "人"), {}, TypeError),
        (("12", "人"), {}, TypeError),
        ((float("nan"), "人"), {}, ValueError),
        ((2134, "", "多"), {"precision": 25}, ValueError),
        ((2134, "", "多"), {"precision": 0}, ValueError),
        ((2134, "", "很多"), {}, ValueError),
        ((2134, ""), {"decimals": -1}, ValueError),
    ],
)
def test_phrase_rejects(args, kwargs, error):
    with pytest.raises(error):
        phrase(*args, **kwargs)


# --------------------------------------------------------------------------- percentages


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: phrase_percent(0.125), "12.5%"),
        (lambda: phrase_percent(D("0.125")), "12.5%"),
        (lambda: phrase_percent(12.5, is_percent=True), "12.5%"),
        (lambda: phrase_percent(0.12), "12%"),
        (lambda: phrase_percent(1), "100%"),
        (lambda: phrase_percent(D("0.11666")), "11.7%"),
        (lambda: phrase_percent(D("0.11666"), 2), "11.67%"),
        (lambda: phrase_percent(-0.032), "-3.2%"),
        (lambda: phrase_pp_change(0.024), "提高2.4个百分点"),
        (lambda: phrase_pp_change(-0.024), "下降2.4个百分点"),
        (lambda: phrase_pp_change(2.4, is_percent=True), "提高2.4个百分点"),
        (lambda: phrase_pp_change(0.024, up="增长"), "增长2.4个百分点"),
        (lambda: phrase_pp_change(0.0004), "持平"),  # rounds to 0.0
        (lambda: phrase_growth(0.186), "增长18.6%"),
        (lambda: phrase_growth(-0.05), "下降5%"),
        (lambda: phrase_growth(18.6, is_percent=True), "增长18.6%"),
        (lambda: phrase_growth(0), "持平"),
    ],
)
def test_percentages(call, expected):
    assert call() == expected


# --------------------------------------------------------------------------- counters


@pytest.mark.parametrize(
    ("kind", "counter"),
    [
        ("activity", "场次"),
        ("participation", "人次"),
        ("person", "人"),
        ("named_person", "名"),
        ("expert", "位"),
        ("enterprise", "家"),
        ("organisation", "家"),
        ("generic", "个"),
        ("team", "支"),
        ("school", "所"),
        ("project", "项"),
        ("award", "项"),
        ("time", "次"),
        ("money", "万元"),
        ("item", "件"),
        ("article", "篇"),
        ("variety", "种"),
        ("edition", "届"),
    ],
)
def test_counter_for(kind, counter):
    assert counter_for(kind) == counter


def test_person_times_and_persons_stay_distinct():
    assert counter_for("participation") != counter_for("person")
    assert parse_quantity("40多人次").unit == "人次"
    assert parse_quantity("40多人").unit == "人"


def test_counter_for_unknown_kind():
    with pytest.raises(KeyError, match="activity"):
        counter_for("spaceship")


def test_money_counter_round_trip_in_yuan():
    text = phrase(5_300_000, counter_for("money"), "多")
    assert text == "500多万元"
    q = parse_quantity(text)
    assert (q.unit, q.low, q.high) == ("元", 5_000_000, 6_000_000)
    assert fits(q, 5_300_000)


# --------------------------------------------------------------------------- parse_quantity


# text, kind, low, high, low_inclusive, unit, qualifier, precision
PARSE_CASES = [
    ("2000多场次", "count", 2000, 3000, False, "场次", "多", 1000),
    ("2100多", "count", 2100, 2200, False, "", "多", 100),
    ("4000余人次", "count", 4000, 5000, False, "人次", "余", 1000),
    ("1300 多支", "count", 1300, 1400, False, "支", "多", 100),
    ("2000多\n场次", "count", 2000, 3000, False, "场次", "多", 1000),
    ("160多万人次", "count", 1_600_000, 1_700_000, False, "人次", "多", 100_000),
    ("160万多人次", "count", 1_600_000, 1_700_000, False, "人次", "多", 100_000),
    ("2万多人", "count", 20_000, 30_000, False, "人", "多", 10_000),
    ("1.3万余", "count", 13_000, 14_000, False, "", "余", 1000),
    ("630余万次", "count", 6_300_000, 6_400_000, False, "次", "余", 100_000),
    ("10余项", "count", 10, 20, False, "项", "余", 10),
    ("近250万人", "count", 2_375_000, 2_500_000, True, "人", "近", 100_000),
    ("近2000", "count", 1900, 2000, True, "", "近", 1000),
    ("将近200人", "count", 190, 200, True, "人", "近", 100),
    ("约2000", "count", 1900, 2100, True, "", "约", 1000),
    ("2000左右", "count", 1900, 2100, True, "", "左右", 1000),
    ("约70亿元", "count", 6_650_000_000, 7_350_000_000, True, "元", "约", 1_000_000_000),
    ("1646场次", "count", 1646, 1647, True, "场次", "", 1),
    ("2000人", "count", 2000, 2001, True, "人", "", 1000),
    ("2,480,000人次", "count", 2_480_000, 2_480_001, True, "人次", "", 10_000),
    ("141.8万次", "count", 1_417_500, 1_418_500, True, "次", "", 1000),
    ("1.2万", "count", 11_500, 12_500, True, "", "", 1000),
    ("250万人", "count", 2_495_000, 2_505_000, True, "人", "", 100_000),
    ("12万元", "count", 115_000, 125_000, True, "元", "", 10_000),
    ("2.6亿元", "count", 255_000_000, 265_000_000, True, "元", "", 10_000_000),
    ("达120万", "count", 1_195_000, 1_205_000, True, "", "达", 100_000),
    ("达2219条", "count", 2219, 2220, True, "条", "达", 1),
    ("达40余家", "count", 40, 50, False, "家", "余", 10),  # 达 + 余: 余 wins
    ("超120万", "count", 1_200_000, INF, False, "", "超过", 100_000),
    ("超过2000人", "count", 2000, INF, False, "人", "超过", 1000),
    ("逾3000家", "count", 3000, INF, False, "家", "逾", 1000),
    ("200人以上", "count", 200, INF, True, "人", "以上", 100),
    ("数百次", "count", 200, 1000, True, "次", "数", 100),
    ("数十万人", "count", 200_000, 1_000_000, True, "人", "数", 100_000),
    # Chinese numerals
    ("七届", "count", 7, 8, True, "届", "", 1),
    ("十一位", "count", 11, 12, True, "位", "", 1),
    ("二十多家", "count", 20, 30, False, "家", "多", 10),
    ("一百二十", "number", 120, 121, True, "", "", 10),
    ("一百零五人", "count", 105, 106, True, "人", "", 1),
    ("两千多", "count", 2000, 3000, False, "", "多", 1000),
    ("三万余", "count", 30_000, 40_000, False, "", "余", 10_000),
    ("八万余人次", "count", 80_000, 90_000, False, "人次", "余", 10_000),
    ("百余项", "count", 100, 200, False, "项", "余", 100),
    ("三万人", "count", 25_000, 35_000, True, "人", "", 10_000),
    ("三万五千人", "count", 34_500, 35_500, True, "人", "", 1000),
    ("三万五人", "count", 34_500, 35_500, True, "人", "", 1000),  # colloquial 三万五 = 35 000
    ("一百五人", "count", 150, 151, True, "人", "", 10),  # colloquial 一百五 = 150
    ("十万零一人", "count", 100_001, 100_002, True, "人", "", 1),
    ("二十多万", "count", 200_000, 300_000, False, "", "多", 100_000),
    # ranges
    ("3-5年", "count", 3, 6, True, "年", "至", 1),
    ("3至5个", "count", 3, 6, True, "个", "至", 1),
    ("三至五年", "count", 3, 6, True, "年", "至", 1),
    ("3-5万人", "count", 25_000, 55_000, True, "人", "至", 10_000),
    ("5-3年", "count", 3, 6, True, "年", "至", 1),  # ends in either order
    ("10-20%", "percent", D("9.5"), D("20.5"), True, "%", "至", 10),
    ("2021-2025年", "year", 2021, 2026, True, "年", "至", 1),
    # percentages
    ("12.5%", "percent", D("12.45"), D("12.55"), True, "%", "", D("0.1")),
    ("12.5％", "percent", D("12.45"), D("12.55"), True, "%", "", D("0.1")),  # full-width
    ("100%", "percent", D("99.5"), D("100.5"), True, "%", "", 100),
    ("达10.9%", "percent", D("10.85"), D("10.95"), True, "%", "达", D("0.1")),
    ("90%以上", "percent", 90, INF, True, "%", "以上", 10),
    ("百分之九十", "percent", D("89.5"), D("90.5"), True, "%", "", 10),
    ("2.4个百分点", "pp", D("2.35"), D("2.45"), True, "个百分点", "", D("0.1")),
    ("提高2.4个百分点", "pp", D("2.35"), D("2.45"), True, "个百分点", "", D("0.1")),
    ("增长2.4个百分点", "pp", D("2.35"), D("2.45"), True, "个百分点", "", D("0.1")),
    ("下降2.4个百分点", "pp", D("-2.45"), D("-2.35"), False, "个百分点", "", D("0.1")),
    ("增长18.6%", "growth", D("18.55"), D("18.65"), True, "%", "", D("0.1")),
    ("下降3.2%", "growth", D("-3.25"), D("-3.15"), False, "%", "", D("0.1")),
    ("-3.2%", "percent", D("-3.25"), D("-3.15"), False, "%", "", D("0.1")),
    # years, ranks, plans, fractions
    ("2021年", "year", 2021, 2022, True, "年", "", 1),
    ("2021年度", "year", 2021, 2022, True, "年", "", 1),
    ("第九届", "rank", 9, 10, True, "届", "", 1),
    ("第9名", "rank", 9, 10, True, "名", "", 1),
    ("第二十一届", "rank", 21, 22, True, "届", "", 1),
    ("第一", "rank", 1, 2, True, "", "", 1),
    ("十三五", "period", 2016, 2021, True, "年", "", None),
    ("十四五", "period", 2021, 2026, True, "年", "", None),
    ("2000", "number", 2000, 2001, True, "", "", 1000),  # alone, a number is not a year
]


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "low_inclusive", "unit", "qualifier", "precision"), PARSE_CASES
)
def test_parse_quantity(text, kind, low, high, low_inclusive, unit, qualifier, precision):
    q = parse_quantity(text)
    assert q.kind == kind
    assert q.low == low
    assert q.high == high
    assert q.low_inclusive is low_inclusive
    assert q.unit == unit
    assert q.qualifier == qualifier
    assert q.precision == precision


def test_parse_fraction_in_words():
    q = parse_quantity("三分之二")
    assert q.kind == "fraction"
    assert q.stated == D(2) / D(3)
    assert fits(q, D("0.67"))
    assert not fits(q, D("0.6"))


def test_parse_stated_is_the_written_number_scaled_and_signed():
    assert parse_quantity("近250万人").stated == 2_500_000
    assert parse_quantity("2000多").stated == 2000
    assert parse_quantity("下降2.4个百分点").stated == D("-2.4")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "很多人",
        "abc",
        "2019年9月",
        "5·30",
        "9月",
        "3个和5个",
        "2000多场次，近250万人",
        "一体化",
        "十九大",
    ],
)
def test_parse_quantity_rejects(text):
    with pytest.raises(ValueError, match="不是单个数量表达"):
        parse_quantity(text)


def test_near_band_is_five_percent():
    assert D("0.05") == NEAR_BAND


# --------------------------------------------------------------------------- fits


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("2000多", 2134, True),
        ("2000多", 2001, True),
        ("2000多", 2999, True),
        ("2000多", 2000, False),  # strictly more
        ("2000多", 3000, False),
        ("2000多", 1980, False),
        ("2000多", 3100, False),
        ("2100多", 2134, True),
        ("2100多", 2200, False),
        ("近2000", 1960, True),
        ("近2000", 1900, True),
        ("近2000", 1899, False),
        ("近2000", 2000, False),
        ("近2000", 2001, False),
        ("近250万人", 2_480_000, True),
        ("近250万人", 2_374_999, False),
        ("约2000", 1900, True),
        ("约2000", 2099, True),
        ("约2000", 2100, False),
        ("约2000", 1899, False),
        ("1646场次", 1646, True),
        ("1646场次", 1645, False),
        ("1646场次", 1647, False),
        ("141.8万次", 1_418_000, True),
        ("141.8万次", 1_417_500, True),  # rounds half up to 141.8
        ("141.8万次", 1_418_500, False),  # rounds to 141.9
        ("12.5%", D("12.5"), True),
        ("12.5%", D("12.549"), True),
        ("12.5%", D("12.55"), False),
        ("超120万", 1_200_001, True),
        ("超120万", 1_200_000, False),
        ("200人以上", 200, True),
        ("200人以上", 199, False),
        ("下降2.4个百分点", D("-2.4"), True),
        ("下降2.4个百分点", D("-2.35"), True),  # |−2.35| rounds half up to 2.4
        ("下降2.4个百分点", D("-2.45"), False),
        ("下降2.4个百分点", D("2.4"), False),
        ("3-5年", 5, True),
        ("3-5年", 6, False),
        ("3-5年", 2, False),
    ],
)
def test_fits(text, value, ok):
    assert fits(parse_quantity(text), value) is ok


def test_fits_as_ratio_for_percentages_only():
    assert fits(parse_quantity("12.5%"), D("0.125"), as_ratio=True)
    assert not fits(parse_quantity("12.5%"), D("0.125"))
    assert fits(parse_quantity("提高2.4个百分点"), 0.024, as_ratio=True)
    assert fits(parse_quantity("2000多"), 2134, as_ratio=True)  # not a percentage: unchanged


def test_quantity_contains_unbounded_low():
    q = Quantity("count", D(5), None, D(5))
    assert q.contains(-(10**9))
    assert not q.contains(5)


# --------------------------------------------------------------------------- round trips


ROUND_TRIP_CASES = [
    (2134, "场次", "多", 100),
    (2134, "场次", "多", 1000),
    (4050, "人次", "余", None),
    (2_480_000, "人次", "近", 100_000),
    (13_200, "", "余", 1000),
    (1960, "", "近", 1000),
    (1960, "", "多", 1000),
    (2000, "", "多", 1000),
    (2999, "", "多", 1000),
    (3000, "", "近", 1000),
    (1646, "场次", "exact", None),
    (2480, "", "约", None),
    (1_200_000, "人次", "达", None),
]


@pytest.mark.parametrize(("value", "unit", "style", "precision"), ROUND_TRIP_CASES)
def test_round_trip_table(value, unit, style, precision):
    text = phrase(value, unit, style, precision=precision)
    assert fits(parse_quantity(text), value), text


STYLES = ["exact", "多", "余", "近", "约", "达"]
UNITS = ["", "场次", "人次", "人", "家", "个", "支", "所", "名", "项", "次", "件", "篇", "种", "元", "年"]
UNITS += ["万元", "亿元", "万人次"]
PRECISIONS = [None, 1, 10, 100, 1000, 10**4, 10**5, 10**6, 10**8]
SCALES = [None, "", "auto", "万", "亿"]


def _base(unit: str) -> str:
    return unit[1:] if unit[:1] in ("万", "亿") and len(unit) > 1 else unit


@given(
    value=st.integers(min_value=0, max_value=10**13),
    unit=st.sampled_from(UNITS),
    style=st.sampled_from(STYLES),
    precision=st.sampled_from(PRECISIONS),
    scale=st.sampled_from(SCALES),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_round_trip_integers(value, unit, style, precision, scale, decimals):
    text = phrase(value, unit, style, precision=precision, scale=scale, decimals=decimals)
    q = parse_quantity(text)
    assert fits(q, value), (text, q)
    assert q.unit == _base(unit)
    if style in ("多", "余") and q.qualifier in ("多", "余"):
        assert q.stated < value  # never claims "more than" the value itself


@given(
    value=st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(["", "人次", "万元", "次"]),
    style=st.sampled_from(STYLES),
    precision=st.sampled_from([None, D("0.1"), 1, 100, 10**4]),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_round_trip_decimals(value, unit, style, precision, decimals):
    text = phrase(value, unit, style, precision=precision, decimals=decimals)
    assert fits(parse_quantity(text), value), text


@given(
    value=st.integers(min_value=1, max_value=10**12),
    precision=st.sampled_from([1, 10, 100, 1000, 10**4, 10**5, 10**6]),
)
def test_more_than_is_below_next_step(value, precision):
    """多: the stated number is a multiple of the precision asked for, at most the value, never equal."""
    q = parse_quantity(phrase(value, "", "多", precision=precision, scale=""))
    if q.qualifier == "多":
        assert q.stated < value < q.high
        assert q.high - q.stated >= min(precision, 10 ** (len(str(value)) - 1))
    else:
        assert q.stated == value  # exact: the value is a round number at that precision


@given(value=st.integers(min_value=20, max_value=10**12))
def test_near_is_within_band_below(value):
    q = parse_quantity(phrase(value, "人", "近"))
    if q.qualifier == "近":
        assert q.stated * (1 - NEAR_BAND) <= value < q.stated


@given(value=st.decimals(min_value=-1, max_value=1, places=4, allow_nan=False, allow_infinity=False))
def test_round_trip_percent(value):
    assert fits(parse_quantity(phrase_percent(value)), value, as_ratio=True)


@given(value=st.decimals(min_value=-1, max_value=1, places=5, allow_nan=False, allow_infinity=False))
def test_round_trip_pp_and_growth(value):
    for text in (phrase_pp_change(value), phrase_growth(value)):
        if text == "持平":
            assert abs(value * 100) < D("0.05")
        else:
            assert fits(parse_quantity(text), value, as_ratio=True), text


def _cn(n: int) -> str:
    """An independent Chinese-numeral writer for 1 ≤ n < 10**8 (standard form, with 零)."""
    digits = "零一二三四五六七八九"

    def small(k: int) -> str:
        out, gap = "", False
        for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // place % 10
            if d:
                out += ("零" if gap and out else "") + digits[d] + name
                gap = False
            else:
                gap = True
        return out

    high, low = divmod(n, 10_000)
    text = small(n) if not high else small(high) + "万" + ("零" if 0 < low < 1000 else "") + small(low)
    return text[1:] if text.startswith("一十") else text


@given(n=st.integers(min_value=1, max_value=10**8 - 1))
def test_chinese_numerals(n):
    q = parse_quantity(_cn(n) + "人")
    assert q.stated == n
    assert fits(q, n)


@given(
    value=st.integers(min_value=1, max_value=10**10),
    unit=st.sampled_from(["场次", "人次", "人", "家", "支", "名", "项", "万元"]),
    style=st.sampled_from(STYLES),
)
def test_find_numbers_reads_what_phrase_writes(value, unit, style):
    text = phrase(value, unit, style)
    found = find_numbers(f"今年累计完成{text}，成效显著")
    quantities = found
    assert [f.text for f in quantities] == [text]
    assert quantities[0].quantity == parse_quantity(text)


# --------------------------------------------------------------------------- find_numbers


def _only(text: str):
    found = find_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "matched", "kind", "date"),
    [
        ("2021年安庆全市活动", "2021年", "year", (2021, None, None)),
        ("表扬为 2021年度科技志愿者", "2021年度", "year", (2021, None, None)),
        ("2020 年被省科协表扬", "2020 年", "year", (2020, None, None)),
        ("成功举办2023长三角一体化院士论坛", "2023", "year", (2023, None, None)),
        ("2019年9月,高水平承办", "2019年9月", "date", (2019, 9, None)),
        ("今年9月,成功举办", "9月", "date", (None, 9, None)),
        ("今年5月26日,在", "5月26日", "date", (None, 5, 26)),
        ('围绕"5·30"全国科技工作者日', "5·30", "date", (None, 5, 30)),
        ('"6·5"世界环境日', "6·5", "date", (None, 6, 5)),
        ("获2021-2025年首批全国科普示范县", "2021-2025年", "year", None),
        ("巡展40个月,参观", "40个月", "count", None),
        ("高水平承办第九届皖台科技论坛", "第九届", "rank", None),
        ("活动浏览量在全国排第9名;", "第9名", "rank", None),
        ("较“十三五”末增长", "十三五", "period", None),
    ],
)
def test_find_years_dates_ranks(text, matched, kind, date):
    f = _only(text)
    assert (f.text, f.kind) == (matched, kind)
    assert f.date == date
    assert text[f.start : f.end] == matched


def test_find_dates_have_no_quantity():
    f = _only("2019年9月")
    assert f.quantity is None
    assert (f.low, f.high, f.unit, f.qualifier) == (None, None, "", "")


@pytest.mark.parametrize(
    ("text", "matched", "low", "high", "unit", "qualifier"),
    [
        ("注册服务队 1300 多支,1 人被", "1300 多支", 1300, 1400, "支", "多"),
        ("累计举办重点科普活动2000多\n场次,受益群众", "2000多\n场次", 2000, 3000, "场次", "多"),
        ("累计1400\n多人次参加赛事", "1400\n多人次", 1400, 1500, "人次", "多"),
        ("组织100多所学校2\n\n万余名学生", "2\n\n万余名", 20_000, 30_000, "名", "余"),
        ("科学素质比例达\n\n12.5%,较", "达\n\n12.5%", D("12.45"), D("12.55"), "%", "达"),
        ("受益群众近 250 万人", "近 250 万人", 2_375_000, 2_500_000, "人", "近"),
        ("较“十三五”末增长2.4个百分点", "增长2.4个百分点", D("2.35"), D("2.45"), "个百分点", ""),
        ("目前已达40余家企业", "达40余家", 40, 50, "家", "余"),
        ("数量增加5个", "5个", 5, 6, "个", ""),  # a verb is part of the figure only for % and 百分点
        ("两千多名志愿者", "两千多名", 2000, 3000, "名", "多"),
        ("１２３４５人", "１２３４５人", 12345, 12346, "人", ""),  # full-width digits, span kept
    ],
)
def test_find_handles_whitespace_and_qualifiers(text, matched, low, high, unit, qualifier):
    found = [f for f in find_numbers(text) if f.text == matched]
    assert len(found) == 1, find_numbers(text)
    f = found[0]
    assert (f.low, f.high, f.unit, f.qualifier) == (low, high, unit, qualifier)
    assert text[f.start : f.end] == matched


@pytest.mark.parametrize(
    "text",
    [
        "推进长三角一体化发展",
        "党的十九大和二十大精神",
        "十九届历次全会精神和二十届二中、三中全会精神",
        "中国科协十届委员会委员",
        "严格执行中央八项规定，做到“两个维护”",
        "紧紧围绕“四个服务”职责",
        "进一步增强",
        "3D打印技术",
        "投稿信箱:sxkjb169@aliyun.com",
        "电话:029-",
    ],
)
def test_find_ignores_words_that_only_contain_numerals(text):
    assert find_numbers(text) == []


def test_find_bare_numbers_are_numbers_not_counts():
    kinds = [(f.text, f.kind) for f in find_numbers('"3+1"试点; 邮编:710003')]
    assert kinds == [("3", "number"), ("1", "number"), ("710003", "number")]


def test_find_returns_ordered_non_overlapping_spans():
    text = "2022年,开展活动2000多场次,受益近250万人次,比例达12.5%,提高2.4个百分点。"
    found = find_numbers(text)
    assert [f.text for f in found] == ["2022年", "2000多场次", "近250万人次", "达12.5%", "提高2.4个百分点"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# --------------------------------------------------------------------------- the seed reports


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# seed prefix -> (figure as written without whitespace, kind, low, high, unit, qualifier)
SEED_FIGURES = {
    "000": [
        ("2000多场次", "count", 2000, 3000, "场次", "多"),
        ("近250万人", "count", 2_375_000, 2_500_000, "人", "近"),
        ("1300多支", "count", 1300, 1400, "支", "多"),
        ("达12.5%", "percent", D("12.45"), D("12.55"), "%", "达"),
        ("增长2.4个百分点", "pp", D("2.35"), D("2.45"), "个百分点", ""),
        ("160多万人次", "count", 1_600_000, 1_700_000, "人次", "多"),
        ("600多项", "count", 600, 700, "项", "多"),
        ("100多名", "count", 100, 200, "名", "多"),
        ("1400多人次", "count", 1400, 1500, "人次", "多"),
        ("4000余人次", "count", 4000, 5000, "人次", "余"),
        ("2万多人", "count", 20_000, 30_000, "人", "多"),
        ("8人次", "count", 8, 9, "人次", ""),
        ("1人", "count", 1, 2, "人", ""),
        ("七届", "count", 7, 8, "届", ""),
        ("11位", "count", 11, 12, "位", ""),
        ("200余人", "count", 200, 300, "人", "余"),
        ("141.8万次", "count", 1_417_500, 1_418_500, "次", ""),
        ("达2.6亿元", "count", 255_000_000, 265_000_000, "元", "达"),
        ("约70亿元", "count", 6_650_000_000, 7_350_000_000, "元", "约"),
        ("150亿元", "count", 14_950_000_000, 15_050_000_000, "元", ""),
        ("9300多名", "count", 9300, 9400, "名", "多"),
        ("5.4%", "percent", D("5.35"), D("5.45"), "%", ""),
        ("11.7%", "percent", D("11.65"), D("11.75"), "%", ""),
        ("第9名", "rank", 9, 10, "名", ""),
        ("第九届", "rank", 9, 10, "届", ""),
        ("第6家", "rank", 6, 7, "家", ""),
        ("2021年", "year", 2021, 2022, "年", ""),
        ("2021-2025年", "year", 2021, 2026, "年", "至"),
        ("十三五", "period", 2016, 2021, "年", ""),
    ],
    "001": [
        ("130多万人次", "count", 1_300_000, 1_400_000, "人次", "多"),
        ("3000余场次", "count", 3000, 4000, "场次", "余"),
        ("超120万", "count", 1_200_000, INF, "", "超过"),
        ("达120万", "count", 1_195_000, 1_205_000, "", "达"),
        ("40个月", "count", 40, 41, "个月", ""),
        ("2.8万人次", "count", 27_500, 28_500, "人次", ""),
        ("1788户", "count", 1788, 1789, "户", ""),
        ("4539名", "count", 4539, 4540, "名", ""),
        ("60余位", "count", 60, 70, "位", "余"),
        ("96家", "count", 96, 97, "家", ""),
    ],
    "002": [
        ("达90%以上", "percent", 90, INF, "%", "以上"),
        ("达100%", "percent", D("99.5"), D("100.5"), "%", "达"),
        ("数百次", "count", 200, 1000, "次", "数"),
        ("2万余名", "count", 20_000, 30_000, "名", "余"),
        ("近7万名", "count", 66_500, 70_000, "名", "近"),
        ("近20万人次", "count", 190_000, 200_000, "人次", "近"),
        ("百余项", "count", 100, 200, "项", "余"),
        ("500多万元", "count", 5_000_000, 6_000_000, "元", "多"),
        ("达630余万次", "count", 6_300_000, 6_400_000, "次", "余"),
        ("第二十一届", "rank", 21, 22, "届", ""),
        ("达10.9%", "percent", D("10.85"), D("10.95"), "%", "达"),
        ("十四五", "period", 2021, 2026, "年", ""),
        ("2400余位", "count", 2400, 2500, "位", "余"),
        ("三届", "count", 3, 4, "届", ""),
    ],
    "003": [
        ("近200人", "count", 190, 200, "人", "近"),
        ("2219条", "count", 2219, 2220, "条", ""),
        ("1000余名", "count", 1000, 2000, "名", "余"),
        ("2600多名", "count", 2600, 2700, "名", "多"),
        ("达1140余场", "count", 1140, 1150, "场", "余"),
        ("7万多人", "count", 70_000, 80_000, "人", "多"),
        ("第三批", "rank", 3, 4, "批", ""),
        ("2021-2035年", "year", 2021, 2036, "年", "至"),
    ],
    "004": [
        ("八万余人次", "count", 80_000, 90_000, "人次", "余"),
        ("百余场", "count", 100, 200, "场", "余"),
        ("12万元", "count", 115_000, 125_000, "元", ""),
        ("260余人", "count", 260, 270, "人", "余"),
        ("达2000多人", "count", 2000, 3000, "人", "多"),
        ("2000多人次", "count", 2000, 3000, "人次", "多"),
        ("4万余", "count", 40_000, 50_000, "", "余"),
        ("11万人", "count", 105_000, 115_000, "人", ""),
        ("十所", "count", 10, 11, "所", ""),
        ("第四次", "rank", 4, 5, "次", ""),
    ],
}

SEED_DATES = {
    "000": [("2019年9月", (2019, 9, None)), ("5·30", (None, 5, 30)), ("3·23", (None, 3, 23))],
    "001": [("2021年6月", (2021, 6, None))],
    "002": [("5月26日", (None, 5, 26))],
}


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_seed_folder_has_the_five_reports():
    assert len(list(SEEDS.glob("*.txt"))) == 5


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [], ids=lambda p: p.name)
def test_find_numbers_on_every_seed(path):
    text = path.read_text(encoding="utf-8")
    found = find_numbers(text)
    assert len(found) > 30
    kinds = {"count", "number", "percent", "growth", "pp", "year", "date", "rank", "period", "fraction"}
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.kind in kinds
        assert (f.quantity is None) == (f.kind == "date")
        if f.quantity is not None:
            assert f.quantity.kind == f.kind
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    for word in ("十九大", "二十大", "一体化", "四个服务", "十九届", "二十届"):
        for m in re.finditer(word, text):
            assert not [f for f in found if f.start < m.end() and m.start() < f.end], word


@pytest.mark.parametrize(
    ("prefix", "written", "kind", "low", "high", "unit", "qualifier"),
    [(prefix, *row) for prefix, rows in SEED_FIGURES.items() for row in rows],
)
def test_seed_figures(prefix, written, kind, low, high, unit, qualifier):
    found = [f for f in find_numbers(_seed(prefix)) if _compact(f.text) == written]
    assert found, f"{written} not found in seed {prefix}"
    assert {(f.kind, f.low, f.high, f.unit, f.qualifier) for f in found} == {
        (kind, low, high, unit, qualifier)
    }


@pytest.mark.parametrize(
    ("prefix", "written", "date"),
    [(prefix, *row) for prefix, rows in SEED_DATES.items() for row in rows],
)
def test_seed_dates(prefix, written, date):
    found = [f for f in find_numbers(_seed(prefix)) if _compact(f.text) == written]
    assert [(f.kind, f.date) for f in found][:1] == [("date", date)]


def test_seed_years_are_not_counts():
    found = find_numbers(_seed("000"))
    years = [f for f in found if _compact(f.text) in ("2021年", "2022年", "2020年", "2023")]
    assert len(years) >= 5
    assert {f.kind for f in years} == {"year"}
    assert not [
        f for f in found if f.kind == "count" and f.unit == "年" and f.low is not None and f.low > 1900
    ]
