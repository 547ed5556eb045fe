"""Reads behind the dashboard (数据看板): every figure comes from `kexie.indicators.engine.evaluate`.

This module never aggregates records itself. It asks the engine three questions for a unit and a
period — the totals by child unit over the period, the period before it and each month; the
breakdown by activity type; the breakdown by campaign — and turns the `Result`s into plain data
for the page and its charts (values, shares, ranks and the provenance link of every figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kexie.core.numbers import phrase_growth
from kexie.core.periods import Period, PeriodError, PeriodKind
from kexie.indicators.engine import BY_CHILD, Number, Result, Value, evaluate
from kexie.indicators.registry import Indicator, indicator
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access

# The headline cards, in display order.
HEADLINE = (
    "popsci_activities",
    "popsci_key_activities",
    "popsci_participants",
    "popsci_online_views",
    "academic_activities",
    "sci_worker_participation",
)
# Columns of the child-unit table; the first one ranks the rows.
CHILD_COLUMNS = ("popsci_activities", "popsci_participants", "popsci_key_activities", "academic_activities")
RANK_BY = CHILD_COLUMNS[0]
# The monthly trend and the two breakdowns.
TREND = ("popsci_activities", "popsci_participants")
BREAKDOWN = ("popsci_activities", "popsci_participants")
# Any held activity is either 科普 or 学术交流: both zero means no record at all in the period.
PRESENCE = ("popsci_activities", "academic_activities")

ALLOWED_KINDS = (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.SPAN)
MAX_SPAN_YEARS = 10
PERIOD_HINT = "看板的期间可以是年度（2024）、半年（2024S1）、季度（2024Q2）、月份（2024-05）或不超过10年的多年期间（2021..2025）"


def dashboard_period(text: str | None, *, today: date) -> Period:
    """The period asked for (default: the current year); PeriodError with a Chinese message when the
    text is not a period, or is a kind the dashboard does not show (weeks, custom ranges, long spans)."""
    text = (text or "").strip()
    if not text:
        return Period.year(today.year)
    period = Period.parse(text)
    if period.kind not in ALLOWED_KINDS:
        raise PeriodError(f"看板不支持{period.kind.label}“{period}”。{PERIOD_HINT}")
    if period.kind is PeriodKind.SPAN and period.end.year - period.start.year + 1 > MAX_SPAN_YEARS:
        raise PeriodError(f"多年期间“{period}”超过{MAX_SPAN_YEARS}年。{PERIOD_HINT}")
    return period


def trend_periods(period: Period) -> list[Period]:
    """The points of the trend chart: the months of the period (the years of a multi-year span)."""
    if period.kind is PeriodKind.SPAN:
        return period.children(PeriodKind.YEAR)
    return period.months()


def previous_period(period: Period) -> Period | None:
    """The period of the same length just before (上年, 上季度, 上月 …); None before year 1."""
    try:
        return period.previous()
    except PeriodError:
        return None


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Figure:
    """One number on the page, with what it counts and the link to its records."""

    code: str
    name: str
    unit: str  # 场次, 人次, 次 …
    value: Number | None
    url: str | None
    share: float | None = None  # of the unit's total (child rows and 本级 only)

    @classmethod
    def of(cls, v: Value) -> Figure:
        ind = v.indicator
        return cls(
            code=ind.code, name=ind.name, unit=ind.unit, value=v.value, url=v.provenance, share=v.share
        )

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class Headline:
    figure: Figure
    previous: Figure | None  # the same figure for the previous period
    change: float | None  # relative change against `previous`; None when it cannot be computed

    @property
    def change_text(self) -> str:
        """增长18.6% / 下降5% / 持平; "上期为0" when there is nothing to compare with."""
        if self.previous is None or self.previous.value is None or self.figure.value is None:
            return ""
        if self.change is None:
            return "上期为0" if self.figure.value else "持平"
        return phrase_growth(self.change)

    @property
    def direction(self) -> int:
        return 0 if not self.change else (1 if self.change > 0 else -1)


@dataclass(frozen=True)
class Row:
    """A row of the child table: a child unit, the unit's own records (本级), or the total (合计)."""

    unit: OrgUnit
    figures: dict[str, Figure]
    rank: int | None = None
    own_only: bool = False
    is_total: bool = False

    @property
    def cells(self) -> list[Figure]:
        return [self.figures[code] for code in CHILD_COLUMNS]


