"""ECharts options for the dashboard, built as plain dicts from the dashboard's figures.

Each chart is `{"option": …, "links": …}`: the option goes to `chart.setOption()` as is, and
`links[seriesIndex][dataIndex]` is the provenance URL of that point (None when a figure has no link),
which `analytics/dashboard.js` follows on click. Numbers are formatted in the browser (tooltips).
"""

from __future__ import annotations

from kexie.analytics.selectors import BREAKDOWN, SITES_REGION_BARS, TREND, Dashboard, Member, RegionBar
from kexie.core.periods import PeriodKind
from kexie.indicators.registry import indicator

PALETTE = ["#206bc4", "#f59f00", "#2fb344", "#d63939", "#ae3ec9", "#17a2b8", "#f76707", "#74b816", "#667382"]


def trend_chart(d: Dashboard) -> dict:
    """场次 as bars (left axis) and 参与人次 as a line (right axis), one point a month (a year for spans)."""
    count, people = (indicator(code) for code in TREND)
    within_year = d.period.kind is not PeriodKind.SPAN
    categories = [p.period.short_label if within_year else p.period.label for p in d.trend]
    series = [
        {
            "name": count.name,
            "type": "bar",
            "yAxisIndex": 0,
            "barMaxWidth": 28,
            "data": [p.figures[count.code].value for p in d.trend],
        },
        {
            "name": people.name,
            "type": "line",
            "yAxisIndex": 1,
            "symbolSize": 8,
            "data": [p.figures[people.code].value for p in d.trend],
        },
    ]
    option = {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "top": 48, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": [
            {"type": "value", "name": count.unit, "minInterval": 1},
            {"type": "value", "name": people.unit, "minInterval": 1, "splitLine": {"show": False}},
        ],
        "series": series,
    }
    links = [[p.figures[code].url for p in d.trend] for code in TREND]
    return {"option": option, "links": links}


def type_chart(members: list[Member]) -> dict:
    """A horizontal bar per activity type (largest on top), 场次."""
    code = BREAKDOWN[0]
    ind = indicator(code)
    shown = list(reversed(members))  # ECharts draws the first category at the bottom
    option = {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [m.label for m in shown]},
        "series": [
            {
                "name": ind.name,
                "type": "bar",
                "barMaxWidth": 22,
                "label": {"show": True, "position": "right"},
                "data": [m.figures[code].value for m in shown],
            }
        ],
    }
    return {"option": option, "links": [[m.figures[code].url for m in shown]]}


def campaign_chart(members: list[Member]) -> dict:
    """A ring of 场次 per campaign (活动品牌), activities without one as 无品牌."""
    code = BREAKDOWN[0]
    ind = indicator(code)
    option = {
        "color": PALETTE,
        "tooltip": {"trigger": "item"},
        "legend": {"type": "scroll", "bottom": 0},
        "series": [
            {
                "name": ind.name,
                "type": "pie",
                "radius": ["38%", "68%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{d}%"},
                "data": [{"name": m.label, "value": m.figures[code].value} for m in members],
            }
        ],
    }
    return {"option": option, "links": [[m.figures[code].url for m in members]]}


def sites_trend_chart(d: Dashboard) -> dict:
    """阵地与平台: newly granted designations as bars, one a month (a year for spans)."""
    from kexie.analytics.selectors import SITES_NEW

    within_year = d.period.kind is not PeriodKind.SPAN
    new = indicator(SITES_NEW)
    points = d.sites.trend if d.sites else []
    option = {
        "color": PALETTE[2:],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 8, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [p.period.short_label if within_year else p.period.label for p in points],
        },
        "yAxis": [{"type": "value", "name": new.unit, "minInterval": 1}],
        "series": [
            {
                "name": new.name,
                "type": "bar",
                "barMaxWidth": 28,
                "data": [p.figures[SITES_NEW].value for p in points],
            }
        ],
    }
    return {"option": option, "links": [[p.figures[SITES_NEW].url for p in points]]}


def sites_region_chart(bars: list[RegionBar]) -> dict:
    """阵地与平台 by county: horizontal bars, largest on top; each bar opens the designations behind it."""
    shown = bars[:SITES_REGION_BARS]
    shown.reverse()  # ECharts draws a category y axis from the bottom
    stock = indicator("designations")
    option = {
        "color": PALETTE[4:],
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": stock.unit, "minInterval": 1},
        "yAxis": {"type": "category", "data": [b.label for b in shown]},
        "series": [
            {
                "name": "期末有效",
                "type": "bar",
                "barMaxWidth": 18,
                "data": [b.figure.value for b in shown],
            }
        ],
    }
    return {"option": option, "links": [[b.figure.url for b in shown]]}