@dataclass(frozen=True)
class Member:
    """One breakdown member (an activity type or a campaign) with its figures."""

    key: str
    label: str
    figures: dict[str, Figure]

    @property
    def cells(self) -> list[Figure]:
        return [self.figures[code] for code in BREAKDOWN]


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    figures: dict[str, Figure]


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    previous: Period | None
    headlines: list[Headline]
    trend: list[TrendPoint]
    by_type: list[Member]
    by_campaign: list[Member]
    rows: list[Row]  # children, ranked
    own: Row  # 本级
    total: Row  # 合计
    columns: list[Indicator] = field(default_factory=list)
    breakdown_columns: list[Indicator] = field(default_factory=list)
    sites: Sites | None = None  # 阵地与平台 (issue 10): set by the page from sites()

    @property
    def is_empty(self) -> bool:
        """No held activity at all in the period, in the whole subtree."""
        return not any(self.total.figures[code].value for code in PRESENCE if code in self.total.figures)


# --------------------------------------------------------------------------- 阵地与平台 (issue 10)

# Designations (科普教育基地, 院士专家工作站 …) in force at the period's end, and newly granted in it.
SITES_STOCK = "designations"
SITES_NEW = "designations_new"
SITES_LEVELS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级"))


@dataclass(frozen=True)
class SiteRow:
    """A programme or a level: how many are in force at the period's end, how many were granted in it."""

    key: str
    label: str
    in_force: Figure
    new: Figure


@dataclass(frozen=True)
class Sites:
    in_force: Figure
    new: Figure
    by_programme: list[SiteRow]
    by_level: list[SiteRow]
    trend: list[TrendPoint]  # newly granted per month (per year for a span)

    @property
    def is_empty(self) -> bool:
        return not (self.in_force.value or self.new.value)


def sites(*, access: Access, unit: OrgUnit, period: Period, trend: list[Period]) -> Sites:
    """阵地与平台: two engine calls — the period by programme (in force at its end and newly granted, with
    the per-level indicators in the same query), and the newly granted per trend point."""
    codes = (SITES_STOCK, SITES_NEW)
    level_codes = {lv: (f"designations_{lv}", f"designations_{lv}_new") for lv, _ in SITES_LEVELS}
    level_all = [c for pair in level_codes.values() for c in pair]
    by_programme = evaluate(
        access=access, indicators=[*codes, *level_all], periods=[period], unit=unit, breakdown="programme"
    )
    months = evaluate(access=access, indicators=[SITES_NEW], periods=trend, unit=unit)

    programmes = []
    for key, label in by_programme.keys:
        stock, new = (Figure.of(by_programme.value(c, period, key=key)) for c in codes)
        if stock.value or new.value:
            programmes.append(SiteRow(key=key, label=label, in_force=stock, new=new))
    levels = []
    for level, label in SITES_LEVELS:
        stock, new = (Figure.of(by_programme.value(c, period)) for c in level_codes[level])
        if stock.value or new.value:
            levels.append(SiteRow(key=level, label=label, in_force=stock, new=new))
    return Sites(
        in_force=Figure.of(by_programme.value(SITES_STOCK, period)),
        new=Figure.of(by_programme.value(SITES_NEW, period)),
        by_programme=sorted(programmes, key=lambda r: -(r.in_force.value or 0)),
        by_level=levels,
        trend=[TrendPoint(p, {SITES_NEW: Figure.of(months.value(SITES_NEW, p))}) for p in trend],
    )


# Where the holders lie: designations in force at the period's end by county (the engine's "region"
# breakdown: the holder's region code, or its org unit's). Not part of the page's own queries: the
# card loads it afterwards (views.sites_regions), so the dashboard does not wait for it.
SITES_REGION_BARS = 20  # the chart shows the largest counties; the list behind 区划不明 is linked too


@dataclass(frozen=True)
class RegionBar:
    key: str  # 6-digit county code; "" for holders whose region is not known
    label: str
    figure: Figure


def sites_by_region(*, access: Access, unit: OrgUnit, period: Period) -> list[RegionBar]:
    """阵地与平台 by county: one engine call; largest first, 区划不明 last; counties without any left out."""
    result = evaluate(
        access=access, indicators=[SITES_STOCK], periods=[period], unit=unit, breakdown="region"
    )
    bars = [
        RegionBar(key=key, label=label, figure=Figure.of(result.value(SITES_STOCK, period, key=key)))
        for key, label in result.keys
    ]
    bars = [b for b in bars if b.figure.value]
    return sorted(bars, key=lambda b: (b.key == "", -(b.figure.value or 0), b.key))


# --------------------------------------------------------------------------- the selector


def dashboard(*, access: Access, unit: OrgUnit | int | None, period: Period | str) -> Dashboard:
    """数据看板: headline figures, trend, breakdowns and the ranked child table for `unit` (default:
    the active unit) and `period`. Three engine calls (阵地与平台 is `sites()`, two more); Http404 when the unit is outside the scope."""
    period = Period.parse(period)
    previous = previous_period(period)
    trend = trend_periods(period)
    periods = [period, *([previous] if previous else []), *trend]
    main_codes = list(dict.fromkeys([*HEADLINE, *CHILD_COLUMNS, *TREND, *PRESENCE]))
    main = evaluate(access=access, indicators=main_codes, periods=periods, unit=unit, by=BY_CHILD)
    unit = main.unit
    by_type = evaluate(access=access, indicators=BREAKDOWN, periods=[period], unit=unit, breakdown="type")
    by_campaign = evaluate(
        access=access, indicators=BREAKDOWN, periods=[period], unit=unit, breakdown="campaign"
    )
    return Dashboard(
        unit=unit,
        period=period,
        previous=previous,
        headlines=_headlines(main, period, previous),
        trend=[TrendPoint(p, {c: Figure.of(main.value(c, p)) for c in TREND}) for p in trend],
        by_type=sorted(_members(by_type, period), key=lambda m: -(m.figures[BREAKDOWN[0]].value or 0)),
        by_campaign=_members(by_campaign, period),
        rows=_ranked_rows(main, period),
        own=Row(unit=unit, own_only=True, figures={c: Figure.of(main.own(c, period)) for c in CHILD_COLUMNS}),
        total=Row(
            unit=unit,
            is_total=True,
            figures={c: Figure.of(main.value(c, period)) for c in dict.fromkeys([*CHILD_COLUMNS, *PRESENCE])},
        ),
        columns=[indicator(c) for c in CHILD_COLUMNS],
        breakdown_columns=[indicator(c) for c in BREAKDOWN],
    )


def _headlines(result: Result, period: Period, previous: Period | None) -> list[Headline]:
    out = []
    for code in HEADLINE:
        now = result.value(code, period)
        before = result.value(code, previous) if previous else None
        change = None
        if before is not None and before.value and now.value is not None:
            change = (float(now.value) - float(before.value)) / float(before.value)
        out.append(Headline(Figure.of(now), Figure.of(before) if before else None, change))
    return out


def _ranked_rows(result: Result, period: Period) -> list[Row]:
    """Children largest first by RANK_BY; equal values share a rank (1, 2, 2, 4)."""
    rows: list[Row] = []
    rank = 0
    last: Number | None = None
    for position, v in enumerate(result.ranking(RANK_BY, period), start=1):
        if position == 1 or v.value != last:
            rank, last = position, v.value
        child = v.unit
        figures = {c: Figure.of(result.value(c, period, child)) for c in CHILD_COLUMNS}
        rows.append(Row(unit=child, figures=figures, rank=rank))
    return rows


def _members(result: Result, period: Period) -> list[Member]:
    """The breakdown members that have a non-zero figure, in the engine's display order."""
    members = []
    for key, label in result.keys:
        figures = {c: Figure.of(result.value(c, period, key=key)) for c in BREAKDOWN}
        if any(f.value for f in figures.values()):
            members.append(Member(key=key, label=label, figures=figures))
    return members
